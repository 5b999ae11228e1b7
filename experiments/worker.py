"""What a Dask worker does with one task: simulate its runs and return two small tables.

Each run is ``backends.run_one``, the same single run every executor backend computes.

A run that raises (say, a combination of levers the model rejects), or whose metrics hold a NaN
or an infinity, becomes a row with status ``failed`` and its error, so one bad point never
costs the rest of its task and no undefined number is ever averaged into a result.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

from aiecosim.experiments.backends import run_one
from aiecosim.model import Scenario
from aiecosim.model.metrics import TABLE

ERROR_CHARS = 500
SERIES_METRICS = tuple(m.name for m in TABLE)


@dataclass(frozen=True)
class Task:
    """Everything a worker needs, so it shares no state with the driver or other workers."""

    task_id: str
    scenario: dict[str, Any]
    runs: tuple[tuple[int, int, int, dict[str, Any]], ...]  # (run, point, seed, overrides)
    outputs: tuple[str, ...]
    summary_months: int | None


@dataclass(frozen=True)
class TaskResult:
    task_id: str
    summary: pl.DataFrame  # one row per run: run, point, seed, status, error, outputs
    series: pl.DataFrame   # one row per run and month: run, point, seed, step, outputs


def summary_schema(outputs) -> dict[str, pl.DataType]:
    return {"run": pl.Int64, "point": pl.Int64, "seed": pl.Int64, "status": pl.String,
            "error": pl.String, **{m: pl.Float64 for m in outputs}}


def series_schema(metrics=None) -> dict[str, pl.DataType]:
    """The monthly series' columns: every metric of the table unless ``metrics`` are named.

    A sweep stores every metric's series, so a metric a design did not name as an output is
    an analysis of the folder (``analysis.Sweep.with_metrics``), not a rerun."""
    names = SERIES_METRICS if metrics is None else tuple(metrics)
    return {"run": pl.Int64, "point": pl.Int64, "seed": pl.Int64, "step": pl.Int64,
            **{m: pl.Float64 for m in names}}


def run_task(task: Task) -> TaskResult:
    """Simulate every run of ``task``; never raises for a run's own failure."""
    base = Scenario.from_dict(task.scenario, source="sweep scenario")
    outputs = list(task.outputs)
    rows: list[dict[str, Any]] = []
    series: list[pl.DataFrame] = []
    for run, point, seed, overrides in task.runs:
        row = {"run": run, "point": point, "seed": seed}
        try:
            scenario = base.with_overrides(overrides, source=f"point {point}") if overrides else base
            frame = run_one(scenario, seed)
            undefined = first_non_finite(frame)
            if undefined:
                raise ArithmeticError(undefined)
        except Exception as exc:  # recorded, not raised: the sweep goes on without this run
            message = f"{type(exc).__name__}: {exc}".splitlines()[0][:ERROR_CHARS]
            rows.append({**row, "status": "failed", "error": message})
            continue
        window = frame.tail(task.summary_months) if task.summary_months else frame
        means = window.select(pl.col(outputs).mean()).row(0, named=True)
        rows.append({**row, "status": "ok", "error": None, **means})
        series.append(frame.select(
            pl.lit(run, pl.Int64).alias("run"), pl.lit(point, pl.Int64).alias("point"),
            pl.lit(seed, pl.Int64).alias("seed"), pl.col("step").cast(pl.Int64),
            *SERIES_METRICS))
    summary = pl.DataFrame(rows, schema=summary_schema(outputs))
    monthly = pl.concat(series) if series else pl.DataFrame(schema=series_schema())
    return TaskResult(task.task_id, summary, monthly.cast(series_schema()))


def first_non_finite(frame: pl.DataFrame) -> str | None:
    """Where a run's metric frame first holds a NaN or an infinity (earliest month, then the
    first such column in the table's order), or None when every number is finite."""
    first: tuple[int, int, str, float] | None = None
    for order, (name, dtype) in enumerate(frame.schema.items()):
        if not dtype.is_float():
            continue
        values = frame[name].to_numpy()
        bad = np.flatnonzero(~np.isfinite(values))
        if len(bad) and (first is None or (int(frame["step"][int(bad[0])]), order) < first[:2]):
            first = (int(frame["step"][int(bad[0])]), order, name, float(values[bad[0]]))
    if first is None:
        return None
    month, _, name, value = first
    return f"metric {name!r} is {value} at month {month}"
