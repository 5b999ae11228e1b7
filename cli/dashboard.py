"""``aiecosim dashboard``: serve the dashboard, on this machine only unless told otherwise."""

from __future__ import annotations

import logging
import signal
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from aiecosim.dashboard.sources import SCENARIOS


def register(app: typer.Typer) -> None:
    @app.command()
    def dashboard(
        port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8050,
        host: Annotated[str, typer.Option(
            help="Address to bind; the default serves this machine only.")] = "127.0.0.1",
        results: Annotated[Optional[Path], typer.Option(
            help="Folder holding sweep output folders for the Results view "
                 "(default: ./results).")] = None,
        scenarios: Annotated[Path, typer.Option(
            help="Folder of scenario files the picker offers.")] = SCENARIOS,
    ) -> None:
        """Serve the interactive dashboard for exploring policy levers."""
        from aiecosim.dashboard.app import create_app

        if not scenarios.is_dir():
            from aiecosim.model.errors import ScenarioError

            raise ScenarioError(str(scenarios), "", "expected a folder of scenario files")
        web = create_app(scenarios_dir=scenarios, results_dir=results, warm=True)
        # A plain `kill` should clean up like Ctrl+C: exit through atexit, which stops the pool.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
        print(f"aiecosim dashboard on http://{host}:{port}/ (Ctrl+C to stop)")
        # Debug off: no reloader, no in-browser tracebacks, no code execution from the page.
        web.run(host=host, port=port, debug=False, threaded=True)
