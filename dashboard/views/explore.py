"""Explore: the picked world against a reference, over N seeds each.

Time series with 95% bands for the key metrics (the report's ``plot_bands``), and a table of the
final-year differences with confidence intervals.
"""

from __future__ import annotations

import functools
import math
import threading
import time
from collections import OrderedDict
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

import dash_bootstrap_components as dbc
from dash import Input, Output, dcc, html, no_update
from dash.exceptions import PreventUpdate

from aiecosim.dashboard import runs
from aiecosim.dashboard.sources import load_scenario
from aiecosim.experiments.executor import stack
from aiecosim.experiments.figures import bands_figure
from aiecosim.experiments.stats import differences, final_year, seed_bands
from aiecosim.model import Scenario
from aiecosim.model.errors import ScenarioError
from aiecosim.model.metrics import EXPLORE_METRICS, label

KEY_METRICS: tuple[str, ...] = EXPLORE_METRICS


def graph_id(metric: str) -> str:
    return f"explore-graph-{metric}"


def layout() -> html.Div:
    graphs = [dbc.Col(dcc.Graph(id=graph_id(m), config={"displaylogo": False, "displayModeBar": "hover"},
                                style={"height": "300px"}), md=6) for m in KEY_METRICS]
    return html.Div([
        html.Div(id="explore-status", className="text-muted small my-2"),
        html.Div(id="explore-error"),
        dcc.Loading(html.Div([
            html.H6("Final-year differences (scenario − reference)", className="mt-2"),
            html.Div(id="explore-table"),
            dbc.Row(graphs, className="g-2"),
        ]), type="default", delay_show=300),
    ], className="pt-2")


def resolve(settings: dict[str, Any], scenarios_dir: Path) -> tuple[Scenario, Scenario]:
    """The picked scenario with the user's overrides, and the reference scenario."""
    chosen = load_scenario(settings["scenario"], scenarios_dir)
    if settings.get("overrides"):
        chosen = chosen.with_overrides(settings["overrides"], source="dashboard settings")
    return chosen, load_scenario(settings["reference"], scenarios_dir)


def fmt(value: float | None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.4g}"


def diff_table(table, year: int) -> dbc.Table:
    head = html.Thead(html.Tr([html.Th(h) for h in
                               ("metric", "scenario", "reference", "difference", "95% CI")]))
    rows = []
    for r in table.iter_rows(named=True):
        significant = not (math.isnan(r["lo"]) or r["lo"] <= 0 <= r["hi"])
        rows.append(html.Tr([
            html.Td(r["metric"].replace("_", " "), title=label(r["metric"])),
            html.Td(fmt(r["scenario"]), className="scenario-value"),
            html.Td(fmt(r["reference"])),
            html.Td(fmt(r["difference"]), className="fw-semibold" if significant else ""),
            html.Td(f"[{fmt(r['lo'])}, {fmt(r['hi'])}]"),
        ], **{"data-metric": r["metric"]}))
    caption = html.Caption(f"Year {year}: monthly means over the year, averaged over seeds. "
                           "Intervals pair runs by seed (common random numbers); bold ones "
                           "exclude zero.", className="small")
    return dbc.Table([caption, head, html.Tbody(rows)], size="sm", striped=True, hover=True,
                     id="explore-diff-table", className="small")


_drawn: OrderedDict[tuple, dict[str, Any]] = OrderedDict()
_drawn_lock = threading.Lock()
MAX_DRAWN = 64  # recent Explore results kept whole, figures included


def compute(settings: dict[str, Any], scenarios_dir: Path) -> dict[str, Any]:
    """Figures, table and status for ``settings``: the work of one Explore update.

    Runs are cached per seed (``dashboard.runs``); the finished figures are cached too, so a
    repeated request (the default view, a shared link) costs only a lookup.
    """
    started = time.perf_counter()
    chosen, reference = resolve(settings, scenarios_dir)
    key = (chosen.digest(), reference.digest(), int(settings["seeds"]), settings["scenario"],
           settings["reference"], bool(settings.get("overrides")))
    with _drawn_lock:
        result = _drawn.get(key)
        if result is not None:
            _drawn.move_to_end(key)
    if result is None:
        result = _draw(chosen, reference, settings)
        with _drawn_lock:
            _drawn[key] = result
            while len(_drawn) > MAX_DRAWN:
                _drawn.popitem(last=False)
    seconds = time.perf_counter() - started
    return {**result, "seconds": seconds, "status": f"{result['summary']} · {seconds:.2f} s"}


@functools.cache
def _white_template() -> dict:
    """The plotly_white template as plain data, made once and shared by every figure (copying
    it into each of an update's seven figures took most of the update's drawing time)."""
    import plotly.io as pio

    return pio.templates["plotly_white"].to_plotly_json()


def _draw(chosen: Scenario, reference: Scenario, settings: dict[str, Any]) -> dict[str, Any]:
    seeds = range(1, int(settings["seeds"]) + 1)
    # Both worlds in one call, so the pool works on them together.
    both = runs.shared().evaluate([(sc, s) for sc in (chosen, reference) for s in seeds])
    frames = [stack(both[:len(seeds)], seeds), stack(both[len(seeds):], seeds)]
    label_a = f"scenario: {settings['scenario'].removesuffix('.toml')}" + (
        " (changed)" if settings.get("overrides") else "")
    label_b = f"reference: {settings['reference'].removesuffix('.toml')}"
    bands = {label_a: seed_bands(frames[0], KEY_METRICS), label_b: seed_bands(frames[1], KEY_METRICS)}
    figures = {}
    for m in KEY_METRICS:
        # Plain data, not plotly objects: cheap to build, to keep and to send again.
        figure = bands_figure(bands, m)
        figure["layout"].update(
            height=300, title={"text": m.replace("_", " "), "font": {"size": 14}}, yaxis={},
            margin={"l": 50, "r": 10, "t": 40, "b": 30}, template=_white_template(),
            legend={"orientation": "h", "y": -0.2, "font": {"size": 10}})
        figures[m] = figure
    year = final_year(frames[0])
    table = differences(frames[0], frames[1], KEY_METRICS, year)
    summary = f"{label_a} vs {label_b} · {len(seeds)} seeds each · digest {chosen.digest()}"
    return {"figures": figures, "table": diff_table(table, year), "summary": summary}


def register(app, scenarios_dir: Path) -> None:
    @app.callback(
        *[Output(graph_id(m), "figure") for m in KEY_METRICS],
        Output("explore-table", "children"), Output("explore-status", "children"),
        Output("explore-error", "children"),
        Input("explore-settings", "data"),
    )
    def update(settings):
        if not settings:
            raise PreventUpdate
        try:
            result = compute(settings, scenarios_dir)
        except (ScenarioError, BrokenProcessPool) as exc:
            text = str(exc) if isinstance(exc, ScenarioError) else \
                "a simulation worker stopped unexpectedly; change a setting to try again"
            alert = dbc.Alert(text, color="danger", id="explore-error-text")
            return *[no_update] * len(KEY_METRICS), no_update, no_update, alert
        return (*[result["figures"][m] for m in KEY_METRICS], result["table"], result["status"],
                None)
