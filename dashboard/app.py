"""Building the Dash app: layout, callbacks and the background-job manager, wired together."""

from __future__ import annotations

import threading
from pathlib import Path

from dash import Dash, Input, Output
from dash.exceptions import PreventUpdate

from aiecosim.dashboard import controls, layout, runs, sync
from aiecosim.dashboard.manager import make_manager
from aiecosim.dashboard.sources import SCENARIOS, load_scenario
from aiecosim.dashboard.state import VIEW_DEFAULTS
from aiecosim.dashboard.views import explore, pareto, policy_map, results, scenario_io
from aiecosim.model.errors import ScenarioError

# Uploads are capped at 1 MB by the app; base64 and the JSON around it add about a third.
# Anything far beyond that is refused by the web server before it is read into memory.
MAX_REQUEST_BYTES = 4 * 1024 * 1024


def create_app(scenarios_dir: Path = SCENARIOS, results_dir: Path | None = None,
               cache_dir: Path | None = None, warm: bool = False) -> Dash:
    """The dashboard as a Dash app (not yet serving).

    Args:
        scenarios_dir: the folder the scenario picker lists; no other scenario file is read.
        results_dir: the folder whose sweep folders the Results view may open.
        cache_dir: where background jobs keep their results (a new temporary folder by default).
        warm: prepare the default Explore view in the background, so the first visit is quick.
    """
    scenarios_dir = Path(scenarios_dir).resolve()
    results_dir = Path(results_dir or Path.cwd() / "results").resolve()
    app = Dash(
        # Bootstrap's stylesheet is served from dashboard/assets/, not a CDN: the dashboard must
        # work on machines without internet access (it is Bootstrap 5.3, which dbc 2 targets).
        __name__, title="aiecosim dashboard",
        background_callback_manager=make_manager(cache_dir),
        suppress_callback_exceptions=True,  # the sidebar's controls appear after the first draw
    )
    app.server.config["MAX_CONTENT_LENGTH"] = MAX_REQUEST_BYTES
    app.layout = lambda: layout.build(scenarios_dir, results_dir)

    sync.register(app, scenarios_dir)
    explore.register(app, scenarios_dir)
    policy_map.register(app)
    scenario_io.register(app, scenarios_dir)
    results.register(app, results_dir)
    pareto.register(app, scenarios_dir, results_dir)

    @app.callback(Output("controls", "children"), Input("controls-source", "data"))
    def redraw_controls(source):
        if not source:
            raise PreventUpdate
        scenario = load_scenario(source["scenario"], scenarios_dir)
        try:
            resolved = scenario.with_overrides(source["overrides"]) if source["overrides"] else scenario
        except ScenarioError:
            resolved = scenario  # the notice and Explore show the error; controls show the file
        return controls.panel(resolved, resolved.to_dict())

    runs.shared().start()
    if warm:
        threading.Thread(target=_warm_up, args=(scenarios_dir,), daemon=True).start()
    return app


def _warm_up(scenarios_dir: Path) -> None:
    """Simulate and draw the default Explore view (baseline against baseline) in advance, so
    the first visitor does not wait for it."""
    default = {"scenario": VIEW_DEFAULTS["scenario"], "reference": VIEW_DEFAULTS["reference"],
               "seeds": VIEW_DEFAULTS["seeds"],
               "spread": VIEW_DEFAULTS["spread"], "overrides": {}}
    try:
        explore.compute(default, scenarios_dir)
    except ScenarioError:
        pass  # no baseline.toml in this folder: nothing to prepare
