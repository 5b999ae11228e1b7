"""Runs and tasks: every (point, seed) pair gets a fixed run number; tasks group runs for Dask.

Run numbers and seeds come from the design alone, never from which worker runs what, so the
same design gives the same results with any number of workers and at every resume. How runs
are grouped into tasks does not change any result; only what is already on disk does.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

# A baseline run takes about half a second; 16 runs keep Dask's per-task cost (milliseconds)
# and the driver's per-task parquet writes negligible while leaving tasks to balance workers.
MAX_TASK_RUNS = 16
TASKS_PER_WORKER = 8


@dataclass(frozen=True)
class Run:
    run: int
    point: int
    seed: int


def plan_runs(n_points: int, seeds: list[int]) -> list[Run]:
    """Point-major order; every point uses the same seeds (common random numbers)."""
    return [Run(point * len(seeds) + i, point, seed)
            for point in range(n_points) for i, seed in enumerate(seeds)]


def task_size(n_runs: int, workers: int) -> int:
    """Runs per task: enough tasks per worker to balance the load, at most MAX_TASK_RUNS."""
    return max(1, min(MAX_TASK_RUNS, math.ceil(n_runs / (max(workers, 1) * TASKS_PER_WORKER))))


def group(runs: list[Run], size: int) -> list[list[Run]]:
    return [runs[i:i + size] for i in range(0, len(runs), size)]
