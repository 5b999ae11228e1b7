"""Helpers shared by the sweep tests: small design files, the real command line, results on disk."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import polars as pl
import tomli_w

from aiecosim.experiments.store import SweepStore

REPO = Path(__file__).resolve().parents[2]
BASELINE = REPO / "scenarios" / "baseline.toml"
DESIGNS = REPO / "experiments" / "designs"
DASK = str(Path(sys.executable).with_name("dask"))  # the venv's dask command line

# Small populations and a short horizon: a run takes a few hundredths of a second.
SMALL = {"populations.startups.segments": 15, "populations.academics.count": 500,
         "populations.bad_actors.count": 1000}


def write_design(folder: Path, name: str = "small", **changes) -> Path:
    """A small grid over liability strength and subsidy: 4 points x 3 seeds, 12 months."""
    design = {
        "name": name, "scenario": str(BASELINE), "method": "grid", "seeds": 3, "months": 12,
        "outputs": ["innovation", "hhi", "misuse_harm"], "runs_per_task": 2, "set": dict(SMALL),
        "vary": {"policy.liability.strength": {"values": [0.0, 0.9]},
                 "policy.compute_subsidy.budget_usd_bn": {"min": 0.0, "max": 2.0, "levels": 2}},
    }
    design.update(changes)
    path = folder / f"{name}.toml"
    path.write_text(tomli_w.dumps(design))
    return path


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "aiecosim.cli.main", *map(str, args)]


def run_cli(*args: str, timeout: float = 120, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(cli(*args), cwd=REPO, capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})})


def results(out: Path) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Every recorded run and every monthly row, in a fixed order."""
    store = SweepStore(out)
    return store.runs(), store.series()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(condition, timeout: float, what: str, interval: float = 0.02) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"gave up waiting for {what} after {timeout} s")
        time.sleep(interval)


def stop(process: subprocess.Popen, timeout: float = 15) -> None:
    """End a process this test started with ``start_new_session=True``, and its group."""
    # Already gone, or slow to go: either way the SIGKILL below finishes the job.
    with contextlib.suppress(ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout)
    # Whatever of the group outlived the polite request (say, a worker's child process).
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout)


@contextmanager
def separate_scheduler_and_worker():
    """A real ``dask scheduler`` and ``dask worker`` on 127.0.0.1, started as this venv's
    command line; yields the address and the scheduler's process, and stops both."""
    from distributed import Client

    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    quiet = {"start_new_session": True, "stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    scheduler = subprocess.Popen(
        [DASK, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"], **quiet)
    worker = subprocess.Popen(
        [DASK, "worker", address, "--nworkers", "1", "--nthreads", "1", "--host", "127.0.0.1",
         "--no-dashboard", "--death-timeout", "60"], **quiet)
    try:
        with Client(address, timeout="30s", set_as_default=False) as client:
            client.wait_for_workers(1, timeout=60)
        yield address, scheduler
    finally:
        stop(worker)
        stop(scheduler)
