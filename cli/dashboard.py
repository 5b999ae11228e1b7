"""``aiecosim dashboard``: serve the dashboard, on this machine only unless told otherwise."""

from __future__ import annotations

import errno
import logging
import signal
import socket
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from aiecosim.dashboard.sources import SCENARIOS


def _check_port(host: str, port: int) -> None:
    """Refuse a port another program holds, or a host this machine cannot bind, as one line;
    the web server itself would print two lines and exit 1 after the app had started."""
    from aiecosim.model.errors import ScenarioError

    family = socket.AF_INET6 if ":" in host else socket.AF_INET  # as werkzeug chooses
    try:
        address = socket.getaddrinfo(host, port, family, socket.SOCK_STREAM)[0][4]
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            # As the server binds: a port a closed server left in TIME_WAIT is free to reuse.
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(address)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        if exc.errno == errno.EADDRINUSE:
            raise ScenarioError("--port", str(port), f"in use by another program on {host}; "
                                "stop it or choose another port with --port N") from None
        raise ScenarioError("--host", host, f"cannot listen on {host}:{port}: {reason}") from None


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
        from aiecosim.model.errors import ScenarioError

        if not scenarios.is_dir():
            raise ScenarioError(str(scenarios), "", "expected a folder of scenario files")
        _check_port(host, port)  # before the app and its run pool start

        from aiecosim.dashboard.app import create_app

        web = create_app(scenarios_dir=scenarios, results_dir=results, warm=True)
        # A plain `kill` should clean up like Ctrl+C: exit through atexit, which stops the pool.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
        print(f"aiecosim dashboard on http://{host}:{port}/ (Ctrl+C to stop)")
        # Debug off: no reloader, no in-browser tracebacks, no code execution from the page.
        web.run(host=host, port=port, debug=False, threaded=True)
