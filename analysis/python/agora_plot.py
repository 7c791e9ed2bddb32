#!/usr/bin/python3
"""Plots an Agora run directory for papers: learning curves, learned bid functions, sweeps,
Pareto fronts, ecosystem health and external regret.

Usage: agora_plot.py RUN_DIR [--kind KIND ...] [--metrics M ...] [--x METRIC] [--y METRIC]
                     [--out DIR] [--formats png pdf]

Each figure is written as PNG (150 dpi) and PDF into --out (default RUN_DIR/figures), named
`<kind>[_<metric>].<format>`, and listed in `figures.json` there. `agora plot RUN_DIR ...` runs
this script. Bad input prints one line `agora plot: error: ...` and exits 2. The functions
(`learning_curves`, `bid_function`, `sweep`, `pareto`, `ecosystem`, `regret`) take a
`agora_logs.RunSet` and return `Plot`s holding matplotlib figures, for use from Python.
See docs/analysis_python.md.
"""
import argparse
import dataclasses
import difflib
import functools
import json
import math
import os
import sys
import warnings

try:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np
    from scipy import stats as scipy_stats

    import agora_logs
except ImportError as missing:  # report it like any other problem: one line, exit 2
    print(f"agora plot: error: missing Python package ({missing}); install it with "
          f"scripts/setup", file=sys.stderr)
    sys.exit(2)

KINDS = ["learning_curves", "bid_function", "sweep", "pareto", "ecosystem", "regret"]

# Okabe & Ito (2008), colour-blind safe; black is kept for theory.
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442"]
LINESTYLES = ["-", "--", ":", "-."]
THEORY_COLOUR = "black"

ECOSYSTEM_METRICS = ["content_quality", "freshness", "exposure_entropy", "exposure_gini",
                     "interest_coverage", "content_gap", "creator_retention",
                     "creator_earnings_gini", "user_engagement", "user_retention", "revenue"]

# Axis labels with units, per env (metrics are env-defined); other metrics use their name.
METRIC_LABELS = {
    "auction": {
        "revenue": "revenue per auction",
        "welfare": "welfare per auction",
        "optimal_welfare": "optimal welfare per auction",
        "efficiency": "efficiency (welfare / optimal welfare)",
        "bidder_utility": "bidder utility per auction (all bidders)",
        "ex_post_regret": "ex-post regret per bidder and auction",
    },
}

STYLE = {
    "figure.dpi": 100,
    "savefig.dpi": 150,
    "font.size": 10,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "pdf.fonttype": 42,  # TrueType in PDFs: editable text, accepted by publishers
    "ps.fonttype": 42,
}


class PlotError(ValueError):
    """Bad input for a plot: printed as one line, exit code 2."""


class NotApplicable(PlotError):
    """The run has nothing this kind of figure can show (skipped under --kind all)."""


@dataclasses.dataclass
class Plot:
    """One figure and its figures.json entry (without the file names)."""

    name: str
    figure: "matplotlib.figure.Figure"
    info: dict


# --- statistics ---------------------------------------------------------------------------------


def t_half_width(std, n):
    """Half-width of the Student-t 95% confidence interval of a mean (NaN when n < 2)."""
    n = np.asarray(n, dtype=float)
    dof = np.where(n >= 2, n - 1, np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        return scipy_stats.t.ppf(0.975, dof) * np.asarray(std, dtype=float) / np.sqrt(n)


def mean_ci(values):
    """(mean, half-width, n) over the finite values: Student-t 95% CI over seeds."""
    values = np.asarray([v for v in values if np.isfinite(v)], dtype=float)
    n = len(values)
    if n == 0:
        return math.nan, math.nan, 0
    std = values.std(ddof=1) if n >= 2 else math.nan
    return float(values.mean()), float(t_half_width(std, n)), n


def over_seeds(frame, column):
    """Per (cell, step): mean over seeds of `column`, its 95% t half-width and the seed count."""
    grouped = frame.groupby(["cell", "step"])[column]
    result = grouped.agg(["mean", "std", "count"]).reset_index()
    result["half"] = t_half_width(result["std"], result["count"])
    return result


# --- labels and styles --------------------------------------------------------------------------


def metric_label(runs, metric):
    env = (runs.config.get("env") or {}).get("name", "")
    return METRIC_LABELS.get(env, {}).get(metric, metric.replace("_", " "))


def cell_style(i):
    return {"color": PALETTE[i % len(PALETTE)],
            "linestyle": LINESTYLES[(i // len(PALETTE)) % len(LINESTYLES)]}


def short_value(value):
    """A swept value for a legend: a unit selector {"name", "params"} as name(params), other
    objects as key=value pairs (empty ones left out), long lists as their length."""
    if isinstance(value, dict):
        if "name" in value and set(value) <= {"name", "params"}:
            params = short_value(value.get("params") or {})
            return f"{value['name']}({params})" if params else str(value["name"])
        parts = []
        for k, v in value.items():
            text = short_value(v)
            if text:
                parts.append(text if isinstance(v, dict) else f"{k}={text}")
        return ", ".join(parts)
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, str):
        return value
    text = json.dumps(value, separators=(",", ":"))
    return f"[{len(value)} items]" if isinstance(value, list) and len(text) > 20 else text


def truncate(text, width=48):
    return text if len(text) <= width else text[:width - 1] + "…"


def cell_labels(runs):
    """({cell: short legend label}, legend title): the swept values when cells differ only in
    one config path, else `path=value` pairs with the paths' last components."""
    cells = runs.summary.get("cells", [])
    sweeps = {c["index"]: c.get("sweep") or {} for c in cells}
    named = {c["index"]: c.get("sweep_labels") or {} for c in cells}

    def shown(cell, key):  # the config's sweep_labels name a value, else its short form
        label = named[cell].get(key)
        return label if isinstance(label, str) else short_value(sweeps[cell].get(key, ""))

    keys = sorted({k for s in sweeps.values() for k in s})
    if len(keys) == 1:
        return {c: truncate(shown(c, keys[0])) for c in sweeps}, keys[0]
    if not keys:
        return {c["index"]: truncate(c.get("label", str(c["index"]))) for c in cells}, None
    last = {k: k.split(".")[-1] for k in keys}
    if len(set(last.values())) < len(keys):
        last = {k: k for k in keys}
    return {c: truncate(", ".join(f"{last[k]}={shown(c, k)}" for k in keys if k in s))
            for c, s in sweeps.items()}, "cell"


def cell_order(runs):
    return sorted(c["index"] for c in runs.summary.get("cells", []))


def theory_number(runs, cell, metric):
    value = runs.theory(cell).get(metric)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return None


def styled(make):
    """Runs a figure function under STYLE (without changing the caller's rcParams)."""
    @functools.wraps(make)
    def wrapper(*args, **kwargs):
        with plt.rc_context(STYLE):
            return make(*args, **kwargs)
    return wrapper


def new_figure(width=6.4, height=4.2, **kwargs):
    return plt.subplots(figsize=(width, height), **kwargs)


# --- inputs -------------------------------------------------------------------------------------


def check_metrics(runs, metrics):
    for metric in metrics:
        if metric not in runs.metric_names:
            close = difflib.get_close_matches(metric, runs.metric_names, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            raise PlotError(f"unknown metric '{metric}'{hint} (the run logs: "
                            f"{', '.join(runs.metric_names)})")
    return list(metrics)


def default_metrics(runs):
    table = (runs.config.get("output") or {}).get("table_metrics") or []
    chosen = [m for m in table if m in runs.metric_names]
    return chosen or list(runs.metric_names)


def seed_count(runs):
    counts = runs.metrics.groupby("cell")["seed"].nunique()
    return int(counts.max()) if len(counts) else 0


# --- learning curves and ecosystem --------------------------------------------------------------


def draw_curves(ax, runs, frame, column, labels):
    """One line per cell (mean over seeds) with its 95% t band; returns the number of lines."""
    stats = over_seeds(frame, column)
    lines = 0
    for i, cell in enumerate(cell_order(runs)):
        s = stats[stats["cell"] == cell]
        if s.empty or s["mean"].isna().all():
            continue
        style = cell_style(i)
        ax.plot(s["step"], s["mean"], label=labels.get(cell, str(cell)), lw=1.5, **style)
        band = s["half"].notna()
        if band.any():
            ax.fill_between(s["step"][band], (s["mean"] - s["half"])[band],
                            (s["mean"] + s["half"])[band], color=style["color"], alpha=0.2,
                            lw=0)
        lines += 1
    return lines


def draw_theory_levels(ax, runs, metric):
    """Dotted horizontal lines at the cells' theory values; returns how many were drawn."""
    drawn = 0
    for i, cell in enumerate(cell_order(runs)):
        value = theory_number(runs, cell, metric)
        if value is not None:
            ax.axhline(value, color=cell_style(i)["color"], lw=1, ls=":", alpha=0.9,
                       label="theory (equilibrium)" if drawn == 0 else None)
            drawn += 1
    return drawn


def band_note(runs):
    if seed_count(runs) < 2:
        return "one seed: no confidence band"
    return f"mean over {seed_count(runs)} seeds, 95% t band"


def ci_note(runs):
    if seed_count(runs) < 2:
        return "one seed: no confidence interval"
    return f"95% t CI over {seed_count(runs)} seeds"


@styled
def learning_curves(runs, metrics=None):
    """One figure per metric: the metric against the env step, one line per cell."""
    metrics = check_metrics(runs, metrics) if metrics else default_metrics(runs)
    labels, legend_title = cell_labels(runs)
    plots = []
    for metric in metrics:
        fig, ax = new_figure()
        lines = draw_curves(ax, runs, runs.metrics, metric, labels)
        theory = draw_theory_levels(ax, runs, metric)
        ax.set_xlabel("env step")
        ax.set_ylabel(metric_label(runs, metric))
        ax.set_title(f"{metric.replace('_', ' ')} ({band_note(runs)})", fontsize=10)
        ax.legend(title=legend_title, fontsize=8, title_fontsize=8)
        fig.tight_layout()
        plots.append(Plot(f"learning_curves_{metric}", fig,
                          {"kind": "learning_curves", "metric": metric, "series": lines,
                           "theory_lines": theory, "seeds": seed_count(runs)}))
    return plots


def ecosystem_metrics(runs, metrics=None):
    present = [m for m in ECOSYSTEM_METRICS if m in runs.metric_names]
    if not [m for m in present if m != "revenue"]:
        raise NotApplicable("the env logs no ecosystem-health metrics (" +
                            ", ".join(m for m in ECOSYSTEM_METRICS if m != "revenue") + ")")
    if metrics:
        present = [m for m in present if m in check_metrics(runs, metrics)] or present
    return present


@styled
def ecosystem(runs, metrics=None):
    """One figure, one panel per ecosystem-health metric: time series per cell."""
    chosen = ecosystem_metrics(runs, metrics)
    labels, legend_title = cell_labels(runs)
    cols = min(3, len(chosen))
    rows = math.ceil(len(chosen) / cols)
    legend_rows = math.ceil(len(runs.cells) / 4)
    legend_height = 0.35 + 0.2 * legend_rows  # inches, below the panels
    height = 3.0 * rows + legend_height
    fig, axes = new_figure(4.0 * cols, height, nrows=rows, ncols=cols, squeeze=False)
    lines = 0
    for ax, metric in zip(axes.flat, chosen):
        lines = max(lines, draw_curves(ax, runs, runs.metrics, metric, labels))
        ax.set_title(metric.replace("_", " "), fontsize=10)
        ax.set_xlabel("env step")
        ax.set_ylabel(metric_label(runs, metric))
    for ax in list(axes.flat)[len(chosen):]:
        ax.set_visible(False)
    handles, names = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, names, title=legend_title, loc="lower center", ncol=min(4, len(names)),
               fontsize=8, title_fontsize=8)
    fig.suptitle(f"ecosystem health ({band_note(runs)})", fontsize=11)
    fig.tight_layout(rect=(0, legend_height / height, 1, 1))
    return [Plot("ecosystem", fig, {"kind": "ecosystem", "metrics": chosen, "series": lines,
                                    "panels": len(chosen)})]


@styled
def regret(runs, metrics=None):
    """External regret per step (mean over agents, then over seeds) against the env step."""
    if not runs.has_agent_dataset("external_regret"):
        raise NotApplicable("the run logs no per-agent external_regret")
    frame = runs.agent_means("external_regret")
    roles = sorted(frame["role"].unique())
    labels, legend_title = cell_labels(runs)
    fig, ax = new_figure()
    lines = 0
    for role in roles:
        role_labels = {c: (f"{l} ({role})" if len(roles) > 1 else l) for c, l in labels.items()}
        lines += draw_curves(ax, runs, frame[frame["role"] == role], "external_regret",
                             role_labels)
    ax.axhline(0.0, color=THEORY_COLOUR, lw=0.8)
    ax.set_xlabel("env step")
    ax.set_ylabel("average external regret per step (mean over agents)")
    ax.set_title(f"external regret ({band_note(runs)})", fontsize=10)
    ax.legend(title=legend_title, fontsize=8, title_fontsize=8)
    fig.tight_layout()
    return [Plot("regret", fig, {"kind": "regret", "metric": "external_regret",
                                 "series": lines})]


# --- learned bid functions ----------------------------------------------------------------------


def expected_action(bucket, points):
    """A grid learner's action in one value bucket: the expectation under its probabilities
    (hedge, exp3), else its greedy choice, the argmax of (posterior) means over the arms it
    tried (ucb1, epsilon_greedy, thompson), averaging tied grid points."""
    if "probabilities" in bucket:
        p = np.asarray(bucket["probabilities"], dtype=float)
        return float(p @ points / p.sum()) if p.sum() > 0 else math.nan
    for key in ("posterior_means", "means"):
        if key in bucket:
            means = np.asarray(bucket[key], dtype=float)
            counts = np.asarray(bucket.get("counts", np.ones_like(means)), dtype=float)
            tried = counts > 0 if (counts > 0).any() else np.ones_like(means, dtype=bool)
            best = means[tried].max()
            return float(points[tried & np.isclose(means, best)].mean())
    return math.nan


def distribution_range(d):
    """(low, high) of one value distribution (the 0.999 quantile for unbounded ones)."""
    kind = d.get("distribution")
    if kind == "uniform":
        return d.get("low", 0.0), d.get("high", 1.0)
    if kind == "constant":
        return d["value"], d["value"]
    if kind == "exponential":
        return 0.0, math.log(1000.0) / d.get("rate", 1.0)
    if kind == "lognormal":
        spread = 3.09 * d.get("sigma", 1.0)
        return math.exp(d.get("mu", 0.0) - spread), math.exp(d.get("mu", 0.0) + spread)
    return None


def value_range(config):
    """(low, high) over the env's value distributions; [0, 1] when the config has none."""
    values = ((config.get("env") or {}).get("params") or {}).get("values")
    if values is None:
        return 0.0, 1.0
    ranges = [distribution_range(d) for d in (values if isinstance(values, list) else [values])]
    ranges = [r for r in ranges if r is not None]
    if not ranges:
        return 0.0, 1.0
    return min(lo for lo, _ in ranges), max(hi for _, hi in ranges)


ANALYTIC_BIDS = {
    "truthful": lambda s, v: v,
    "fixed_shading": lambda s, v: s.get("shade", 1.0) * v,
    "first_price_equilibrium":
        lambda s, v: s.get("low", 0.0) + (s["n"] - 1) / s["n"] * (v - s.get("low", 0.0)),
}


def grid_bucket_actions(strategy):
    """Per agent, the expected grid action in each value bucket: array [agents, buckets]."""
    points = np.asarray(strategy["points"], dtype=float)
    return np.array([[expected_action(b, points) for b in agent["buckets"]]
                     for agent in strategy.get("agents", [])], dtype=float)


def grid_curve(strategy, actions):
    """(values, bids): bucket midpoints for bid grids; shade × value across each bucket."""
    buckets = np.asarray(strategy["value_buckets"], dtype=float)
    if strategy.get("grid") == "shade":
        xs = [np.linspace(lo, hi, 25) for lo, hi in buckets]
        return np.concatenate(xs), np.concatenate([a * x for a, x in zip(actions, xs)])
    return buckets.mean(axis=1), actions


def cell_bid_curves(runs, cell):
    """{agent type: (values, bids, markers)} for the cell: grid learners averaged over seeds and
    agents, fixed policies from their parameters over the env's value range."""
    grids, analytic = {}, {}
    for (c, _), strategies in sorted(runs.strategies.items()):
        if c != cell or not strategies:
            continue
        for groups in strategies.values():
            for group in groups:
                kind, strategy = group.get("type"), group.get("strategy") or {}
                if "points" in strategy and "value_buckets" in strategy:
                    actions = grid_bucket_actions(strategy)
                    if actions.size:
                        grids.setdefault(kind, (strategy, []))[1].append(actions)
                elif kind in ANALYTIC_BIDS:
                    analytic.setdefault(kind, strategy)
    curves = {}
    for kind, (strategy, actions) in grids.items():
        mean_actions = np.nanmean(np.concatenate(actions), axis=0)
        curves[kind] = (*grid_curve(strategy, mean_actions), strategy.get("grid") != "shade")
    low, high = value_range(runs.cell_config(cell))
    values = np.linspace(low, high, 101)
    for kind, strategy in analytic.items():
        curves[kind] = (values, ANALYTIC_BIDS[kind](strategy, values), False)
    return curves


def theory_bid_function(runs, cell):
    entry = runs.theory(cell).get("bid_function")
    if isinstance(entry, dict) and entry.get("value") and entry.get("bid"):
        return np.asarray(entry["value"], dtype=float), np.asarray(entry["bid"], dtype=float)
    return None


def draw_theory_bids(ax, runs, cells, labels):
    """The equilibrium bid functions: one dashed black line when all cells share it, else one
    dashed line per cell in its colour. Returns the number of lines."""
    theory = {c: theory_bid_function(runs, c) for c in cells}
    theory = {c: t for c, t in theory.items() if t is not None}
    if not theory:
        return 0
    first = next(iter(theory.values()))
    shared = len(theory) == len(cells) and all(
        len(t[0]) == len(first[0]) and np.allclose(t[0], first[0]) and np.allclose(t[1], first[1])
        for t in theory.values())
    if shared:
        ax.plot(*first, color=THEORY_COLOUR, ls="--", lw=1.3, label="equilibrium (theory)")
        return 1
    for i, cell in enumerate(cells):
        if cell in theory:
            ax.plot(*theory[cell], color=cell_style(i)["color"], ls="--", lw=1.1,
                    label=f"equilibrium: {labels[cell]}")
    return len(theory)


@styled
def bid_function(runs, metrics=None):
    """Learned bid per click against the value, one line per cell (and agent type)."""
    cells = cell_order(runs)
    curves = {cell: cell_bid_curves(runs, cell) for cell in cells}
    if not any(curves.values()):
        raise NotApplicable("no agent has a bid function (no grid learners or fixed bidders "
                            "in the final strategies)")
    labels, legend_title = cell_labels(runs)
    several_types = any(len(c) > 1 for c in curves.values())
    fig, ax = new_figure()
    series, highs = 0, []
    for i, cell in enumerate(cells):
        for j, (kind, (values, bids, markers)) in enumerate(sorted(curves[cell].items())):
            style = cell_style(i) if not several_types else {
                "color": PALETTE[(i * 3 + j) % len(PALETTE)], "linestyle": "-"}
            name = f"{labels[cell]}: {kind}" if several_types else labels[cell]
            ax.plot(values, bids, marker="o" if markers else None, ms=4, lw=1.5, label=name,
                    **style)
            highs.append(np.nanmax(values))
            series += 1
    theory = draw_theory_bids(ax, runs, cells, labels)
    top = max(highs) if highs else 1.0
    ax.plot([0, top], [0, top], color="grey", lw=0.8, ls=":", label="bid = value")
    ax.set_xlabel("value per click")
    ax.set_ylabel("bid per click")
    seeds = seed_count(runs)
    ax.set_title(f"learned bid functions (final strategies, mean over {seeds} "
                 f"seed{'s' if seeds != 1 else ''} and agents)", fontsize=10)
    ax.legend(title=legend_title if not several_types else None, fontsize=8, title_fontsize=8)
    fig.tight_layout()
    return [Plot("bid_function", fig, {"kind": "bid_function", "series": series,
                                       "theory_series": theory})]


# --- sweeps and Pareto fronts -------------------------------------------------------------------


def sweep_axis(runs):
    """(path, {cell: x}) for a run that sweeps exactly one config path with numeric values."""
    sweeps = {c["index"]: c.get("sweep") or {} for c in runs.summary.get("cells", [])}
    keys = sorted({k for s in sweeps.values() for k in s})
    if len(keys) != 1:
        swept = ", ".join(keys) if keys else "nothing"
        raise NotApplicable(f"a sweep plot needs exactly one swept config path; this run "
                            f"sweeps {swept}")
    path = keys[0]
    xs = {cell: s.get(path) for cell, s in sweeps.items()}
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in xs.values()):
        raise NotApplicable(f"a sweep plot needs numeric values; {path} takes non-numeric "
                            f"values")
    return path, {cell: float(v) for cell, v in xs.items()}


def per_cell_ci(runs, metric):
    """{cell: (mean, half-width, n)} of the per-seed tail means in summary.json."""
    result = {}
    for cell, group in runs.runs[runs.runs["complete"] | runs.allow_incomplete].groupby("cell"):
        result[cell] = mean_ci(group[metric].to_numpy(dtype=float))
    return result


def sweep_default_metrics(runs):
    chosen = [m for m in ("revenue", "welfare") if m in runs.metric_names]
    return chosen or default_metrics(runs)


@styled
def sweep(runs, metrics=None):
    """One figure per metric: tail mean against the swept parameter, 95% CI over seeds, and
    the theory values as hollow markers on a dashed line."""
    path, xs = sweep_axis(runs)
    metrics = check_metrics(runs, metrics) if metrics else sweep_default_metrics(runs)
    cells = sorted(xs, key=lambda c: xs[c])
    plots = []
    for metric in metrics:
        ci = per_cell_ci(runs, metric)
        x = np.array([xs[c] for c in cells])
        mean = np.array([ci.get(c, (math.nan,) * 3)[0] for c in cells])
        half = np.array([ci.get(c, (math.nan,) * 3)[1] for c in cells])
        fig, ax = new_figure()
        ax.errorbar(x, mean, yerr=np.nan_to_num(half), color=PALETTE[0], marker="o", ms=5,
                    capsize=3, lw=1.5, zorder=3, label=f"tail mean ({ci_note(runs)})")
        theory = [(xs[c], theory_number(runs, c, metric)) for c in cells]
        theory = [(tx, ty) for tx, ty in theory if ty is not None]
        if theory:
            ax.plot(*zip(*theory), color=THEORY_COLOUR, ls="--", lw=1, marker="o", ms=7,
                    mfc="none", label="theory (equilibrium)")
        ax.set_xlabel(path)
        ax.set_ylabel(metric_label(runs, metric))
        ax.set_title(f"{metric.replace('_', ' ')} across {path}", fontsize=10)
        ax.legend(fontsize=8)
        fig.tight_layout()
        plots.append(Plot(f"sweep_{metric}", fig,
                          {"kind": "sweep", "metric": metric, "x": path, "series": 1,
                           "points": int(np.isfinite(mean).sum()),
                           "theory_points": len(theory)}))
    return plots


def pareto_front(points):
    """Indices of the points not dominated when maximising both coordinates."""
    front = []
    for i, (xi, yi) in enumerate(points):
        dominated = any(xj >= xi and yj >= yi and (xj > xi or yj > yi)
                        for j, (xj, yj) in enumerate(points) if j != i)
        if not dominated and np.isfinite(xi) and np.isfinite(yi):
            front.append(i)
    return sorted(front, key=lambda i: points[i][0])


@styled
def pareto(runs, x=None, y=None):
    """One point per cell (tail means, 95% CI crosses); the non-dominated cells joined."""
    x, y = x or "revenue", y or "welfare"
    check_metrics(runs, [x, y])
    cells = cell_order(runs)
    if len(cells) < 2:
        raise NotApplicable("a Pareto plot needs at least two cells")
    labels, legend_title = cell_labels(runs)
    cx, cy = per_cell_ci(runs, x), per_cell_ci(runs, y)
    nan3 = (math.nan,) * 3
    points = [(cx.get(c, nan3)[0], cy.get(c, nan3)[0]) for c in cells]
    fig, ax = new_figure()
    for i, cell in enumerate(cells):
        colour = cell_style(i)["color"]
        ax.errorbar(*points[i], xerr=np.nan_to_num(cx.get(cell, nan3)[1]),
                    yerr=np.nan_to_num(cy.get(cell, nan3)[1]), color=colour, marker="o", ms=6,
                    capsize=3, lw=1.2, ls="none", label=labels[cell])
        left = points[i][0] > np.nanmean([p[0] for p in points])
        ax.annotate(truncate(labels[cell], 24), points[i], textcoords="offset points",
                    xytext=(-6 if left else 6, 6), ha="right" if left else "left", fontsize=7,
                    color=colour)
    front = pareto_front(points)
    if front:
        ax.plot([points[i][0] for i in front], [points[i][1] for i in front], color="black",
                lw=1.2, zorder=0, label="Pareto front")
        ax.scatter([points[i][0] for i in front], [points[i][1] for i in front], s=160,
                   facecolors="none", edgecolors="black", lw=1.2, zorder=3)
    ax.set_xlabel(metric_label(runs, x))
    ax.set_ylabel(metric_label(runs, y))
    ax.set_title(f"{y.replace('_', ' ')} vs {x.replace('_', ' ')} (tail means, "
                 f"{ci_note(runs)})", fontsize=10)
    ax.legend(title=legend_title, fontsize=8, title_fontsize=8)
    fig.tight_layout()
    return [Plot("pareto", fig, {"kind": "pareto", "x": x, "y": y, "series": len(cells),
                                 "points": len(cells),
                                 "front": [labels[cells[i]] for i in front]})]


# --- command line -------------------------------------------------------------------------------


def make_plots(runs, kind, args):
    if kind == "pareto":
        return pareto(runs, args.x, args.y)
    return {"learning_curves": learning_curves, "bid_function": bid_function, "sweep": sweep,
            "ecosystem": ecosystem, "regret": regret}[kind](runs, args.metrics)


def save(plot, out, formats):
    files = []
    for fmt in formats:
        name = f"{plot.name}.{fmt}"
        with plt.rc_context(STYLE):
            plot.figure.savefig(os.path.join(out, name), format=fmt)
        files.append(name)
    plt.close(plot.figure)
    return {"file": files[0], "files": files, **plot.info}


def plot_run(args):
    """Loads args.run_dir and writes the figures and figures.json; returns the manifest."""
    runs = agora_logs.load(args.run_dir)
    if args.metrics:
        check_metrics(runs, args.metrics)
    kinds = KINDS if "all" in args.kind else list(dict.fromkeys(args.kind))
    out = args.out or os.path.join(args.run_dir, "figures")
    try:
        os.makedirs(out, exist_ok=True)
    except OSError as e:
        raise PlotError(f"cannot create output directory {out}: {e.strerror}") from None
    entries = []
    for kind in kinds:
        try:
            plots = make_plots(runs, kind, args)
        except NotApplicable as e:
            if "all" not in args.kind:
                raise
            print(f"agora plot: skipping {kind}: {e}", file=sys.stderr)
            continue
        entries += [save(p, out, args.formats) for p in plots]
    manifest = {"run_dir": os.path.abspath(args.run_dir), "figures": entries}
    with open(os.path.join(out, "figures.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")
    return manifest


class OneLineParser(argparse.ArgumentParser):
    def error(self, message):
        raise PlotError(message)


def parse_args(argv):
    parser = OneLineParser(
        prog="agora plot", description="Plots an Agora run directory (figures for papers).")
    parser.add_argument("run_dir", metavar="RUN_DIR")
    parser.add_argument("--kind", nargs="+", action="extend", choices=KINDS + ["all"],
                        metavar="KIND", help="figure kinds: " + ", ".join(KINDS) +
                        ", all (default: every kind that applies)")
    parser.add_argument("--metrics", nargs="+", metavar="M",
                        help="metrics for learning_curves, sweep and ecosystem")
    parser.add_argument("--x", metavar="METRIC", help="x metric of the pareto plot (revenue)")
    parser.add_argument("--y", metavar="METRIC", help="y metric of the pareto plot (welfare)")
    parser.add_argument("--out", metavar="DIR", help="output directory (RUN_DIR/figures)")
    parser.add_argument("--formats", nargs="+", choices=["png", "pdf", "svg"],
                        default=["png", "pdf"], metavar="FORMAT", help="png pdf (default), svg")
    args = parser.parse_args(argv)
    args.kind = args.kind or ["all"]
    return args


def main(argv=None):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            manifest = plot_run(parse_args(sys.argv[1:] if argv is None else argv))
    except (PlotError, agora_logs.AgoraLogError) as e:
        print(f"agora plot: error: {e}", file=sys.stderr)
        return 2
    except Exception as e:  # a bug, not bad input: still one line, exit 1
        print(f"agora plot: internal error: {type(e).__name__}: {e}", file=sys.stderr)
        return 1
    for entry in manifest["figures"]:
        print(entry["file"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
