"""Run a sweep on Dask distributed and stream each task's results to disk as it finishes.

The driver computes the points, submits a bounded window of tasks (so neither the driver nor
the scheduler ever holds more than a few tasks' results), writes each finished task's two
parquet files, and submits the next. Workers get everything they need in the task itself, so a
worker that dies is simply replaced and its task rerun by Dask, with the same result.
"""

from __future__ import annotations

import os
import platform
import resource
import sys
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterator

import polars as pl

from aiecosim.experiments.cluster import WORKER_WAIT_SECONDS, dask_client
from aiecosim.experiments.folder_lock import folder_lock
from aiecosim.experiments.experiment import Experiment
from aiecosim.experiments.plan import Run, group, plan_runs, task_size
from aiecosim.experiments.progress import run_progress
from aiecosim.experiments.sweep_manifest import sweep_manifest
from aiecosim.experiments.store import SweepStore
from aiecosim.experiments.worker import Task, run_task

IN_FLIGHT_PER_WORKER = 2  # one running, one queued: workers never wait for the driver
POLL_SECONDS = 2.0


@dataclass
class SweepOutcome:
    """What a session did, and the state of the whole sweep afterwards."""

    store: SweepStore
    total: int
    done_before: int
    ran: int = 0
    workers: int = 0
    seconds: float = 0.0
    lost: list[str] = field(default_factory=list)  # one line per task Dask could not finish
    lost_runs: int = 0
    failures: pl.DataFrame = field(default_factory=pl.DataFrame)  # failed runs, all sessions
    scheduler_lost: bool = False  # the connection to the scheduler was lost for good
    workers_gone: float = 0.0  # seconds the cluster had no worker before the session gave up
    warnings: list[str] = field(default_factory=list)  # parts set aside on resume, one line each

    @property
    def complete(self) -> bool:
        return (self.lost_runs == 0 and self.failures.is_empty() and not self.scheduler_lost
                and not self.workers_gone)


def run_sweep(experiment: Experiment, out: str | Path, *, workers: int | None = None,
              scheduler: str | None = None, require_existing: bool = False,
              worker_wait: float = WORKER_WAIT_SECONDS,
              console=None, progress: bool = True) -> SweepOutcome:
    """Run every run of ``experiment`` not yet in ``out``; see the module docstring.

    Args:
        experiment: the loaded design.
        out: the results folder (created, or resumed when it holds the same design).
        workers: worker processes of the local cluster (default: one per core).
        scheduler: address of an existing Dask scheduler instead of a local cluster.
        require_existing: refuse unless ``out`` already holds this sweep (``--resume``).
        worker_wait: seconds to wait for a worker when the cluster has none, at the start or
            midway, before the session ends (the sweep resumes later).
    """
    started = time.perf_counter()
    points = experiment.points()
    frame = experiment.points_frame(points)
    store = SweepStore(out)
    manifest = sweep_manifest(experiment, len(points))
    store.check(manifest, frame, require_existing)  # refuse a wrong folder before writing
    existed = store.root.exists()
    store.root.mkdir(parents=True, exist_ok=True)
    with folder_lock(store.root):
        try:
            outcome = _session(experiment, store, manifest, frame, points, workers, scheduler,
                               require_existing, worker_wait, console, progress)
        except BaseException:  # nothing ran: leave the folder as it was (or not at all)
            store.remove_new(existed)
            raise
    outcome.seconds = time.perf_counter() - started
    return outcome


def _session(experiment: Experiment, store: SweepStore, manifest: dict, frame: pl.DataFrame,
             points: list[dict], workers: int | None, scheduler: str | None,
             require_existing: bool, worker_wait: float, console, progress: bool) -> SweepOutcome:
    """One session with the folder's lock held: resume or start, run what is missing, record."""
    started = time.perf_counter()
    warnings = store.prepare(manifest, frame, require_existing)
    if console is not None:
        for line in warnings:
            console.print(f"aiecosim: warning: {line}", markup=False, highlight=False, soft_wrap=True)
    runs = plan_runs(len(points), experiment.seeds())
    done = store.done_runs()
    missing = [r for r in runs if r.run not in done]
    outcome = SweepOutcome(store, total=len(runs), done_before=len(done), warnings=warnings)
    session = {"started": _now(), "load_average_start": _load()}
    if missing:
        with dask_client(workers, scheduler, worker_wait) as client:
            outcome.workers = len(client.scheduler_info()["workers"])
            size = experiment.design.runs_per_task or task_size(len(missing), outcome.workers)
            scenario = experiment.scenario.to_dict()
            tasks = (_task(experiment, scenario, points, batch) for batch in group(missing, size))
            with run_progress(len(runs), len(done), console, progress) as advance:
                compute, cpu = time.perf_counter(), _cpu_seconds()
                _execute(client, tasks, store, frame, outcome, advance, worker_wait)
                session["compute_seconds"] = time.perf_counter() - compute
                session["driver_cpu_compute_seconds"] = _cpu_seconds() - cpu
            session.update(task_runs=size, scheduler=scheduler or "local")
    outcome.failures = store.failed_runs()
    session.update(finished=_now(), seconds=time.perf_counter() - started,
                   workers=outcome.workers, runs_ran=outcome.ran, runs_lost=outcome.lost_runs,
                   lost=outcome.lost, scheduler_lost=outcome.scheduler_lost,
                   workers_gone_seconds=outcome.workers_gone, set_aside=warnings,
                   load_average_end=_load(), host=platform.node(),
                   driver_cpu_seconds=_cpu_seconds(), driver_peak_rss_mb=_peak_rss_mb())
    store.write_session(f"{session['started'].replace(':', '')}-{os.getpid()}", session)
    return outcome


def _task(experiment: Experiment, scenario: dict, points: list[dict], batch: list[Run]) -> Task:
    return Task(
        task_id=f"task-{batch[0].run:08d}",
        scenario=scenario,
        runs=tuple((r.run, r.point, r.seed, experiment.overrides(points[r.point])) for r in batch),
        outputs=tuple(experiment.design.outputs),
        summary_months=experiment.design.summary_months,
    )


def _execute(client, tasks: Iterator[Task], store: SweepStore, points: pl.DataFrame,
             outcome: SweepOutcome, advance: Callable[[int], None], worker_wait: float) -> None:
    """Keep a bounded window of tasks in flight; write each result as it arrives.

    Waits in short slices rather than blocking, so that a scheduler that disappears ends the
    session (the client gives up reconnecting and closes) instead of hanging it, and so does a
    cluster left without workers for ``worker_wait`` seconds (Dask would wait for one forever).
    """
    from distributed import wait
    from distributed.client import FuturesCancelledError

    token = uuid.uuid4().hex[:8]
    in_flight: dict[str, tuple[object, Task]] = {}

    def submit_next() -> None:
        task = next(tasks, None)
        if task is not None:
            future = client.submit(run_task, task, key=f"aiecosim-{task.task_id}-{token}")
            in_flight[future.key] = (future, task)

    for _ in range(max(outcome.workers, 1) * IN_FLIGHT_PER_WORKER + 1):
        submit_next()
    without_workers_since: float | None = None
    with client.as_current():
        while in_flight:
            try:
                done, _ = wait([f for f, _ in in_flight.values()], timeout=POLL_SECONDS,
                               return_when="FIRST_COMPLETED")
            except TimeoutError:
                done = set()
            except FuturesCancelledError:  # only a lost scheduler cancels our futures
                outcome.scheduler_lost = True
                return
            if client.status in ("closing", "closed"):
                outcome.scheduler_lost = True
                return
            if not done and client.scheduler_info()["workers"]:
                without_workers_since = None
            elif not done:
                without_workers_since = without_workers_since or time.monotonic()
                if time.monotonic() - without_workers_since >= worker_wait:
                    outcome.workers_gone = time.monotonic() - without_workers_since
                    return
            for future in done:
                _, task = in_flight.pop(future.key)
                _collect(future, task, store, points, outcome, advance)
                submit_next()


def _collect(future, task: Task, store: SweepStore, points: pl.DataFrame,
             outcome: SweepOutcome, advance: Callable[[int], None]) -> None:
    """Write a finished task's results, or record it as lost when Dask could not run it."""
    try:
        result = future.result()
    except Exception as exc:  # e.g. KilledWorker: the task took down workers repeatedly
        message = f"{type(exc).__name__}: {exc}".splitlines()[0][:300]
        outcome.lost.append(f"{task.task_id} ({len(task.runs)} runs): {message}")
        outcome.lost_runs += len(task.runs)
    else:
        store.write_task(task.task_id, _with_points(result.summary, points), result.series)
        outcome.ran += len(task.runs)
        advance(len(task.runs))
    finally:
        future.release()


def _with_points(summary: pl.DataFrame, points: pl.DataFrame) -> pl.DataFrame:
    """The per-run rows with each point's label and lever values, levers before outputs."""
    joined = summary.join(points, on="point", how="left")
    head = ["run", "point", "seed", *points.columns[1:], "status", "error"]
    return joined.select(head + [c for c in summary.columns if c not in head])


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _load() -> float:
    return os.getloadavg()[0]


def _cpu_seconds() -> float:
    """CPU time of the driver itself (the local scheduler runs in it; workers are children)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10  # bytes on macOS, KiB on Linux
