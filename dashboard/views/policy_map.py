"""Policy map: two levers swept over a grid in the background, drawn as a phase diagram.

The sweep is a Dash background callback with a progress bar and a cancel button. Its job runs
in a thread of the server (``dashboard.manager``) and sends its runs to the server's executor,
so the map and Explore share one pool and one cache of runs. Clicking a cell puts that point's
lever values into Explore.
"""

from __future__ import annotations

import math
import time
from typing import Any

import dash_bootstrap_components as dbc
from dash import Input, Output, State, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

from aiecosim.dashboard import runs
from aiecosim.dashboard.fields import field_by_key, levers
from aiecosim.dashboard.grid import Progress, axis_values, display, run_grid
from aiecosim.dashboard.state import MAX_GRID, VIEW_DEFAULTS
from aiecosim.experiments.figures import plot_heatmap
from aiecosim.model import Scenario
from aiecosim.model.errors import ScenarioError
from aiecosim.model.metrics import METRICS

HIDDEN, SHOWN = {"display": "none"}, {"display": "block"}


def _lever_options() -> list[dict[str, str]]:
    return [{"label": f.key.removeprefix("policy."), "value": f.key} for f in levers()]


def _number_box(cid: str, placeholder: str) -> dbc.Input:
    return dbc.Input(id=cid, type="number", step="any", placeholder=placeholder, debounce=True,
                     size="sm")


def layout() -> html.Div:
    def axis(name: str) -> dbc.Col:
        return dbc.Col([
            dbc.Label(f"{name.upper()} lever", className="small mb-0 fw-semibold"),
            dcc.Dropdown(id=f"map-{name}", options=_lever_options(), clearable=False,
                         value=VIEW_DEFAULTS[f"map_{name}"]),
            dbc.InputGroup([dbc.InputGroupText("from"), _number_box(f"map-{name}-low", "min"),
                            dbc.InputGroupText("to"), _number_box(f"map-{name}-high", "max")],
                           size="sm", className="mt-1"),
        ], md=4)

    return html.Div([
        dbc.Row([
            axis("x"), axis("y"),
            dbc.Col([
                dbc.Label("Metric (final-year mean)", className="small mb-0 fw-semibold"),
                dcc.Dropdown(id="map-metric", clearable=False, value=VIEW_DEFAULTS["map_metric"],
                             options=[{"label": m, "value": m} for m in METRICS]),
                dbc.Row([
                    dbc.Col([dbc.Label("Points per axis", className="small mb-0"),
                             dbc.Input(id="map-size", type="number", min=2, max=MAX_GRID, step=1,
                                       value=VIEW_DEFAULTS["map_size"], size="sm", debounce=True)]),
                    dbc.Col([dbc.Label("Seeds per point", className="small mb-0"),
                             dbc.Input(id="map-seeds", type="number", min=1, max=10, step=1,
                                       value=VIEW_DEFAULTS["map_seeds"], size="sm", debounce=True)]),
                ], className="mt-1"),
            ], md=4),
        ], className="g-3"),
        html.Div([
            dbc.Button("Run policy map", id="map-run", color="primary", size="sm", className="me-2"),
            dbc.Button("Cancel", id="map-cancel", color="secondary", size="sm", disabled=True),
            html.Span(id="map-note", className="ms-3 small text-muted"),
        ], className="my-3"),
        html.Div(dbc.Progress(id="map-progress", value=0, label="", striped=True, animated=True,
                              style={"height": "22px"}), id="map-progress-row", style=HIDDEN),
        html.Div(id="map-status", className="small text-muted my-2"),
        dcc.Store(id="map-axes"),
        dcc.Graph(id="map-graph", config={"displaylogo": False}, style={"height": "520px"},
                  figure={"layout": {"template": "plotly_white", "xaxis": {"visible": False},
                                     "yaxis": {"visible": False},
                                     "annotations": [{"text": "Pick two levers and run the map",
                                                      "showarrow": False}]}}),
        html.P("Click a cell to load that point into Explore.", className="small text-muted"),
    ], className="pt-3")


def compute_map(set_progress, n_clicks, x, y, metric, size, seeds, x_low, x_high, y_low, y_high,
                current):
    """The background job: sweep the grid on the shared executor and return the heatmap."""
    if not n_clicks:
        raise PreventUpdate
    started = time.monotonic()
    try:
        if x == y:
            raise ValueError("pick two different levers")
        if not current or current.get("error"):
            raise ValueError((current or {}).get("error") or "the scenario is not loaded yet")
        spec_x, spec_y = field_by_key(x), field_by_key(y)
        if spec_x is None or spec_y is None or metric not in METRICS:
            raise ValueError("pick levers and a metric from the lists")
        size = max(2, min(MAX_GRID, int(size or 2)))
        seeds = max(1, min(10, int(seeds or 1)))
        xs = axis_values(spec_x, size, x_low, x_high)
        ys = axis_values(spec_y, size, y_low, y_high)
        base = Scenario.from_dict(current["data"], source="dashboard settings")
    except (ValueError, ScenarioError) as exc:
        return no_update, no_update, dbc.Alert(str(exc), color="warning", className="py-1")

    def report(done: int, total: int) -> None:
        set_progress((100 * done / total, f"{done} / {total} runs"))

    grid = run_grid(runs.shared(), base, x, xs, y, ys, metric, seeds, Progress(report))
    fig = plot_heatmap(grid, x, y, metric)
    for spec, values, axis in ((spec_x, xs, "xaxis"), (spec_y, ys, "yaxis")):
        if spec.kind in ("float", "int") and len(values) > 1 and values[0] > 0 \
                and values[-1] / values[0] >= 100:
            fig.update_layout({axis: {"type": "log"}})
    axes = {"x": x, "y": y, "xs": xs, "ys": ys}
    status = (f"{len(xs)} × {len(ys)} points × {seeds} seeds of {current['label']} "
              f"in {time.monotonic() - started:.1f} s.")
    return fig, axes, status


def _matching(values: list[Any], shown: Any) -> Any:
    """The grid value a clicked heatmap coordinate stands for (plotly may send "0.5" for 0.5)."""
    for value in values:
        d = display(value)
        if str(d) == str(shown):
            return value
        if isinstance(d, (int, float)):
            try:
                if math.isclose(d, float(shown), rel_tol=1e-9):
                    return value
            except (TypeError, ValueError):
                continue
    return None


def register(app) -> None:
    app.callback(
        Output("map-graph", "figure"), Output("map-axes", "data"), Output("map-status", "children"),
        Input("map-run", "n_clicks"),
        State("map-x", "value"), State("map-y", "value"), State("map-metric", "value"),
        State("map-size", "value"), State("map-seeds", "value"),
        State("map-x-low", "value"), State("map-x-high", "value"),
        State("map-y-low", "value"), State("map-y-high", "value"),
        State("current-scenario", "data"),
        background=True,
        running=[(Output("map-run", "disabled"), True, False),
                 (Output("map-cancel", "disabled"), False, True),
                 (Output("map-progress-row", "style"), SHOWN, HIDDEN)],
        progress=[Output("map-progress", "value"), Output("map-progress", "label")],
        progress_default=[0, ""],
        cancel=[Input("map-cancel", "n_clicks")],
        prevent_initial_call=True,
    )(compute_map)

    @app.callback(Output("map-note", "children"), Input("map-cancel", "n_clicks"),
                  Input("map-run", "n_clicks"), prevent_initial_call=True)
    def note(cancelled, started):
        return "Cancelled." if ctx.triggered_id == "map-cancel" else ""

    @app.callback(Output("map-pick", "data"), Input("map-graph", "clickData"),
                  State("map-axes", "data"), prevent_initial_call=True)
    def pick(click, axes):
        if not click or not axes or not click.get("points"):
            raise PreventUpdate
        point = click["points"][0]
        xv, yv = _matching(axes["xs"], point.get("x")), _matching(axes["ys"], point.get("y"))
        if xv is None or yv is None:
            raise PreventUpdate
        return {axes["x"]: xv, axes["y"]: yv}

    @app.callback(
        Output("map-x-low", "placeholder"), Output("map-x-high", "placeholder"),
        Output("map-x-low", "disabled"), Output("map-x-high", "disabled"),
        Input("map-x", "value"))
    def x_range(key):
        return _range_hint(key)

    @app.callback(
        Output("map-y-low", "placeholder"), Output("map-y-high", "placeholder"),
        Output("map-y-low", "disabled"), Output("map-y-high", "disabled"),
        Input("map-y", "value"))
    def y_range(key):
        return _range_hint(key)


def _range_hint(key: str | None) -> tuple[str, str, bool, bool]:
    """Placeholders showing the schema's bounds; categorical levers take all their values."""
    spec = field_by_key(key) if key else None
    if spec is None or spec.kind not in ("float", "int"):
        return "all", "all", True, True
    return f"{spec.control_min:g}", f"{spec.high:g}", False, False
