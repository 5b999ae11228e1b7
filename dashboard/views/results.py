"""Results: open a folder written by ``aiecosim sweep`` and browse its figures, or one written
by ``aiecosim optimize`` and browse its front (``views/pareto.py``).

The figures are the report's (``aiecosim report``): the same analysis functions feeding the same
figure functions, one metric at a time. Only folders inside the results folder the dashboard was
started with can be opened, whatever is typed.
"""

from __future__ import annotations

from pathlib import Path

import dash_bootstrap_components as dbc
from dash import Input, Output, dcc, html

from aiecosim.dashboard.sources import list_results, results_path
from aiecosim.dashboard.views import pareto
from aiecosim.experiments.analysis import load_sweep, phase_grid, point_means, sensitivity, time_bands
from aiecosim.experiments.figures import plot_bands, plot_heatmap, plot_sensitivity
from aiecosim.experiments.front_store import is_front, read_front
from aiecosim.model.errors import ScenarioError


def layout(results_dir: Path) -> html.Div:
    found = list_results(results_dir)
    return html.Div([
        dbc.Label(f"Sweep folder, inside {results_dir.name}/ (the folder given with --results)",
                  html_for="results-folder", className="small fw-semibold mb-0"),
        dbc.InputGroup([
            dbc.Input(id="results-folder", placeholder=found[0] if found else "e.g. liability",
                      list="results-found", debounce=True, size="sm"),
            dbc.InputGroupText(f"{len(found)} found"),
        ], size="sm"),
        html.Datalist([html.Option(value=f) for f in found], id="results-found"),
        html.Div(id="results-message", className="mt-2"),
        dbc.Row([
            dbc.Col([dbc.Label("Metric", className="small mb-0"),
                     dcc.Dropdown(id="results-metric", clearable=False)], md=4),
        ], className="my-2"),
        dcc.Loading(html.Div(id="results-figures"), delay_show=300),
    ], className="pt-3")


def _provenance(sweep) -> html.Div:
    m = sweep.manifest
    runs = sweep.runs
    ok = int((runs["status"] == "ok").sum()) if len(runs) else 0
    levers = ", ".join(v["key"] for v in m.get("variables", [])) or "none"
    return dbc.Alert([
        html.B(m.get("name", "sweep")), f" · {m['design']['method']} design · levers: {levers} · ",
        f"{m.get('points', '?')} points · {ok} of {m.get('runs', '?')} runs ok · ",
        f"scenario {m['scenario']['name']} (digest {m['scenario']['digest']})",
    ], color="light", className="small py-2", id="results-provenance")


def figures(folder: Path, metric: str) -> list:
    """The report's figures of one metric: bands over time, phase diagram, sensitivity."""
    sweep = load_sweep(folder).with_metrics([metric])
    if not len(sweep.ok_runs):
        return [html.P("No successful runs yet: nothing to plot.", className="small")]
    graphs = [plot_bands(time_bands(sweep, [metric]), metric)]
    numeric = [v.key for v in sweep.variables if v.numeric]
    if len(numeric) >= 2:
        x, y = numeric[:2]
        graphs.append(plot_heatmap(phase_grid(point_means(sweep, [metric]), x, y, metric),
                                   x, y, metric))
    if sweep.manifest["design"]["method"] in ("sobol", "morris"):
        graphs.append(plot_sensitivity(sensitivity(sweep, metric), metric))
    return [dcc.Graph(figure=g.update_layout(height=420), id=f"results-graph-{i}",
                      config={"displaylogo": False}) for i, g in enumerate(graphs)]


def register(app, results_dir: Path) -> None:
    @app.callback(Output("results-message", "children"), Output("results-metric", "options"),
                  Output("results-metric", "value"), Input("results-folder", "value"))
    def open_folder(typed):
        if not typed:
            return html.P("Pick a sweep folder to browse its figures.", className="small text-muted"), [], None
        try:
            folder = results_path(typed, results_dir)
            if is_front(folder):  # a policy search's front: no metrics to pick
                return pareto.provenance(read_front(folder)), [], None
            sweep = load_sweep(folder)
        except (ValueError, ScenarioError) as exc:
            return dbc.Alert(str(exc), color="danger", id="results-error", className="py-2"), [], None
        # The design's outputs first, then every other metric whose series the folder keeps.
        metrics = sweep.metrics
        return _provenance(sweep), metrics, sweep.outputs[0] if sweep.outputs else None

    @app.callback(Output("results-figures", "children"), Input("results-metric", "value"),
                  Input("results-folder", "value"))
    def draw(metric, typed):
        if not typed:
            return []
        try:
            folder = results_path(typed, results_dir)
            if is_front(folder):
                return pareto.figures(read_front(folder))
            if not metric:
                return []
            return figures(folder, metric)
        except (ValueError, ScenarioError):
            return []  # the message above the figures already says why
