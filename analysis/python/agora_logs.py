"""Loads Agora run directories and trajectory files into pandas DataFrames.

A run directory written by `agora run CONFIG --out DIR` holds `config.json`, `summary.json` and
one HDF5 file per run, `runs/cell<c>_seed<s>.h5` (docs/hdf5_schema.md). `load(DIR)` reads them
all and returns a `RunSet`:

    runs = agora_logs.load("runs/quickstart")
    runs.metrics     # per-row metrics, long over runs: cell, cell_label, seed, step, <metric>...
    runs.agents      # per-agent series: cell, seed, step, role, agent, reward, active, action_*...
    runs.runs        # per-run summary values: <metric> (tail mean), <metric>_mean, diagnostics
    runs.strategies  # {(cell, seed): the agents' final strategies (parsed JSON)}
    runs.summary, runs.config, runs.cells, runs.theory(cell), runs.cell_config(cell)
    runs.agent_means("external_regret")  # per row, the mean over a role's agents

`load_file(PATH)` reads one trajectory file into a `RunLog`. Every problem with the input (a
missing directory or file, an unfinished run, mixed schema versions) raises `AgoraLogError`
naming the file. See docs/analysis_python.md.
"""
import functools
import json
import math
import os

import h5py
import numpy as np
import pandas as pd

__all__ = ["AgoraLogError", "RunLog", "RunSet", "load", "load_file"]


class AgoraLogError(ValueError):
    """A run directory or trajectory file that cannot be loaded as asked."""


# --- one trajectory file ---------------------------------------------------------------------


def _text(value):
    """An HDF5 string attribute as str (h5py gives str for UTF-8, bytes for ASCII strings)."""
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def _scalar(value):
    """An HDF5 numeric attribute as a plain Python number."""
    return value.item() if hasattr(value, "item") else value


def _finite_float(text):
    """json's parse_float hook: like agora (core/json_input.h), reject numbers beyond a double."""
    value = float(text)
    if math.isinf(value):
        raise ValueError(f"number {text} is too large for a double")
    return value


def _no_constant(name):
    """json's parse_constant hook: NaN and Infinity are not JSON (agora rejects them too)."""
    raise ValueError(f"{name} is not valid JSON")


def _strict_json(text):
    return json.loads(text, parse_float=_finite_float, parse_constant=_no_constant)


def _json_attr(attrs, key, path):
    if key not in attrs:
        return None
    try:
        return _strict_json(_text(attrs[key]))
    except ValueError as e:  # json.JSONDecodeError is a ValueError
        raise AgoraLogError(f"{path}: attribute '{key}' is not valid JSON: {e}") from None


class RunLog:
    """One trajectory file: its attributes, per-row metrics and (read on demand) agents.

    Attributes: path, attrs (root attributes as plain values), complete (bool), schema_version,
    config (dict), strategies (dict or None), metric_names (the env's order), metrics
    (DataFrame: step, <metric>...), roles, agent_datasets ({role: dataset names}), and the
    property agents (DataFrame: step, role, agent, reward, active, action_<label>...,
    external_regret when logged).
    """

    def __init__(self, path):
        self.path = os.fspath(path)
        with _open_h5(self.path) as f:
            self.attrs = {key: _read_attr(value) for key, value in f.attrs.items()}
            self.config = _json_attr(f.attrs, "config", self.path) or {}
            self.strategies = _json_attr(f.attrs, "strategies", self.path)
            self.metric_names = _metric_names(f, self.path)
            self.roles = [_text(r) for r in f["agents"].attrs.get("roles", [])] \
                if "agents" in f else []
            self.agent_datasets = {role: sorted(f["agents"][role].keys()) for role in self.roles
                                   if role in f["agents"]}
            self.metrics = self._read_metrics(f)
        self.complete = bool(self.attrs.get("complete", 0))
        self.schema_version = self.attrs.get("schema_version")

    def _read_metrics(self, f):
        if "step" not in f:
            raise AgoraLogError(f"{self.path}: no /step dataset; not an Agora trajectory file")
        columns = {"step": f["step"][...].astype(np.int64)}
        for name in self.metric_names:
            columns[name] = f["metrics"][name][...].astype(np.float64)
        return pd.DataFrame(columns)

    @functools.cached_property
    def agents(self):
        """Per-agent series, long over rows and agents (read from the file on first use)."""
        with _open_h5(self.path) as f:
            step = f["step"][...].astype(np.int64)
            frames = [_role_frame(f["agents"][role], role, step) for role in self.roles
                      if role in f["agents"]]
        if not frames:
            return pd.DataFrame(columns=["step", "role", "agent", "reward", "active"])
        return pd.concat(frames, ignore_index=True)

    def has_agent_dataset(self, name):
        return any(name in names for names in self.agent_datasets.values())

    def agent_mean(self, name):
        """DataFrame step, role, <name>: the mean over each role's agents of the per-agent
        dataset /agents/<role>/<name> (NaN entries left out), for the roles that log it."""
        frames = []
        with _open_h5(self.path) as f:
            step = f["step"][...].astype(np.int64)
            for role, names in self.agent_datasets.items():
                if name in names:
                    values = f["agents"][role][name][...].astype(np.float64)
                    frames.append(pd.DataFrame(
                        {"step": step, "role": role, name: _nanmean_rows(values)}))
        if not frames:
            return pd.DataFrame(columns=["step", "role", name])
        return pd.concat(frames, ignore_index=True)


def _nanmean_rows(values):
    finite = np.isfinite(values)
    counts = finite.sum(axis=1)
    sums = np.where(finite, values, 0.0).sum(axis=1)
    return np.divide(sums, counts, out=np.full(len(sums), np.nan), where=counts > 0)


def _open_h5(path):
    try:
        return h5py.File(path, "r")
    except FileNotFoundError:
        raise AgoraLogError(f"{path}: no such trajectory file") from None
    except OSError as e:
        raise AgoraLogError(f"{path}: cannot open as HDF5: {e}") from None


def _read_attr(value):
    if isinstance(value, (bytes, str)):
        return _text(value)
    if isinstance(value, np.ndarray):
        return [_text(v) if isinstance(v, (bytes, str)) else _scalar(v) for v in value]
    return _scalar(value)


def _metric_names(f, path):
    if "metrics" not in f:
        raise AgoraLogError(f"{path}: no /metrics group; not an Agora trajectory file")
    group = f["metrics"]
    if "names" in group.attrs:
        return [_text(n) for n in group.attrs["names"]]
    return sorted(group.keys())


def _role_frame(group, role, step):
    """The datasets of /agents/<role> as a long DataFrame, one row per (window, agent)."""
    reward = group["reward"][...]
    rows, pool = reward.shape
    columns = {
        "step": np.repeat(step, pool),
        "role": np.full(rows * pool, role, dtype=object),
        "agent": np.tile(np.arange(pool, dtype=np.int64), rows),
        "reward": reward.reshape(-1),
    }
    if "active" in group:
        columns["active"] = group["active"][...].reshape(-1).astype(bool)
    if "action" in group:
        action = group["action"]
        labels = [_text(x) for x in action.attrs.get("labels", [])]
        values = action[...]
        for d in range(values.shape[2]):
            label = labels[d] if d < len(labels) else str(d)
            columns["action_" + label] = values[:, :, d].reshape(-1)
    if "external_regret" in group:
        columns["external_regret"] = group["external_regret"][...].reshape(-1)
    return pd.DataFrame(columns)


def load_file(path, allow_incomplete=False):
    """Reads one trajectory file; raises AgoraLogError if it is unfinished (complete = 0)
    unless allow_incomplete."""
    run = RunLog(path)
    if not run.complete and not allow_incomplete:
        raise AgoraLogError(
            f"{run.path}: run is incomplete (complete = 0: interrupted, failed or still "
            f"running); pass allow_incomplete=True to load it anyway")
    return run


# --- a run directory ---------------------------------------------------------------------------


class RunSet:
    """Every run of one `agora run` output directory.

    Attributes: directory, summary, config, metric_names, cells (DataFrame: cell, label and
    one column per swept path), files ({(cell, seed): RunLog}), metrics, runs, strategies, and
    the property agents. Every DataFrame has a `complete` column (always True unless loaded
    with allow_incomplete=True).
    """

    def __init__(self, directory, summary, config, files, allow_incomplete):
        self.directory = directory
        self.summary = summary
        self.config = config
        self.files = files
        self.allow_incomplete = allow_incomplete
        self.metric_names = _common_metric_names(summary, files)
        self.cell_labels = {c["index"]: c.get("label", str(c["index"]))
                            for c in summary.get("cells", [])}
        self.cells = _cells_frame(summary)
        self.runs = _runs_frame(summary, self.metric_names)
        self.metrics = self._long_over_runs(lambda run: run.metrics, with_label=True)
        self.strategies = {key: run.strategies for key, run in files.items()}

    @property
    def seeds(self):
        return list(self.summary.get("seeds", []))

    def cell_config(self, cell):
        """The effective config of a cell (from its first run file), or the run's config."""
        for (c, _), run in sorted(self.files.items()):
            if c == cell and run.config:
                return run.config
        return self.config

    def theory(self, cell):
        """The cell's theory entry of summary.json ({} when theory has none)."""
        for c in self.summary.get("cells", []):
            if c["index"] == cell:
                return c.get("theory") or {}
        return {}

    def has_agent_dataset(self, name):
        """True when some run logs /agents/<role>/<name> (e.g. external_regret)."""
        return any(run.has_agent_dataset(name) for run in self.files.values())

    def agent_means(self, name):
        """DataFrame cell, seed, step, role, <name>, complete: per run and row, the mean over
        each role's agents of /agents/<role>/<name>; reads only that dataset."""
        return self._long_over_runs(lambda run: run.agent_mean(name), with_label=False)

    @functools.cached_property
    def agents(self):
        """Per-agent series of every run (reads the files' agent arrays on first use)."""
        return self._long_over_runs(lambda run: run.agents, with_label=False)

    def _long_over_runs(self, frame_of, with_label):
        frames = []
        for (cell, seed), run in sorted(self.files.items()):
            frame = frame_of(run).copy()
            frame.insert(0, "seed", seed)
            if with_label:
                frame.insert(0, "cell_label", self.cell_labels.get(cell, str(cell)))
            frame.insert(0, "cell", cell)
            frame["complete"] = run.complete
            frames.append(frame)
        if not frames:
            return pd.DataFrame()
        return pd.concat(frames, ignore_index=True)


def load(run_dir, allow_incomplete=False):
    """Loads the run directory `run_dir` (summary.json, config.json, runs/*.h5).

    Raises AgoraLogError naming the file for a missing directory or summary.json, a run listed
    in the summary whose file is missing, an unfinished run or experiment (unless
    allow_incomplete: then unfinished runs are loaded and flagged in the `complete` columns, and
    runs that never started are left out of the series), and files with different schema
    versions.
    """
    run_dir = os.fspath(run_dir)
    if not os.path.isdir(run_dir):
        raise AgoraLogError(f"{run_dir}: no such run directory")
    summary = _read_json(os.path.join(run_dir, "summary.json"), "summary.json")
    config_path = os.path.join(run_dir, "config.json")
    config = _read_json(config_path, "config.json") if os.path.exists(config_path) else {}
    files = {}
    for cell, run in _listed_runs(summary):
        log = _load_listed_run(run_dir, cell, run, allow_incomplete)
        if log is not None:
            files[(cell, int(run["seed"]))] = log
    _check_schema_versions(files)
    if not summary.get("complete", True) and not allow_incomplete:
        raise AgoraLogError(
            f"{os.path.join(run_dir, 'summary.json')}: the experiment is incomplete "
            f"({summary.get('status', 'no status')}); pass allow_incomplete=True to load it")
    return RunSet(run_dir, summary, config, files, allow_incomplete)


def _read_json(path, what):
    try:
        with open(path, encoding="utf-8") as f:
            return _strict_json(f.read())
    except FileNotFoundError:
        raise AgoraLogError(f"{path}: no {what}; not an Agora run directory (or the run "
                            f"was killed before writing it)") from None
    except (OSError, ValueError) as e:  # json.JSONDecodeError is a ValueError
        raise AgoraLogError(f"{path}: cannot read {what}: {e}") from None


def _listed_runs(summary):
    for cell in summary.get("cells", []):
        for run in cell.get("runs", []):
            yield cell["index"], run


def _load_listed_run(run_dir, cell, run, allow_incomplete):
    """The RunLog of one run listed in summary.json, or None for a run that never started."""
    path = os.path.join(run_dir, run["file"])
    if not os.path.exists(path):
        if run.get("complete", True):
            raise AgoraLogError(f"{path}: listed in summary.json but missing")
        if not allow_incomplete:
            raise AgoraLogError(
                f"{path}: run is incomplete ({run.get('status', 'never started')}) and has no "
                f"file; pass allow_incomplete=True to load the rest")
        return None
    log = load_file(path, allow_incomplete)
    if int(log.attrs.get("cell", cell)) != cell or int(log.attrs.get("seed", run["seed"])) \
            != int(run["seed"]):
        raise AgoraLogError(f"{path}: its cell/seed attributes do not match summary.json")
    return log


def _check_schema_versions(files):
    versions = {}
    for run in files.values():
        versions.setdefault(run.schema_version, run.path)
    if len(versions) > 1:
        described = ", ".join(f"{path} has {version}" for version, path in versions.items())
        raise AgoraLogError(f"mixed trajectory schema versions: {described}")


def _common_metric_names(summary, files):
    for run in files.values():
        return list(run.metric_names)
    return list(summary.get("metrics", []))


def _cells_frame(summary):
    rows = []
    for cell in summary.get("cells", []):
        row = {"cell": cell["index"], "cell_label": cell.get("label", str(cell["index"]))}
        row.update(cell.get("sweep") or {})
        rows.append(row)
    return pd.DataFrame(rows)


def _runs_frame(summary, metric_names):
    """One row per run listed in summary.json, with its tail means, means and diagnostics."""
    rows = []
    for cell in summary.get("cells", []):
        for run in cell.get("runs", []):
            row = {"cell": cell["index"], "cell_label": cell.get("label", str(cell["index"])),
                   "seed": int(run["seed"]), "complete": bool(run.get("complete", False)),
                   "steps": run.get("steps"), "file": run.get("file")}
            metrics = run.get("metrics") or {}
            for name in metric_names:
                entry = metrics.get(name) or {}
                row[name] = _number(entry.get("tail_mean"))
                row[name + "_mean"] = _number(entry.get("mean"))
            _add_diagnostics(row, run.get("diagnostics") or {})
            rows.append(row)
    return pd.DataFrame(rows)


def _add_diagnostics(row, diagnostics):
    """Scalar diagnostics become columns; a per-agent list also gets <name>_mean and _max."""
    for key, value in diagnostics.items():
        column = key if key not in row else "diagnostics_" + key
        if isinstance(value, list):
            numbers = [_number(v) for v in value]
            row[column] = numbers
            finite = [v for v in numbers if not math.isnan(v)]
            row[column + "_mean"] = float(np.mean(finite)) if finite else math.nan
            row[column + "_max"] = float(np.max(finite)) if finite else math.nan
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            row[column] = float(value)
        else:
            row[column] = value


def _number(value):
    """A JSON number as float; null (or anything else) as NaN."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return math.nan
