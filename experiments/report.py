"""``aiecosim report``: one self-contained HTML file describing a sweep folder.

Sections: provenance of the runs, failed runs, time series with 95% bands over seeds, phase
diagrams over two levers, sensitivity indices (Sobol or Morris designs) and a comparison (a
design with two points, or another sweep given with ``against``). plotly.js is inlined once, so
the file opens anywhere without a network.
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl

from aiecosim.model.errors import ScenarioError
from aiecosim.model.scenario_io import unknown_key_message
from aiecosim.experiments.analysis import (MAX_LINES, Sweep, compare, load_sweep,
                                            marginal_means, phase_grid, point_means,
                                            sensitivity, time_bands)
from aiecosim.experiments.figures import (plot_bands, plot_heatmap, plot_marginal, plot_samples,
                                          plot_sensitivity, write_images)
from aiecosim.experiments.html_page import escape as _e
from aiecosim.experiments.html_page import figure, page
from aiecosim.experiments.html_page import section as _section
from aiecosim.experiments.html_page import table as _table
from aiecosim.experiments.stats import seed_bands
from aiecosim.model.metrics import unit as metric_unit

MAX_FAILED_ROWS = 50


def write_report(root: str | Path, out: str | Path | None = None, *, x: str | None = None,
                 y: str | None = None, metrics: list[str] | None = None,
                 against: str | Path | None = None, figures: str | Path | None = None) -> Path:
    """Write the report of sweep folder ``root`` (default ``root/report.html``); return its path.

    ``figures``: a folder to write every figure of the page into as PNG and SVG, for a paper.
    """
    from aiecosim.experiments.atomic import write_atomically

    target = Path(out) if out is not None else Path(root) / "report.html"
    shown: dict = {}
    page = build_report(root, x=x, y=y, metrics=metrics, against=against, shown=shown)
    if figures is not None:
        write_images(shown, figures)
    write_atomically(target, lambda tmp: tmp.write_text(page, encoding="utf-8"))
    return target


def build_report(root: str | Path, *, x: str | None = None, y: str | None = None,
                 metrics: list[str] | None = None, against: str | Path | None = None,
                 shown: dict | None = None) -> str:
    """The report's HTML; ``shown`` (when given) collects each figure by its div id."""
    shown = shown if shown is not None else {}
    sweep = load_sweep(root)
    metrics = _checked_metrics(sweep, metrics)
    sweep = sweep.with_metrics(metrics)
    other = load_sweep(against).with_metrics(metrics) if against is not None else None
    title = f"Sweep report: {sweep.manifest['name']}"
    body = [f"<h1>{_e(title)}</h1>",
            f"<p>{_e(sweep.manifest.get('description', ''))}</p>",
            _section("Provenance", _provenance(sweep), "provenance-section"),
            _left_out(sweep), _failures(sweep)]
    if not len(sweep.ok_runs):
        body.append('<p class="note">No successful runs yet: nothing to plot.</p>')
    else:
        pooled = len(sweep.points) > MAX_LINES
        over = f"every point and seed ({len(sweep.points)} points pooled)" if pooled else "seeds"
        body.append(_section(f"Time series (mean and 95% band over {over})",
                             _time_series(sweep, metrics, shown, pooled), "time-series"))
        sampled = sweep.manifest["design"]["method"] != "grid"
        body.append(_section("Samples and marginal means" if sampled else "Phase diagrams",
                             _phase(sweep, metrics, x, y, shown, sampled), "phase-diagrams"))
        if sweep.manifest["design"]["method"] in ("sobol", "morris"):
            body.append(_section("Sensitivity", _sensitivity(sweep, metrics, shown),
                                 "sensitivity"))
        body.append(_comparison(sweep, other, metrics, shown))
    return page(title, body)


def _checked_metrics(sweep: Sweep, metrics: list[str] | None) -> list[str]:
    """The metrics to show: the design's outputs, or any metric whose series the folder keeps."""
    available = sweep.metrics
    for m in metrics or []:
        if m not in available:
            raise ScenarioError("--metric", m, unknown_key_message(m, available))
    return list(metrics or sweep.outputs)


# ------------------------------------------------------------------------------- sections
def _provenance(sweep: Sweep) -> str:
    m = sweep.manifest
    runs = sweep.runs
    ok = int((runs["status"] == "ok").sum()) if len(runs) else 0
    failed = len(runs) - ok
    commit = (m.get("git_commit") or "unknown").replace("+dirty", " (with uncommitted changes)")
    seeds = m["seeds"]
    rows = [
        ("design", f"{m['name']} (fingerprint {m['fingerprint']})"),
        ("design file", m.get("design_file", "")),
        ("method", m["design"]["method"]),
        ("levers", ", ".join(v["key"] for v in m["variables"]) or "none (replications)"),
        ("points", m["points"]),
        ("seeds per point", f"{len(seeds)} ({seeds[0]}..{seeds[-1]})"),
        ("runs", f"{ok} ok, {failed} failed, {m['runs'] - len(runs)} not run, of {m['runs']}"),
        ("months", m["months"]),
        ("summary", f"mean over the last {m['summary_months']} months" if m["summary_months"]
         else "mean over all months"),
        ("scenario", f"{m['scenario']['name']} (digest {m['scenario']['digest']})"),
        ("fixed overrides", json.dumps(m["design"]["set"]) if m["design"].get("set") else "none"),
        ("created", m["created"]),
        ("git commit", commit),
        ("versions", ", ".join(f"{k} {v}" for k, v in m["versions"].items())),
    ]
    table = _table(["", ""], rows, "provenance", show_header=False)
    sessions = [(s.get("started"), s.get("workers"), s.get("scheduler", "local"), s.get("runs_ran"),
                 f"{s.get('seconds', 0):.1f}", _rate(s), s.get("host", ""))
                for s in sweep.store.sessions()]
    if sessions:
        table += "<h3>Sessions</h3>" + _table(
            ["started", "workers", "scheduler", "runs", "seconds", "runs/s", "host"], sessions, "sessions")
    return table


def _rate(session: dict) -> str:
    seconds = session.get("compute_seconds")
    return f"{session['runs_ran'] / seconds:.2f}" if seconds and session.get("runs_ran") else "-"


def _left_out(sweep: Sweep) -> str:
    """The part files that did not check out against the sweep's index, and so are not shown."""
    lines = sweep.store.warnings()
    if not lines:
        return ""
    items = "".join(f"<li>{_e(line)}</li>" for line in lines)
    return _section(f"Parts left out ({len(lines)})", f"<ul>{items}</ul>", "left-out")


def _failures(sweep: Sweep) -> str:
    runs = sweep.runs
    failed = runs.filter(pl.col("status") == "failed") if len(runs) else runs
    if not len(failed):
        return ""
    rows = failed.select("run", "point", "seed", "label", "error").head(MAX_FAILED_ROWS).rows()
    more = f"<p class=\"note\">and {len(failed) - MAX_FAILED_ROWS} more</p>" \
        if len(failed) > MAX_FAILED_ROWS else ""
    return _section(f"Failed runs ({len(failed)})",
                    _table(["run", "point", "seed", "point label", "error"], rows, "failures") + more,
                    "failed-runs")


def _time_series(sweep: Sweep, metrics: list[str], shown: dict, pooled: bool) -> str:
    bands = time_bands(sweep, metrics)
    band = "95% band over points and seeds" if pooled else "95% band over seeds"
    return "".join(_figure(plot_bands(bands, m, band=band), f"fig-bands-{m}", shown)
                   for m in metrics)


def _phase(sweep: Sweep, metrics: list[str], x: str | None, y: str | None, shown: dict,
           sampled: bool) -> str:
    levers = [v.key for v in sweep.variables if v.numeric]
    for name, key in (("--x", x), ("--y", y)):
        if key is not None and key not in levers:
            raise ScenarioError(name, key, unknown_key_message(key, levers))
    x = x or next((k for k in levers if k != y), None)
    y = y or next((k for k in levers if k != x), None)
    two = x is not None and y is not None and x != y
    if sampled and levers:  # every sample where it was drawn, and each lever's marginal means
        means = point_means(sweep, metrics)
        note = ('<p class="note">Each point is one sample of the design, coloured by its mean '
                'over seeds; the curves average over the other levers\' samples.</p>')
        return note + "".join(
            (_figure(plot_samples(means, x, y, m), f"fig-samples-{m}", shown) if two else "")
            + _figure(plot_marginal({k: marginal_means(means, k, m) for k in levers}, m),
                      f"fig-marginal-{m}", shown)
            for m in metrics)
    if not two:
        return '<p class="note">A phase diagram needs two numeric levers; this design varies ' \
               f"{len(levers)}.</p>"
    means = point_means(sweep, metrics)
    note = '<p class="note">Other levers are averaged over.</p>' if len(levers) > 2 else ""
    return note + "".join(_figure(plot_heatmap(phase_grid(means, x, y, m), x, y, m),
                                  f"fig-phase-{m}", shown) for m in metrics)


def _sensitivity(sweep: Sweep, metrics: list[str], shown: dict) -> str:
    parts = []
    for m in metrics:
        try:
            parts.append(_figure(plot_sensitivity(sensitivity(sweep, m), m),
                                 f"fig-sensitivity-{m}", shown))
        except ValueError as exc:
            parts.append(f'<p class="note">{_e(m)}: {_e(str(exc))}</p>')
    return "".join(parts)


def _comparison(sweep: Sweep, other: Sweep | None, metrics: list[str],
                shown: dict | None = None) -> str:
    runs = sweep.ok_runs
    if other is not None:
        name_a, name_b = sweep.manifest["name"], other.manifest["name"]
        a, b = runs, other.ok_runs
        shared = [m for m in metrics if m in other.outputs]
        figures = "".join(_figure(plot_bands(
            {name_a: seed_bands(sweep.series([m]), [m]), name_b: seed_bands(other.series([m]), [m])},
            m), f"fig-compare-{m}", shown) for m in shared)
    elif len(sweep.points) == 2:
        labels = sweep.points["label"].to_list()
        name_a, name_b = labels
        a, b = runs.filter(pl.col("point") == 0), runs.filter(pl.col("point") == 1)
        shared, figures = metrics, ""
    else:
        return ""
    table = compare(a, b, shared)
    rows = [(r["metric"], metric_unit(r["metric"]), _num(r["mean_a"]), _num(r["mean_b"]), _num(r["difference"]),
             f"{_num(r['diff_lo'])} to {_num(r['diff_hi'])}", f"{r['runs_a']} / {r['runs_b']}")
            for r in table.iter_rows(named=True)]
    header = ["metric", "unit", f"A: {name_a}", f"B: {name_b}", "B - A", "95% interval",
              "runs A / B"]
    text = (f"<p>Per-run summaries (mean over the last months, see provenance) of A = "
            f"{_e(name_a)} and B = {_e(name_b)}; 95% intervals over runs, {_kinds(table)}.</p>")
    return _section("Comparison", text + _table(header, rows, "comparison") + figures, "comparison-section")


def _kinds(table: pl.DataFrame) -> str:
    """How the comparison's intervals were made, in words."""
    kinds = set(table["kind"]) if len(table) else set()
    if kinds == {"paired"}:
        return "paired by seed (A and B ran the same seeds)"
    if kinds == {"welch"}:
        return "Welch's (A and B do not share their seeds one to one)"
    return "paired by seed where A and B share seeds, else Welch's"


# -------------------------------------------------------------------------------- helpers
def _figure(fig, div_id: str, shown: dict | None) -> str:
    """The figure's HTML, the figure kept in ``shown`` (when given) under its id (--figures)."""
    if shown is not None:
        shown[div_id] = fig
    return figure(fig, div_id)


def _num(value) -> str:
    if value is None or value != value:
        return "-"
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.4g}"
