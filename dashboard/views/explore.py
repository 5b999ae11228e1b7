"""Explore: the picked world against a reference, over N seeds or N plausible worlds each.

Over seeds: time series with 95% bands (Monte Carlo error) for the key metrics (the report's
``bands_figure``), and a table of the final-year differences with confidence intervals. Over
plausible worlds: N parameter sets drawn from the shipped posterior, each with its own seed and
run on both sides, so the bands are 90% over worlds and the table gives each difference's
median over worlds, its 90% interval, and the share of worlds where the scenario is higher.
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
from aiecosim.dashboard.state import MAX_SEEDS
from aiecosim.experiments.executor import stack
from aiecosim.experiments.figures import bands_figure
from aiecosim.experiments import posterior
from aiecosim.experiments.observations import shipped
from aiecosim.experiments.stats import (differences, final_year, seed_bands, world_differences,
                                        world_series_bands)
from aiecosim.model import Scenario
from aiecosim.model.errors import ScenarioError
from aiecosim.model.metrics import EXPLORE_METRICS, label

KEY_METRICS: tuple[str, ...] = EXPLORE_METRICS
WORLD_SEED = 1  # the draw of plausible worlds: the same N worlds on every visit and link
POOL_POLL_MS = 1000  # how often the page asks what the run pool is doing


def graph_id(metric: str) -> str:
    return f"explore-graph-{metric}"


def layout() -> html.Div:
    graphs = [dbc.Col(dcc.Graph(id=graph_id(m), config={"displaylogo": False, "displayModeBar": "hover"},
                                style={"height": "300px"}), md=6) for m in KEY_METRICS]
    return html.Div([
        html.Div(id="explore-status", className="text-muted small my-2"),
        # The pool's state, polled while an update waits: other visitors' runs and maps share it.
        html.Div(id="explore-pool", className="text-info small"),
        dcc.Interval(id="explore-pool-poll", interval=POOL_POLL_MS),
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


def diff_table(table, year: int, worlds: bool = False) -> dbc.Table:
    heads = ["metric", "scenario", "reference", "difference", "95% CI"]
    if worlds:
        heads[-1:] = ["90% over worlds", "worlds higher"]
    head = html.Thead(html.Tr([html.Th(h) for h in heads]))
    rows = []
    for r in table.iter_rows(named=True):
        significant = not (math.isnan(r["lo"]) or r["lo"] <= 0 <= r["hi"])
        cells = [
            html.Td(r["metric"].replace("_", " "), title=label(r["metric"])),
            html.Td(fmt(r["scenario"]), className="scenario-value"),
            html.Td(fmt(r["reference"])),
            html.Td(fmt(r["difference"]), className="fw-semibold" if significant else ""),
            html.Td(f"[{fmt(r['lo'])}, {fmt(r['hi'])}]"),
        ]
        if worlds:
            cells.append(html.Td(f"{r['share_higher']:.0%}", className="share-higher"))
        rows.append(html.Tr(cells, **{"data-metric": r["metric"]}))
    if worlds:
        text = (f"Year {year}: monthly means over the year, medians over plausible worlds. Each "
                "world runs both sides with its parameters and seed; the interval is the central "
                "90% of the world-by-world difference (the spread the 2023 evidence allows), "
                "bold where it excludes zero.")
    else:
        text = (f"Year {year}: monthly means over the year, averaged over seeds. Intervals pair "
                "runs by seed (common random numbers; Monte Carlo error); bold ones exclude zero.")
    caption = html.Caption(text, className="small")
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
    settings = {**settings, "seeds": seed_count(settings)}
    chosen, reference = resolve(settings, scenarios_dir)
    key = (chosen.digest(), reference.digest(), settings["seeds"], settings["scenario"],
           settings["reference"], bool(settings.get("overrides")), _spread(settings))
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


def seed_count(settings: dict[str, Any]) -> int:
    """The seeds (or worlds) a request asks for, held to 1..MAX_SEEDS here on the server: the
    page's own input stops at the limit, but a request can be sent without the page."""
    try:
        n = int(settings.get("seeds") or 1)
    except (TypeError, ValueError):
        n = 1
    return max(1, min(MAX_SEEDS, n))


def _spread(settings: dict[str, Any]) -> str:
    return "worlds" if settings.get("spread") == "worlds" else "seeds"


def _pairs(chosen: Scenario, reference: Scenario,
           settings: dict[str, Any]) -> tuple[list[tuple[Scenario, int]], list[int]]:
    """The (scenario, seed) runs of both sides, the chosen side first, and the index (a seed
    or a world) of each side's runs. A plausible world takes the posterior's values, and the
    user's own changes win over them, as a design's levers do."""
    n = int(settings["seeds"])
    if _spread(settings) == "seeds":
        seeds = list(range(1, n + 1))
        return [(sc, s) for sc in (chosen, reference) for s in seeds], seeds
    file = shipped(posterior.SHIPPED)
    particles, _ = posterior.read(file)
    worlds = posterior.draw_worlds(particles, n, WORLD_SEED)
    mine = settings.get("overrides") or {}
    sides = [[(sc.with_overrides({**w.overrides, **(mine if sc is chosen else {})},
                                 source=file.name), w.seed) for w in worlds]
             for sc in (chosen, reference)]
    return sides[0] + sides[1], list(range(n))


def _draw(chosen: Scenario, reference: Scenario, settings: dict[str, Any]) -> dict[str, Any]:
    pairs, index = _pairs(chosen, reference, settings)
    worlds = _spread(settings) == "worlds"
    # Both sides in one call, so the pool works on them together.
    both = runs.shared().evaluate(pairs)
    frames = [stack(both[:len(index)], index), stack(both[len(index):], index)]
    label_a = f"scenario: {settings['scenario'].removesuffix('.toml')}" + (
        " (changed)" if settings.get("overrides") else "")
    label_b = f"reference: {settings['reference'].removesuffix('.toml')}"
    summarise = (lambda f: world_series_bands(f, KEY_METRICS)) if worlds else (
        lambda f: seed_bands(f, KEY_METRICS))
    bands = {label_a: summarise(frames[0]), label_b: summarise(frames[1])}
    figures = {}
    for m in KEY_METRICS:
        # Plain data, not plotly objects: cheap to build, to keep and to send again.
        figure = (bands_figure(bands, m, centre="median", band="90% over worlds") if worlds
                  else bands_figure(bands, m))
        figure["layout"].update(
            height=300, title={"text": m.replace("_", " "), "font": {"size": 14}}, yaxis={},
            margin={"l": 50, "r": 10, "t": 40, "b": 30}, template=_white_template(),
            legend={"orientation": "h", "y": -0.2, "font": {"size": 10}})
        figures[m] = figure
    year = final_year(frames[0])
    if worlds:
        table = world_differences(frames[0], frames[1], KEY_METRICS, year)
        count = f"{len(index)} plausible worlds (posterior {posterior.SHIPPED})"
    else:
        table = differences(frames[0], frames[1], KEY_METRICS, year)
        count = f"{len(index)} seeds each"
    summary = f"{label_a} vs {label_b} · {count} · digest {chosen.digest()}"
    return {"figures": figures, "table": diff_table(table, year, worlds), "summary": summary}


def pool_status(executor) -> str:
    """What the shared run pool is doing, for a visitor whose update waits on it ("" if idle)."""
    busy = executor.in_flight()
    if not busy:
        return ""
    return (f"Run pool busy: {busy} run{'s' if busy != 1 else ''} running or queued on "
            f"{executor.workers} worker{'s' if executor.workers != 1 else ''}; the figures "
            "update when this update's runs are done.")


def register(app, scenarios_dir: Path) -> None:
    @app.callback(Output("explore-pool", "children"), Input("explore-pool-poll", "n_intervals"))
    def show_pool(_):
        return pool_status(runs.shared())

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
