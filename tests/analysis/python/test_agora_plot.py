"""Tests of analysis/python/agora_plot.py: figures from CLI runs (checked through the matplotlib
objects and figures.json), synthetic runs with the fields the CLI is about to log (theory bid
functions, external regret, ecosystem metrics) and bad input (one line, exit code 2).

Runs come from AGORA_RUNS, made by tests/analysis/python_test.sh (see test_agora_logs.py).
"""
import contextlib
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

import matplotlib
import numpy as np

import agora_logs
import agora_plot
from test_agora_logs import (ECOSYSTEM_ADDED, THEORY_VALUES, add_ecosystem_metrics,
                             add_external_regret, add_theory_bid_function, copy_run, run_dir,
                             set_file_attr)

PYTHON = os.environ.get("AGORA_PYTHON", sys.executable)
SCRIPT = os.path.join(os.environ.get("AGORA_SRC", ""), "analysis", "python", "agora_plot.py")


def labelled_lines(ax):
    return [line for line in ax.get_lines() if not line.get_label().startswith("_")]


def close(plots):
    for plot in plots:
        matplotlib.pyplot.close(plot.figure)


def run_main(args):
    """agora_plot.main(args) in this process: (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = agora_plot.main(args)
    return code, out.getvalue(), err.getvalue()


class TempDir(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, self.tmp)


class LearningCurves(unittest.TestCase):
    def test_one_line_and_band_per_cell(self):
        runs = agora_logs.load(run_dir("quickstart"))
        plots = agora_plot.learning_curves(runs, ["revenue"])
        self.addCleanup(close, plots)
        self.assertEqual([p.name for p in plots], ["learning_curves_revenue"])
        ax = plots[0].figure.axes[0]
        lines = [l for l in labelled_lines(ax) if l.get_label() != "theory (equilibrium)"]
        self.assertEqual([l.get_label() for l in lines], ["first_price", "second_price"])
        self.assertEqual(len(ax.collections), 2)  # the 95% bands
        self.assertEqual(plots[0].info["series"], 2)
        self.assertEqual(ax.get_xlabel(), "env step")
        self.assertEqual(ax.get_ylabel(), "revenue per auction")
        # the line is the mean over seeds of the per-row metric
        m = runs.metrics[runs.metrics["cell"] == 1]
        expected = m.groupby("step")["revenue"].mean()
        np.testing.assert_allclose(lines[1].get_xdata(), expected.index)
        np.testing.assert_allclose(lines[1].get_ydata(), expected.to_numpy())

    def test_default_metrics_are_the_table_metrics(self):
        runs = agora_logs.load(run_dir("quickstart"))
        plots = agora_plot.learning_curves(runs)
        self.addCleanup(close, plots)
        self.assertEqual([p.info["metric"] for p in plots],
                         runs.config["output"]["table_metrics"])

    def test_one_seed_has_no_band(self):
        runs = agora_logs.load(run_dir("single"))
        plots = agora_plot.learning_curves(runs, ["welfare"])
        self.addCleanup(close, plots)
        ax = plots[0].figure.axes[0]
        self.assertEqual(len(ax.collections), 0)
        self.assertIn("one seed: no confidence band", ax.get_title())
        self.assertEqual(plots[0].info["series"], 2)


class Sweep(unittest.TestCase):
    def test_reserve_sweep(self):
        runs = agora_logs.load(run_dir("reserve"))
        plots = agora_plot.sweep(runs)
        self.addCleanup(close, plots)
        self.assertEqual([p.name for p in plots], ["sweep_revenue", "sweep_welfare"])
        info = plots[0].info
        self.assertEqual((info["points"], info["theory_points"], info["x"]),
                         (4, 4, "mechanism.params.reserve"))
        ax = plots[0].figure.axes[0]
        self.assertEqual(ax.get_xlabel(), "mechanism.params.reserve")
        data = ax.containers[0]  # the errorbar container
        x, y = data.lines[0].get_xdata(), data.lines[0].get_ydata()
        np.testing.assert_allclose(x, [0.0, 0.25, 0.5, 0.75])
        cells = runs.summary["cells"]
        np.testing.assert_allclose(y, [c["metrics"]["revenue"]["tail_mean"]["mean"]
                                       for c in cells])
        # the error bars are the summary's Student-t 95% CIs over seeds
        for cell in cells:
            lo, hi = cell["metrics"]["revenue"]["tail_mean"]["ci95"]
            mean, half, n = agora_plot.per_cell_ci(runs, "revenue")[cell["index"]]
            self.assertEqual(n, 3)
            self.assertAlmostEqual(mean - half, lo, places=9)
            self.assertAlmostEqual(mean + half, hi, places=9)
        theory = [l for l in ax.get_lines() if l.get_label() == "theory (equilibrium)"][0]
        np.testing.assert_allclose(theory.get_ydata(), [1 / 3, 0.375, 5 / 12, 1 / 3])

    def test_needs_one_numeric_path(self):
        runs = agora_logs.load(run_dir("quickstart"))
        with self.assertRaisesRegex(agora_plot.NotApplicable, "mechanism.name takes non-num"):
            agora_plot.sweep(runs)
        with self.assertRaisesRegex(agora_plot.NotApplicable, "sweeps nothing"):
            agora_plot.sweep(agora_logs.load(run_dir("bandit")))


class Pareto(unittest.TestCase):
    def test_front(self):
        points = [(1, 1), (2, 0.5), (0.5, 2), (0.9, 0.9), (2, 0.4), (float("nan"), 3)]
        self.assertEqual(agora_plot.pareto_front(points), [2, 0, 1])

    def test_reserve_cells(self):
        runs = agora_logs.load(run_dir("reserve"))
        plots = agora_plot.pareto(runs)
        self.addCleanup(close, plots)
        info = plots[0].info
        self.assertEqual((info["x"], info["y"], info["series"]), ("revenue", "welfare", 4))
        # reserve 0.75 earns less revenue and welfare than reserve 0.5: dominated
        self.assertEqual(info["front"], ["0", "0.25", "0.5"])
        ax = plots[0].figure.axes[0]
        front = [l for l in ax.get_lines() if l.get_label() == "Pareto front"][0]
        self.assertEqual(len(front.get_xdata()), 3)
        self.assertEqual(ax.get_xlabel(), "revenue per auction")

    def test_other_metrics_and_one_cell(self):
        runs = agora_logs.load(run_dir("quickstart"))
        plots = agora_plot.pareto(runs, "efficiency", "bidder_utility")
        self.addCleanup(close, plots)
        self.assertEqual(plots[0].info["series"], 2)
        with self.assertRaisesRegex(agora_plot.NotApplicable, "at least two cells"):
            agora_plot.pareto(agora_logs.load(run_dir("bandit")))
        with self.assertRaisesRegex(agora_plot.PlotError, "unknown metric 'revenu'; did you"):
            agora_plot.pareto(runs, "revenu")


class SweepLabels(TempDir):
    def test_labels_name_the_cells(self):
        # The config's sweep_labels (summary.json cells[].sweep_labels) replace the values in
        # legends; a cell without a label for the path falls back to the value.
        path = copy_run("reserve", self.tmp)
        summary_file = os.path.join(path, "summary.json")
        with open(summary_file) as f:
            summary = json.load(f)
        key = next(iter(summary["cells"][0]["sweep"]))
        for cell in summary["cells"][:-1]:
            cell["sweep_labels"] = {key: f"r{cell['index']}"}
        with open(summary_file, "w") as f:
            json.dump(summary, f)
        labels, title = agora_plot.cell_labels(agora_logs.load(path))
        self.assertEqual(title, key)
        last = summary["cells"][-1]
        expected = {c["index"]: f"r{c['index']}" for c in summary["cells"][:-1]}
        expected[last["index"]] = agora_plot.short_value(last["sweep"][key])
        self.assertEqual(labels, expected)


class BidFunction(TempDir):
    def test_expected_action(self):
        points = np.array([0.0, 0.5, 1.0])
        self.assertAlmostEqual(agora_plot.expected_action(
            {"probabilities": [0.2, 0.3, 0.5]}, points), 0.65)
        self.assertAlmostEqual(agora_plot.expected_action(
            {"means": [0.1, 0.3, 0.2], "counts": [1, 2, 3]}, points), 0.5)
        self.assertAlmostEqual(agora_plot.expected_action(  # untried arms do not count
            {"posterior_means": [0.1, 0.3, 0.9], "counts": [1, 2, 0]}, points), 0.5)
        self.assertAlmostEqual(agora_plot.expected_action(  # ties: mean of the tied points
            {"means": [0.3, 0.1, 0.3], "counts": [1, 1, 1]}, points), 0.5)

    def test_hedge_shading_learners(self):
        runs = agora_logs.load(run_dir("quickstart"))
        plots = agora_plot.bid_function(runs)
        self.addCleanup(close, plots)
        # Both formats have a known equilibrium bid function (2/3 v and v): one theory line each.
        self.assertEqual((plots[0].info["series"], plots[0].info["theory_series"]), (2, 2))
        ax = plots[0].figure.axes[0]
        line = labelled_lines(ax)[0]
        self.assertEqual(line.get_label(), "first_price")
        # one value bucket [0, 1]: bid = (mean expected shade over seeds and agents) x value
        shades = []
        for (cell, _), strategies in runs.strategies.items():
            if cell == 0:
                s = strategies["bidder"][0]["strategy"]
                shades += [np.dot(a["buckets"][0]["probabilities"], s["points"])
                           for a in s["agents"]]
        values = line.get_xdata()
        self.assertAlmostEqual(min(values), 0.0)
        self.assertAlmostEqual(max(values), 1.0)
        np.testing.assert_allclose(line.get_ydata(), np.mean(shades) * values)

    def test_truthful_bidders_bid_their_value(self):
        runs = agora_logs.load(run_dir("reserve"))
        plots = agora_plot.bid_function(runs)
        self.addCleanup(close, plots)
        self.assertEqual(plots[0].info["series"], 4)
        for line in labelled_lines(plots[0].figure.axes[0])[:4]:
            np.testing.assert_allclose(line.get_ydata(), line.get_xdata())

    def test_bandit_learners_one_line_per_type(self):
        runs = agora_logs.load(run_dir("bandit"))
        plots = agora_plot.bid_function(runs)
        self.addCleanup(close, plots)
        lines = labelled_lines(plots[0].figure.axes[0])
        self.assertEqual(plots[0].info["series"], 4)
        self.assertEqual([l.get_label() for l in lines[:4]],
                         ["base: epsilon_greedy", "base: exp3", "base: thompson", "base: ucb1"])
        np.testing.assert_allclose(lines[0].get_xdata(), [0.1, 0.3, 0.5, 0.7, 0.9])

    def test_theory_bid_function(self):
        directory = copy_run("quickstart", self.tmp)
        add_theory_bid_function(directory)
        plots = agora_plot.bid_function(agora_logs.load(directory))
        self.addCleanup(close, plots)
        self.assertEqual(plots[0].info["theory_series"], 1)
        theory = [l for l in plots[0].figure.axes[0].get_lines()
                  if l.get_label() == "equilibrium (theory)"][0]
        self.assertEqual((theory.get_color(), theory.get_linestyle()), ("black", "--"))
        np.testing.assert_allclose(theory.get_ydata(), 2 / 3 * THEORY_VALUES)

    def test_theory_differs_per_cell(self):
        directory = copy_run("quickstart", self.tmp)
        add_theory_bid_function(directory, slope=lambda cell: [2 / 3, 1.0][cell])
        plots = agora_plot.bid_function(agora_logs.load(directory))
        self.addCleanup(close, plots)
        self.assertEqual(plots[0].info["theory_series"], 2)
        labels = [l.get_label() for l in plots[0].figure.axes[0].get_lines()]
        self.assertIn("equilibrium: second_price", labels)


class ComingFields(TempDir):
    def test_ecosystem_panels(self):
        directory = copy_run("quickstart", self.tmp)
        add_ecosystem_metrics(directory)
        plots = agora_plot.ecosystem(agora_logs.load(directory))
        self.addCleanup(close, plots)
        info = plots[0].info
        self.assertEqual(info["metrics"], ECOSYSTEM_ADDED + ["revenue"])
        self.assertEqual((info["panels"], info["series"]), (3, 2))
        visible = [ax for ax in plots[0].figure.axes if ax.get_visible()]
        self.assertEqual([ax.get_title() for ax in visible],
                         ["content quality", "user retention", "revenue"])

    def test_no_ecosystem_metrics(self):
        with self.assertRaisesRegex(agora_plot.NotApplicable,
                                    "the env logs no ecosystem-health metrics"):
            agora_plot.ecosystem(agora_logs.load(run_dir("quickstart")))

    def test_regret(self):
        directory = copy_run("quickstart", self.tmp)
        add_external_regret(directory)
        runs = agora_logs.load(directory)
        plots = agora_plot.regret(runs)
        self.addCleanup(close, plots)
        self.assertEqual(plots[0].info["series"], 2)
        line = labelled_lines(plots[0].figure.axes[0])[0]
        means = runs.agent_means("external_regret")
        expected = means[means["cell"] == 0].groupby("step")["external_regret"].mean()
        np.testing.assert_allclose(line.get_ydata(), expected.to_numpy())
        with self.assertRaisesRegex(agora_plot.NotApplicable, "no per-agent external_regret"):
            agora_plot.regret(agora_logs.load(run_dir("single")))


class CommandLine(TempDir):
    def manifest(self, out):
        with open(os.path.join(out, "figures.json")) as f:
            return json.load(f)

    def assert_files(self, out, manifest):
        for entry in manifest["figures"]:
            self.assertEqual(entry["files"], [entry["file"], entry["file"][:-3] + "pdf"])
            with open(os.path.join(out, entry["files"][0]), "rb") as f:
                self.assertEqual(f.read(8), b"\x89PNG\r\n\x1a\n")
            with open(os.path.join(out, entry["files"][1]), "rb") as f:
                self.assertEqual(f.read(5), b"%PDF-")

    def test_all_kinds_in_a_subprocess(self):
        """The script as `agora plot` runs it: every kind that applies, headless."""
        directory = copy_run("reserve", self.tmp)
        add_external_regret(directory)
        add_theory_bid_function(directory, slope=lambda cell: 1.0)
        env = dict(os.environ, MPLBACKEND="")  # the script picks Agg itself
        result = subprocess.run([PYTHON, SCRIPT, directory], capture_output=True, text=True,
                                env=env)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stderr.strip(), "agora plot: skipping ecosystem: the env logs "
                         "no ecosystem-health metrics (" + ", ".join(
                             agora_plot.ECOSYSTEM_METRICS[:-1]) + ")")
        out = os.path.join(directory, "figures")
        manifest = self.manifest(out)
        self.assert_files(out, manifest)
        names = [e["file"] for e in manifest["figures"]]
        self.assertEqual(names, [f"learning_curves_{m}.png" for m in
                                 ["revenue", "welfare", "efficiency", "bidder_utility"]] +
                         ["bid_function.png", "sweep_revenue.png", "sweep_welfare.png",
                          "pareto.png", "regret.png"])
        by_name = {e["file"]: e for e in manifest["figures"]}
        self.assertEqual(by_name["learning_curves_revenue.png"]["series"], 4)
        self.assertEqual(by_name["sweep_revenue.png"]["points"], 4)
        self.assertEqual(by_name["bid_function.png"]["theory_series"], 1)
        self.assertEqual(by_name["regret.png"]["series"], 4)

    def test_kinds_metrics_out_and_formats(self):
        out = os.path.join(self.tmp, "figs")
        code, stdout, stderr = run_main([run_dir("quickstart"), "--kind", "learning_curves",
                                         "--metrics", "revenue", "welfare", "--out", out,
                                         "--formats", "png", "pdf"])
        self.assertEqual((code, stderr), (0, ""))
        manifest = self.manifest(out)
        self.assert_files(out, manifest)
        self.assertEqual([(e["kind"], e["metric"], e["series"]) for e in manifest["figures"]],
                         [("learning_curves", "revenue", 2), ("learning_curves", "welfare", 2)])
        self.assertEqual(sorted(os.listdir(out)), [
            "figures.json", "learning_curves_revenue.pdf", "learning_curves_revenue.png",
            "learning_curves_welfare.pdf", "learning_curves_welfare.png"])

    def test_pareto_axes(self):
        out = os.path.join(self.tmp, "figs")
        code, _, stderr = run_main([run_dir("reserve"), "--kind", "pareto", "--x", "welfare",
                                    "--y", "efficiency", "--out", out, "--formats", "png"])
        self.assertEqual((code, stderr), (0, ""))
        entry = self.manifest(out)["figures"][0]
        self.assertEqual((entry["x"], entry["y"], entry["files"]),
                         ("welfare", "efficiency", ["pareto.png"]))


class AgoraPlotCommand(TempDir):
    """`agora plot` (the C++ CLI) runs this script with the arguments unchanged."""

    def setUp(self):
        super().setUp()
        agora = os.environ.get("AGORA_BIN", "")
        help_text = subprocess.run([agora, "--help"], capture_output=True, text=True).stdout \
            if os.path.exists(agora) else ""
        if "plot" not in help_text:
            self.skipTest("this agora binary has no plot subcommand")
        self.agora = agora
        self.env = dict(os.environ, AGORA_PYTHON=PYTHON, AGORA_PYTHON_DIR=os.path.dirname(SCRIPT))

    def test_figures_and_exit_codes(self):
        out = os.path.join(self.tmp, "figs")
        result = subprocess.run([self.agora, "plot", run_dir("reserve"), "--kind", "sweep",
                                 "--metrics", "revenue", "--out", out], capture_output=True,
                                text=True, env=self.env)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(sorted(os.listdir(out)),
                         ["figures.json", "sweep_revenue.pdf", "sweep_revenue.png"])
        result = subprocess.run([self.agora, "plot", run_dir("reserve"), "--kind", "ecosystem"],
                                capture_output=True, text=True, env=self.env)
        self.assertEqual(result.returncode, 2)
        self.assertRegex(result.stderr, "^agora plot: error: the env logs no ecosystem-health "
                                        "metrics [^\n]*\n$")


class BadInput(TempDir):
    def assert_bad(self, args, message):
        code, stdout, stderr = run_main(args)
        self.assertEqual(code, 2, stderr)
        self.assertEqual(stderr.count("\n"), 1, stderr)
        self.assertTrue(stderr.startswith("agora plot: error: "), stderr)
        self.assertIn(message, stderr)

    def test_missing_directory_in_a_subprocess(self):
        missing = os.path.join(self.tmp, "missing")
        result = subprocess.run([PYTHON, SCRIPT, missing], capture_output=True, text=True)
        self.assertEqual(result.returncode, 2)
        self.assertEqual(result.stderr, f"agora plot: error: {missing}: no such run directory\n")

    def test_incomplete_run(self):
        directory = copy_run("quickstart", self.tmp)
        set_file_attr(os.path.join(directory, "runs", "cell0_seed3.h5"), "complete",
                      np.uint8(0))
        self.assert_bad([directory], "cell0_seed3.h5: run is incomplete")
        self.assertFalse(os.path.exists(os.path.join(directory, "figures")))

    def test_unknown_metric(self):
        self.assert_bad([run_dir("quickstart"), "--metrics", "revenue", "welfair"],
                        "unknown metric 'welfair'; did you mean 'welfare'?")
        self.assert_bad([run_dir("reserve"), "--kind", "pareto", "--y", "profit"],
                        "unknown metric 'profit'")

    def test_not_applicable_kind_asked_for(self):
        self.assert_bad([run_dir("quickstart"), "--kind", "sweep"],
                        "a sweep plot needs numeric values; mechanism.name takes non-numeric")
        self.assert_bad([run_dir("quickstart"), "--kind", "ecosystem"],
                        "the env logs no ecosystem-health metrics")

    def test_bad_arguments(self):
        self.assert_bad([run_dir("quickstart"), "--kind", "histogram"], "invalid choice")
        self.assert_bad([run_dir("quickstart"), "--formats", "gif"], "invalid choice")
        self.assert_bad([], "required: RUN_DIR")

    def test_unwritable_output(self):
        self.assert_bad([run_dir("quickstart"), "--out", "/proc/agora-figures"],
                        "cannot create output directory /proc/agora-figures")


if __name__ == "__main__":
    unittest.main()
