"""Pareto: a front folder (``aiecosim optimize``) in the Results view, one point per policy.

The scatter is the report's (``experiments.front_display.plot_front``): two objectives, coloured
by the third. Clicking a point opens Explore with that policy: the design's fixed overrides and
months, then the policy's levers, on the design's scenario; when the front's worlds are the
ones Explore draws (the shipped posterior, world seed 1), Explore spreads over those worlds,
so its runs are the very runs that scored the policy.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dash_bootstrap_components as dbc
import polars as pl
from dash import Input, Output, State, dcc, html
from dash.exceptions import PreventUpdate

from aiecosim.dashboard.sources import list_scenarios, results_path
from aiecosim.dashboard.state import MAX_SEEDS
from aiecosim.dashboard.views.explore import WORLD_SEED
from aiecosim.experiments import posterior
from aiecosim.experiments.front_display import plot_front
from aiecosim.experiments.front_store import Front, read_front
from aiecosim.model.errors import ScenarioError

GRAPH = "pareto-graph"


def provenance(front: Front) -> dbc.Alert:
    m = front.manifest
    return dbc.Alert([
        html.B(m["name"]), f" · front of {len(front.front)} policies · levers: ",
        ", ".join(front.levers), f" · {m['evaluations']} policies evaluated in "
        f"{len(m['worlds'])} worlds · scenario {m['scenario']['name']} · click a point to "
        "open it in Explore",
    ], color="light", className="small py-2", id="results-provenance")


def figures(front: Front) -> list:
    if not len(front.front):
        return [html.P("The front is empty.", className="small")]
    fig = plot_front(front.front, front.levers, front.objectives).update_layout(height=480)
    return [dcc.Graph(figure=fig, id=GRAPH, config={"displaylogo": False})]


def explore_pick(front: Front, policy: int, scenarios: list[str]) -> dict[str, Any] | None:
    """What Explore needs to show ``policy``: view settings and the overrides (None for a
    policy the front does not hold)."""
    m, design = front.manifest, front.manifest["design"]
    chosen = front.front.filter(pl.col("policy") == policy)
    if not len(chosen):
        return None
    row = chosen.row(0, named=True)
    overrides = dict(design.get("set") or {})
    if design.get("months") is not None:
        overrides["steps"] = design["months"]
    overrides.update({key: row[key] for key in front.levers})
    view: dict[str, Any] = {"view": "explore"}
    if m["scenario"].get("file") in scenarios:
        view["scenario"] = m["scenario"]["file"]
    same_worlds = (m.get("posterior_file") == posterior.SHIPPED
                   and design.get("world_seed") == WORLD_SEED
                   and len(m["worlds"]) <= MAX_SEEDS)
    if same_worlds:
        view.update(spread="worlds", seeds=len(m["worlds"]))
    return {"view": view, "overrides": overrides}


def register(app, scenarios_dir: Path, results_dir: Path) -> None:
    @app.callback(Output("pareto-pick", "data"), Input(GRAPH, "clickData"),
                  State("results-folder", "value"), prevent_initial_call=True)
    def pick(click, typed):
        points = (click or {}).get("points") or []
        if not points or points[0].get("customdata") is None or not typed:
            raise PreventUpdate
        try:
            front = read_front(results_path(typed, results_dir))
        except (ValueError, ScenarioError):
            raise PreventUpdate from None  # the Results view already says why
        found = explore_pick(front, int(points[0]["customdata"]), list_scenarios(scenarios_dir))
        if found is None:
            raise PreventUpdate
        return found
