"""How long the dashboard's Explore figure takes to come back, measured over real HTTP.

Starts ``aiecosim dashboard`` in a subprocess on 127.0.0.1, exactly as a user does (its worker
pool started and the default view prepared at start-up), and posts the request a browser sends
when Explore's settings change, for N seeds of the baseline:

- first request: the default view (baseline against baseline), waiting out the start-up warm-up;
- repeat: runs and figures cached, which is every later visitor's wait for the default view;
- runs cached, figures drawn: the same runs against a copy of the baseline under another name;
- cold: a new lever value (liability strength 0.5), N new runs, the reference cached.

The server is driven from outside, so this measures what a browser waits for and imports
nothing of the dashboard. Usage: ``.venv/bin/python benchmarks/bench_dashboard.py [--seeds 10]``.
Times are wall-clock on the loopback interface, so they are the server's time plus well under a
millisecond.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

from aiecosim.model.catalogue import shipped

START_SECONDS = 180


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(folder: Path, port: int) -> subprocess.Popen:
    """``aiecosim dashboard`` on ``port``, offering the shipped scenarios copied to ``folder``."""
    for path in shipped():
        shutil.copy(path, folder / path.name)
    shutil.copy(folder / "baseline.toml", folder / "baseline-copy.toml")  # same world, new name
    return subprocess.Popen([sys.executable, "-m", "aiecosim.cli.main", "dashboard", "--port",
                             str(port), "--scenarios", str(folder), "--results", str(folder)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def wait_until_up(base: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the dashboard exited: {server.stderr.read().strip()[-500:]}")
        try:
            if requests.get(base + "/", timeout=5).ok:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"the dashboard did not answer within {START_SECONDS} s")


def explore_outputs(base: str) -> str:
    """The output string of the callback Explore's settings drive, from the app's own list."""
    for dependency in requests.get(base + "/_dash-dependencies", timeout=30).json():
        if {"id": "explore-settings", "property": "data"} in dependency["inputs"]:
            return dependency["output"]
    raise SystemExit("no callback takes explore-settings.data")


def payload(output: str, settings: dict) -> dict:
    outputs = [dict(zip(("id", "property"), part.rsplit(".", 1)))
               for part in output.strip(".").split("...")]
    return {"output": output, "outputs": outputs, "changedPropIds": ["explore-settings.data"],
            "state": [], "inputs": [{"id": "explore-settings", "property": "data",
                                     "value": settings}]}


def timed(url: str, output: str, settings: dict) -> tuple[float, float]:
    """(request seconds, of which the Explore callback's own computing seconds)."""
    started = time.perf_counter()
    reply = requests.post(url, json=payload(output, settings), timeout=300)
    elapsed = time.perf_counter() - started
    reply.raise_for_status()
    status = reply.json()["response"]["explore-status"]["children"]
    computing = float(re.search(r"([\d.]+) s$", status).group(1))
    return elapsed, computing


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="aiecosim-bench-") as folder:
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        started = time.perf_counter()
        server = serve(Path(folder), port)
        try:
            wait_until_up(base, server)
            up_seconds = time.perf_counter() - started
            output, url = explore_outputs(base), base + "/_dash-update-component"
            view = {"scenario": "baseline.toml", "reference": "baseline.toml",
                    "seeds": args.seeds, "overrides": {}}
            rows = [("first request (waits for the warm-up)", *timed(url, output, view)),
                    ("repeat (= default view after warm-up)", *timed(url, output, view)),
                    ("runs cached, figures drawn", *timed(
                        url, output, {**view, "reference": "baseline-copy.toml"})),
                    ("cold: liability 0.5, reference cached", *timed(
                        url, output, {**view, "overrides": {"policy.liability.strength": 0.5}}))]
        finally:
            server.terminate()  # SIGTERM: the server exits through atexit, stopping its pool
            server.wait(30)

    print(f"dashboard Explore, {args.seeds} seeds, worker pool of {os.cpu_count()} processes "
          f"(server answering {up_seconds:.1f} s after start)")
    print(f"{'request':40} {'server s':>9} {'computing s':>12}")
    for name, elapsed, computing in rows:
        print(f"{name:40} {elapsed:9.2f} {computing:12.2f}")


if __name__ == "__main__":
    main()
