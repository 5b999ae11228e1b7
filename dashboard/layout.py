"""The page: a sidebar with the world's settings, and one tab per view.

The layout is a function so that each visit lists the scenario files and sweep folders present
now. Stores hold the state the callbacks share (see ``dashboard.sync``).
"""

from __future__ import annotations

from pathlib import Path

import dash_bootstrap_components as dbc
from dash import dcc, html

from aiecosim.dashboard.sources import list_scenarios
from aiecosim.dashboard.state import MAX_SEEDS, VIEW_DEFAULTS
from aiecosim.dashboard.views import explore, policy_map, results, scenario_io


def sidebar(scenarios_dir: Path) -> html.Div:
    names = list_scenarios(scenarios_dir)
    options = [{"label": n.removesuffix(".toml"), "value": n} for n in names]
    return html.Div([
        html.H6("World"),
        dbc.Label("Scenario", html_for="scenario-picker", className="small mb-0 fw-semibold"),
        dcc.Dropdown(id="scenario-picker", options=options, value=VIEW_DEFAULTS["scenario"],
                     clearable=False),
        dbc.FormText("A file from scenarios/; levers below start from its values.",
                     className="d-block mb-2", style={"fontSize": "0.72rem"}),
        dbc.Label("Compare with", html_for="reference-picker", className="small mb-0 fw-semibold"),
        dcc.Dropdown(id="reference-picker", options=options, value=VIEW_DEFAULTS["reference"],
                     clearable=False),
        dbc.Label("Spread over", html_for="spread", className="small mb-0 mt-2 fw-semibold"),
        dbc.RadioItems(id="spread", value=VIEW_DEFAULTS["spread"], inline=True,
                       className="small", options=[
                           {"label": "seeds", "value": "seeds"},
                           {"label": "plausible worlds", "value": "worlds"}]),
        dbc.Label("How many", html_for="seeds", className="small mb-0 fw-semibold"),
        dbc.Input(id="seeds", type="number", min=1, max=MAX_SEEDS, step=1,
                  value=VIEW_DEFAULTS["seeds"], debounce=True, size="sm"),
        dbc.FormText("Seeds: the scenario's own values, seeds 1..N; bands are Monte Carlo "
                     "error (95%). Plausible worlds: N parameter sets the 2023 evidence allows "
                     "(the shipped posterior), each with its own seed; bands are 90% over worlds.",
                     className="d-block mb-2", style={"fontSize": "0.72rem"}),
        html.Div(id="controls", children=dbc.Spinner(size="sm")),
    ], id="sidebar", className="p-3 bg-light border-end",
        style={"height": "calc(100vh - 56px)", "overflowY": "auto", "position": "sticky", "top": 0})


def build(scenarios_dir: Path, results_dir: Path) -> html.Div:
    """The whole page."""
    tabs = dbc.Tabs([
        dbc.Tab(explore.layout(), label="Explore", tab_id="explore"),
        dbc.Tab(policy_map.layout(), label="Policy map", tab_id="map"),
        dbc.Tab(scenario_io.layout(), label="Scenario", tab_id="scenario"),
        dbc.Tab(results.layout(results_dir), label="Results", tab_id="results"),
    ], id="tabs", active_tab=VIEW_DEFAULTS["view"])
    return html.Div([
        dcc.Location(id="url", refresh=False),
        dcc.Store(id="settings"),           # the whole state: view settings and overrides
        dcc.Store(id="explore-settings"),   # what the Explore view depends on, changed only when it does
        dcc.Store(id="controls-source"),    # set when the sidebar must be redrawn
        dcc.Store(id="current-scenario"),   # the picked scenario with overrides, resolved
        dcc.Store(id="map-pick"),           # a clicked policy-map cell
        dcc.Store(id="pareto-pick"),        # a clicked policy of a front
        dcc.Store(id="upload-accepted"),    # a validated upload, as scenario plus overrides
        dbc.Navbar(dbc.Container([
            dbc.NavbarBrand("aiecosim · open-weight vs API-only ecosystems"),
            html.Span("policy lever explorer", className="text-white-50 small"),
        ], fluid=True), color="dark", dark=True, style={"height": "56px"}),
        dbc.Row([
            dbc.Col(sidebar(scenarios_dir), width=4, lg=3, className="p-0"),
            dbc.Col([html.Div(id="notice"), tabs], width=8, lg=9, className="p-3"),
        ], className="g-0"),
    ])
