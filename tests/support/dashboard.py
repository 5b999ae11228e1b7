"""Helpers shared by the dashboard tests: headless Chromium, a real server, real files."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import tomli_w
from werkzeug.serving import make_server

REPO = Path(__file__).resolve().parents[2]
SCENARIOS = REPO / "scenarios"

# Debian's chromium in a container: no sandbox, no GPU, nothing that reaches the network.
CHROME_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run",
                "--window-size=1440,1000")

HAVE_BROWSER = bool(shutil.which("chromedriver")) and bool(
    shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome"))


def chrome_options():
    """The options dash[testing]'s ``dash_duo`` starts Chromium with (pytest gathers each
    ``pytest_setup_options`` hook's return value into the list dash reads)."""
    from selenium.webdriver.chrome.options import Options

    options = Options()
    for flag in CHROME_FLAGS:
        options.add_argument(flag)
    return options


def free_port() -> int:
    """A port nobody listens on now (other test runs on this machine use dash's 8050 and up)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def copy_scenarios(folder: Path) -> Path:
    """A private copy of the shipped scenario files, so tests may add files next to them."""
    target = folder / "scenarios"
    target.mkdir()
    for path in SCENARIOS.glob("*.toml"):
        shutil.copy(path, target / path.name)
    return target


def aiecosim(*args: str, cwd: Path | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    """The real command line, in a fresh process."""
    exe = Path(sys.executable).with_name("aiecosim")
    return subprocess.run([str(exe), *args], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout)


def make_sweep(results: Path, name: str = "small") -> Path:
    """A real sweep folder from ``aiecosim sweep``: 2 x 2 points, 2 seeds, 12 months."""
    design = {
        "name": name, "scenario": str(SCENARIOS / "baseline.toml"), "method": "grid",
        "seeds": 2, "months": 12, "outputs": ["innovation", "hhi", "misuse_harm"],
        "set": {"populations.startups.segments": 15, "populations.academics.count": 500,
                "populations.bad_actors.count": 1000},
        "vary": {"policy.liability.strength": {"values": [0.0, 0.9]},
                 "policy.compute_subsidy.budget_usd_bn": {"values": [0.0, 2.0]}},
    }
    design_file = results.parent / f"{name}-design.toml"
    design_file.write_text(tomli_w.dumps(design))
    out = results / name
    done = aiecosim("sweep", str(design_file), "--out", str(out), "--workers", "1", timeout=300)
    assert done.returncode == 0, done.stderr
    return out


class ServerThread:
    """The dashboard served by a real WSGI server on 127.0.0.1 in a background thread."""

    def __init__(self, app) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._server = make_server("127.0.0.1", self.port, app.server, threaded=True)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> "ServerThread":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._thread.join(timeout=10)


def explore_payload(settings: dict) -> dict:
    """The request the browser sends when Explore's settings change."""
    from aiecosim.dashboard.views.explore import KEY_METRICS, graph_id

    outputs = [{"id": graph_id(m), "property": "figure"} for m in KEY_METRICS]
    outputs += [{"id": i, "property": "children"}
                for i in ("explore-table", "explore-status", "explore-error")]
    return {"output": ".." + "...".join(f"{o['id']}.{o['property']}" for o in outputs) + "..",
            "outputs": outputs, "changedPropIds": ["explore-settings.data"], "state": [],
            "inputs": [{"id": "explore-settings", "property": "data", "value": settings}]}


def upload_payload(contents: str, filename: str) -> dict:
    """The request the browser sends when a file is dropped on the upload area."""
    outputs = [{"id": "upload-message", "property": "children"},
               {"id": "upload-accepted", "property": "data"}]
    sent = {"filename": filename, "contents": contents}  # as the browser's size check passes it on
    return {"output": "..upload-message.children...upload-accepted.data..", "outputs": outputs,
            "changedPropIds": ["upload-file.data"], "state": [],
            "inputs": [{"id": "upload-file", "property": "data", "value": sent}]}


def screenshot_dir(tmp_path: Path) -> Path:
    """Where browser tests save their screenshots: ``$AIECOSIM_SCREENSHOTS`` (e.g. docs/images,
    to refresh the README's pictures) or the test's own temporary folder."""
    folder = Path(os.environ.get("AIECOSIM_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def wait_until(condition, timeout: float = 30, every: float = 0.2, message: str = ""):
    """Poll ``condition`` until it returns something truthy; fail after ``timeout`` seconds.

    An element Dash re-renders between being found and being read raises a stale-element
    error; that is "not yet", so the condition is polled again.
    """
    from selenium.common.exceptions import StaleElementReferenceException

    deadline = time.monotonic() + timeout
    while True:
        try:
            value = condition()
        except StaleElementReferenceException:
            value = None
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s: {message}")
        time.sleep(every)
