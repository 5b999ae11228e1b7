"""How long the dashboard's Explore figure takes to come back, measured over real HTTP.

Serves the dashboard on 127.0.0.1 in this process and posts the request a browser sends when
Explore's settings change, for 10 seeds of the baseline against the baseline:

- cold: nothing simulated yet (the worker pool already started, as ``aiecosim dashboard`` does);
- runs cached: the runs in memory, the seven figures drawn afresh;
- repeat: runs and figures cached; this is also the first visitor's wait for the default view,
  which ``aiecosim dashboard`` prepares at start-up;
- new lever value: liability strength 0.5, ten new runs, the reference cached.

Usage: ``.venv/bin/python benchmarks/bench_dashboard.py [--seeds 10]``. Times are wall-clock on
the loopback interface, so they are the server's time plus well under a millisecond.
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import tempfile
import threading
import time
from pathlib import Path

import requests
from werkzeug.serving import make_server

from aiecosim.dashboard import runs
from aiecosim.dashboard.app import create_app
from aiecosim.dashboard.views import explore
from aiecosim.dashboard.views.explore import KEY_METRICS, graph_id


def payload(settings: dict) -> dict:
    outputs = [{"id": graph_id(m), "property": "figure"} for m in KEY_METRICS]
    outputs += [{"id": i, "property": "children"}
                for i in ("explore-table", "explore-status", "explore-error")]
    return {"output": ".." + "...".join(f"{o['id']}.{o['property']}" for o in outputs) + "..",
            "outputs": outputs, "changedPropIds": ["explore-settings.data"], "state": [],
            "inputs": [{"id": "explore-settings", "property": "data", "value": settings}]}


def timed(url: str, settings: dict) -> tuple[float, float]:
    """(request seconds, of which the Explore callback's own computing seconds)."""
    started = time.perf_counter()
    reply = requests.post(url, json=payload(settings), timeout=300)
    elapsed = time.perf_counter() - started
    reply.raise_for_status()
    status = reply.json()["response"]["explore-status"]["children"]
    computing = float(re.search(r"([\d.]+) s$", status).group(1))
    return elapsed, computing


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10)
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request

    with tempfile.TemporaryDirectory(prefix="aiecosim-bench-") as folder:
        app = create_app(cache_dir=Path(folder) / "jobs", results_dir=Path(folder))
        started = time.perf_counter()
        runs.shared().start().result()  # as the server does at start-up, before any request
        pool_seconds = time.perf_counter() - started

        server = make_server("127.0.0.1", 0, app.server, threaded=True)
        url = f"http://127.0.0.1:{server.server_port}/_dash-update-component"
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = {"scenario": "baseline.toml", "reference": "baseline.toml", "seeds": args.seeds,
                "overrides": {}}
        rows = [("cold: baseline vs baseline", *timed(url, base))]
        explore._drawn.clear()  # forget the figures, keep the runs
        rows += [("runs cached, figures drawn", *timed(url, base)),
                 ("repeat (= default view after warm-up)", *timed(url, base)),
                 ("new lever value: liability 0.5", *timed(
                     url, {**base, "overrides": {"policy.liability.strength": 0.5}}))]
        server.shutdown()

    print(f"dashboard Explore, {args.seeds} seeds, {runs.shared().workers} worker processes "
          f"on {os.cpu_count()} cores (pool start and model import: {pool_seconds:.1f} s)")
    print(f"{'request':38} {'server s':>9} {'computing s':>12}")
    for name, elapsed, computing in rows:
        print(f"{name:38} {elapsed:9.2f} {computing:12.2f}")
    runs.shared().close()


if __name__ == "__main__":
    main()
