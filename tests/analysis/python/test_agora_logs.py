"""Tests of analysis/python/agora_logs.py against run directories written by the `agora` CLI.

tests/analysis/python_test.sh creates the runs and sets AGORA_RUNS (a directory holding
`quickstart` (2 cells x 3 seeds, horizon 2000, stride 100), `reserve` (4 cells x 3 seeds),
`bandit` (bandit learners, 2 seeds) and `single` (quickstart with one seed)). The helpers at
the top also build synthetic variants (incomplete files, external regret, diagnostics, theory
bid functions, ecosystem metrics) and are shared with test_agora_plot.py.
"""
import json
import os
import shutil
import tempfile
import unittest

import h5py
import numpy as np

import agora_logs

RUNS = os.environ.get("AGORA_RUNS", "")


def run_dir(name):
    path = os.path.join(RUNS, name)
    if not os.path.isdir(path):
        raise unittest.SkipTest(f"{path} missing: run tests/analysis/python_test.sh")
    return path


# --- synthetic variants of CLI runs ---------------------------------------------------------------


def copy_run(name, tmp):
    """A copy of the CLI run `name` under the temporary directory `tmp`."""
    dst = os.path.join(tmp, name)
    shutil.copytree(run_dir(name), dst)
    return dst


def run_files(directory):
    folder = os.path.join(directory, "runs")
    return sorted(os.path.join(folder, f) for f in os.listdir(folder) if f.endswith(".h5"))


def edit_summary(directory, edit):
    path = os.path.join(directory, "summary.json")
    with open(path) as f:
        summary = json.load(f)
    edit(summary)
    with open(path, "w") as f:
        json.dump(summary, f)


def external_regret_values(rows, pool, seed):
    """Deterministic synthetic regret: decreasing in the row, different per agent and seed."""
    return (np.arange(pool)[None, :] + seed) / (1.0 + np.arange(rows)[:, None])


def add_external_regret(directory):
    """Adds /agents/<role>/external_regret to every file and diagnostics to summary.json."""
    for path in run_files(directory):
        with h5py.File(path, "r+") as f:
            seed = int(f.attrs["seed"])
            for role in f["agents"].attrs["roles"]:
                rows, pool = f["agents"][role]["reward"].shape
                if "external_regret" in f["agents"][role]:  # replace the CLI's own
                    del f["agents"][role]["external_regret"]
                f["agents"][role].create_dataset(
                    "external_regret", data=external_regret_values(rows, pool, seed))

    def edit(summary):
        for cell in summary["cells"]:
            for run in cell["runs"]:
                run["diagnostics"] = {"nash_conv": 0.01 * run["seed"], "nash_conv_se": 0.001,
                                      "external_regret": [0.1, 0.2, 0.3 * run["seed"]],
                                      "method": "grid"}
    edit_summary(directory, edit)


THEORY_VALUES = np.linspace(0.0, 1.0, 11)


def add_theory_bid_function(directory, slope=lambda cell: 2.0 / 3.0):
    """Adds theory.bid_function (bid = slope(cell) x value) to every cell of summary.json."""
    def edit(summary):
        for cell in summary["cells"]:
            cell.setdefault("theory", {})["bid_function"] = {
                "value": THEORY_VALUES.tolist(),
                "bid": (slope(cell["index"]) * THEORY_VALUES).tolist(), "note": "synthetic"}
    edit_summary(directory, edit)


ECOSYSTEM_ADDED = ["content_quality", "user_retention"]


def add_ecosystem_metrics(directory):
    """Adds the metrics content_quality and user_retention to every file and the summary."""
    for path in run_files(directory):
        with h5py.File(path, "r+") as f:
            rows = f["step"].shape[0]
            names = [str(n) for n in f["metrics"].attrs["names"]] + ECOSYSTEM_ADDED
            for i, name in enumerate(ECOSYSTEM_ADDED):
                f["metrics"].create_dataset(name, data=np.linspace(0.2, 0.8, rows) + 0.1 * i)
            f["metrics"].attrs["names"] = np.array(names, dtype=h5py.string_dtype())
    edit_summary(directory, lambda s: s["metrics"].extend(ECOSYSTEM_ADDED))


def set_file_attr(path, key, value):
    with h5py.File(path, "r+") as f:
        f.attrs[key] = value


# --- tests ----------------------------------------------------------------------------------------


class LoadCliRun(unittest.TestCase):
    """The loader round-trips the files the CLI wrote."""

    @classmethod
    def setUpClass(cls):
        cls.dir = run_dir("quickstart")
        cls.runs = agora_logs.load(cls.dir)
        with open(os.path.join(cls.dir, "summary.json")) as f:
            cls.summary = json.load(f)

    def files(self):
        for cell in self.summary["cells"]:
            for run in cell["runs"]:
                yield cell, run, os.path.join(self.dir, run["file"])

    def test_summary_and_config(self):
        self.assertEqual(self.runs.summary, self.summary)
        self.assertEqual(self.runs.config["name"], "quickstart")
        self.assertEqual(self.runs.seeds, [1, 2, 3])
        self.assertEqual(sorted(self.runs.files), [(c, s) for c in (0, 1) for s in (1, 2, 3)])

    def test_metric_columns_keep_the_env_order(self):
        with h5py.File(next(self.files())[2], "r") as f:
            names = [str(n) for n in f["metrics"].attrs["names"]]
        self.assertEqual(self.runs.metric_names, names)
        self.assertEqual(list(self.runs.metrics.columns),
                         ["cell", "cell_label", "seed", "step"] + names + ["complete"])

    def test_metrics_equal_the_hdf5_datasets(self):
        m = self.runs.metrics
        for cell, run, path in self.files():
            rows = m[(m["cell"] == cell["index"]) & (m["seed"] == run["seed"])]
            with h5py.File(path, "r") as f:
                np.testing.assert_array_equal(rows["step"].to_numpy(), f["step"][:])
                for name in self.runs.metric_names:
                    np.testing.assert_array_equal(rows[name].to_numpy(), f["metrics"][name][:])
            self.assertTrue((rows["cell_label"] == cell["label"]).all())
            self.assertTrue(rows["complete"].all())

    def test_shape_and_step_column(self):
        m = self.runs.metrics
        self.assertEqual(len(m), 2 * 3 * 20)  # cells x seeds x (horizon 2000 / stride 100)
        for _, rows in m.groupby(["cell", "seed"]):
            np.testing.assert_array_equal(rows["step"].to_numpy(), np.arange(100, 2001, 100))

    def test_run_means_match_the_rows(self):
        """summary.json's per-run mean over steps is the window-length-weighted mean of the
        rows, its tail mean that over the rows of the tail (no NaN in these metrics)."""
        m = self.runs.metrics
        for cell, run, _ in self.files():
            rows = m[(m["cell"] == cell["index"]) & (m["seed"] == run["seed"])]
            step = rows["step"].to_numpy()
            length = np.diff(np.concatenate([[0], step]))
            for name, stats in run["metrics"].items():
                values = rows[name].to_numpy()
                self.assertAlmostEqual(np.average(values, weights=length), stats["mean"],
                                       places=9)
                tail = step > step[-1] - stats["tail_steps"]
                self.assertEqual(length[tail].sum(), stats["tail_steps"])
                self.assertAlmostEqual(np.average(values[tail], weights=length[tail]),
                                       stats["tail_mean"], places=9)

    def test_runs_frame_holds_the_summary_values(self):
        r = self.runs.runs
        self.assertEqual(len(r), 6)
        for cell, run, _ in self.files():
            row = r[(r["cell"] == cell["index"]) & (r["seed"] == run["seed"])].iloc[0]
            self.assertTrue(row["complete"])
            self.assertEqual(row["cell_label"], cell["label"])
            for name, stats in run["metrics"].items():
                self.assertEqual(row[name], stats["tail_mean"])
                self.assertEqual(row[name + "_mean"], stats["mean"])
        for cell in self.summary["cells"]:
            tail = r[r["cell"] == cell["index"]]["revenue"]
            self.assertAlmostEqual(tail.mean(), cell["metrics"]["revenue"]["tail_mean"]["mean"])

    def test_cells_frame_has_the_swept_path(self):
        cells = self.runs.cells
        self.assertEqual(list(cells["mechanism.name"]), ["first_price", "second_price"])

    def test_agents_equal_the_hdf5_datasets(self):
        a = self.runs.agents
        self.assertEqual(list(a.columns), ["cell", "seed", "step", "role", "agent", "reward",
                                           "active", "action_shade", "external_regret",
                                           "complete"])
        self.assertEqual(len(a), 2 * 3 * 20 * 3)  # cells x seeds x rows x bidders
        for cell, run, path in self.files():
            rows = a[(a["cell"] == cell["index"]) & (a["seed"] == run["seed"])]
            with h5py.File(path, "r") as f:
                group = f["agents/bidder"]
                for agent in range(3):
                    mine = rows[rows["agent"] == agent]
                    np.testing.assert_array_equal(mine["step"].to_numpy(), f["step"][:])
                    np.testing.assert_array_equal(mine["reward"].to_numpy(),
                                                  group["reward"][:, agent])
                    np.testing.assert_array_equal(mine["action_shade"].to_numpy(),
                                                  group["action"][:, agent, 0])
                    np.testing.assert_array_equal(mine["active"].to_numpy(),
                                                  group["active"][:, agent].astype(bool))
                    np.testing.assert_array_equal(mine["external_regret"].to_numpy(),
                                                  group["external_regret"][:, agent])

    def test_strategies_are_parsed(self):
        for cell, run, path in self.files():
            with h5py.File(path, "r") as f:
                expected = json.loads(f.attrs["strategies"])
            strategies = self.runs.strategies[(cell["index"], run["seed"])]
            self.assertEqual(strategies, expected)
            group = strategies["bidder"][0]
            self.assertEqual((group["type"], group["strategy"]["grid"]), ("hedge", "shade"))

    def test_cell_config_and_theory(self):
        self.assertEqual(self.runs.cell_config(1)["mechanism"]["name"], "second_price")
        self.assertAlmostEqual(self.runs.theory(0)["revenue"], 0.5)


class LoadFile(unittest.TestCase):
    def test_one_file(self):
        path = os.path.join(run_dir("quickstart"), "runs", "cell1_seed2.h5")
        run = agora_logs.load_file(path)
        self.assertTrue(run.complete)
        self.assertEqual((run.attrs["cell"], run.attrs["seed"]), (1, 2))
        self.assertEqual(run.attrs["cell_label"], "mechanism.name=second_price")
        self.assertEqual(run.config["mechanism"]["name"], "second_price")
        self.assertEqual(run.roles, ["bidder"])
        self.assertEqual(list(run.metrics.columns), ["step"] + run.metric_names)
        self.assertEqual(run.metrics.shape, (20, 1 + len(run.metric_names)))
        self.assertEqual(run.agents.shape[0], 20 * 3)

    def test_missing_file(self):
        with self.assertRaisesRegex(agora_logs.AgoraLogError, "nope.h5: no such"):
            agora_logs.load_file(os.path.join(RUNS, "nope.h5"))

    def test_not_hdf5(self):
        path = os.path.join(run_dir("quickstart"), "summary.json")
        with self.assertRaisesRegex(agora_logs.AgoraLogError, "summary.json: cannot open"):
            agora_logs.load_file(path)


class LoadErrors(unittest.TestCase):
    """Bad input raises AgoraLogError (a ValueError) naming the file."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, self.tmp)

    def assert_error(self, pattern, directory, **kwargs):
        with self.assertRaisesRegex(agora_logs.AgoraLogError, pattern):
            agora_logs.load(directory, **kwargs)

    def test_missing_directory(self):
        self.assert_error("/nowhere: no such run directory", os.path.join(self.tmp, "nowhere"))
        self.assertTrue(issubclass(agora_logs.AgoraLogError, ValueError))

    def test_missing_summary(self):
        self.assert_error(r"summary.json: no summary.json", self.tmp)

    def test_malformed_summary(self):
        with open(os.path.join(self.tmp, "summary.json"), "w") as f:
            f.write("{not json")
        self.assert_error("summary.json: cannot read summary.json", self.tmp)

    def test_summary_number_too_large_for_a_double(self):
        """Like `agora compare`, a number beyond a double (json would read inf) is an error."""
        with open(os.path.join(self.tmp, "summary.json"), "w") as f:
            f.write('{"schema_version": 1, "x": 1e999}')
        self.assert_error("summary.json: cannot read summary.json: number 1e999 is too large "
                          "for a double", self.tmp)
        with open(os.path.join(self.tmp, "summary.json"), "w") as f:
            f.write('{"schema_version": 1, "x": NaN}')
        self.assert_error("summary.json: cannot read summary.json: NaN is not valid JSON",
                          self.tmp)

    def test_incomplete_file_is_rejected_unless_allowed(self):
        directory = copy_run("quickstart", self.tmp)
        path = os.path.join(directory, "runs", "cell1_seed2.h5")
        set_file_attr(path, "complete", np.uint8(0))
        self.assert_error(r"cell1_seed2.h5: run is incomplete \(complete = 0", directory)
        with self.assertRaisesRegex(agora_logs.AgoraLogError, "cell1_seed2.h5: run is inc"):
            agora_logs.load_file(path)
        runs = agora_logs.load(directory, allow_incomplete=True)
        m = runs.metrics
        flagged = m[~m["complete"]][["cell", "seed"]].drop_duplicates()
        self.assertEqual([tuple(x) for x in flagged.to_numpy()], [(1, 2)])
        self.assertEqual(len(m), 120)
        self.assertFalse(runs.files[(1, 2)].complete)
        self.assertFalse(agora_logs.load_file(path, allow_incomplete=True).complete)

    def test_interrupted_experiment(self):
        """summary.json of an interrupted run: complete false, a run that never started."""
        directory = copy_run("quickstart", self.tmp)
        os.remove(os.path.join(directory, "runs", "cell1_seed3.h5"))

        def interrupt(summary):
            summary["complete"], summary["status"] = False, "interrupted by SIGINT"
            run = summary["cells"][1]["runs"][2]
            run.update(complete=False, status="not run", steps=0)
            del run["metrics"]
        edit_summary(directory, interrupt)
        self.assert_error(r"cell1_seed3.h5: run is incomplete \(not run\)", directory)
        runs = agora_logs.load(directory, allow_incomplete=True)
        self.assertNotIn((1, 3), runs.files)
        self.assertEqual(len(runs.metrics), 5 * 20)
        row = runs.runs[(runs.runs["cell"] == 1) & (runs.runs["seed"] == 3)].iloc[0]
        self.assertFalse(row["complete"])
        self.assertTrue(np.isnan(row["revenue"]))

    def test_incomplete_summary_with_finished_files(self):
        directory = copy_run("quickstart", self.tmp)
        edit_summary(directory, lambda s: s.update(complete=False, status="failed"))
        self.assert_error(r"summary.json: the experiment is incomplete \(failed\)", directory)
        agora_logs.load(directory, allow_incomplete=True)

    def test_listed_file_missing(self):
        directory = copy_run("quickstart", self.tmp)
        os.remove(os.path.join(directory, "runs", "cell0_seed2.h5"))
        self.assert_error("cell0_seed2.h5: listed in summary.json but missing", directory)

    def test_mixed_schema_versions(self):
        directory = copy_run("quickstart", self.tmp)
        set_file_attr(os.path.join(directory, "runs", "cell1_seed1.h5"), "schema_version",
                      np.int64(2))
        self.assert_error(r"mixed trajectory schema versions: .*cell0_seed1.h5 has 1, "
                          r".*cell1_seed1.h5 has 2", directory)


class LoadComingFields(unittest.TestCase):
    """external_regret datasets and per-run diagnostics are used when present."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp()
        cls.dir = copy_run("quickstart", cls.tmp)
        add_external_regret(cls.dir)
        cls.runs = agora_logs.load(cls.dir)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp)

    def test_agents_have_external_regret(self):
        a = self.runs.agents
        self.assertIn("external_regret", a.columns)
        mine = a[(a["cell"] == 1) & (a["seed"] == 2)]
        expected = external_regret_values(20, 3, seed=2)
        for agent in range(3):
            np.testing.assert_array_equal(mine[mine["agent"] == agent]["external_regret"],
                                          expected[:, agent])
        self.assertTrue(self.runs.has_agent_dataset("external_regret"))

    def test_agent_means(self):
        means = self.runs.agent_means("external_regret")
        self.assertEqual(list(means.columns),
                         ["cell", "seed", "step", "role", "external_regret", "complete"])
        mine = means[(means["cell"] == 0) & (means["seed"] == 3)]
        np.testing.assert_allclose(mine["external_regret"],
                                   external_regret_values(20, 3, seed=3).mean(axis=1))

    def test_runs_have_diagnostics(self):
        r = self.runs.runs
        row = r[(r["cell"] == 1) & (r["seed"] == 3)].iloc[0]
        self.assertAlmostEqual(row["nash_conv"], 0.03)
        self.assertAlmostEqual(row["nash_conv_se"], 0.001)
        self.assertEqual(row["external_regret"], [0.1, 0.2, 0.3 * 3])
        self.assertAlmostEqual(row["external_regret_mean"], (0.1 + 0.2 + 0.9) / 3)
        self.assertAlmostEqual(row["external_regret_max"], 0.9)
        self.assertEqual(row["method"], "grid")

    def test_without_them(self):
        runs = agora_logs.load(run_dir("single"))  # run with output.diagnostics off
        self.assertFalse(runs.has_agent_dataset("external_regret"))
        self.assertNotIn("nash_conv", runs.runs.columns)


class LoadOtherRuns(unittest.TestCase):
    def test_reserve_sweep_cells(self):
        runs = agora_logs.load(run_dir("reserve"))
        self.assertEqual(list(runs.cells["mechanism.params.reserve"]), [0.0, 0.25, 0.5, 0.75])
        self.assertEqual(len(runs.runs), 12)
        self.assertEqual(runs.strategies[(2, 1)]["bidder"][0]["type"], "truthful")

    def test_bandit_learners_strategies(self):
        runs = agora_logs.load(run_dir("bandit"))
        types = [g["type"] for g in runs.strategies[(0, 1)]["bidder"]]
        self.assertEqual(types, ["exp3", "ucb1", "thompson", "epsilon_greedy"])
        self.assertEqual(runs.cells.columns.tolist(), ["cell", "cell_label"])
        self.assertIn("action_bid", runs.agents.columns)


if __name__ == "__main__":
    unittest.main()
