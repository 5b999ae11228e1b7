"""A policy map's grid: the values each lever takes, and the metric at every grid point.

The grid is a two-lever experiment whose (scenario, seed) pairs go to an executor, the
server's shared one, so a point already run for Explore costs nothing here and the other way
round.
"""

from __future__ import annotations

import time
from typing import Any, Callable

import numpy as np
import polars as pl

from aiecosim.dashboard.fields import FieldSpec
from aiecosim.experiments.executor import Executor
from aiecosim.experiments.stats import final_year
from aiecosim.model import Scenario
from aiecosim.model.errors import ScenarioError

WIDE_DECADES = 2  # numeric ranges spanning more orders of magnitude are sampled geometrically
GRID_WINDOW_PER_WORKER = 2


def axis_values(spec: FieldSpec, size: int, low: float | None = None,
                high: float | None = None) -> list[Any]:
    """The grid values of one lever: every choice, or ``size`` numbers across its range.

    ``low``/``high`` narrow the schema's bounds; they are clipped to them.
    """
    if spec.kind == "bool":
        return [False, True]
    if spec.kind == "choice":
        return list(spec.choices)
    lo = spec.control_min if low is None else max(low, spec.control_min or low)
    hi = spec.high if high is None else min(high, spec.high if spec.high is not None else high)
    if lo is None or hi is None or hi < lo:
        raise ValueError(f"{spec.key}: expected a range with from ≤ to, found {lo} to {hi}")
    if lo > 0 and hi / lo >= 10 ** WIDE_DECADES:
        values = np.geomspace(lo, hi, size)
    else:
        values = np.linspace(lo, hi, size)
    if spec.kind == "int":
        return sorted({int(round(v)) for v in values})
    return [float(f"{v:.6g}") for v in values]  # readable axis labels, and exact in the URL


def display(value: Any) -> Any:
    """A grid value as the heatmap shows it (booleans as words, so the axis is categorical)."""
    if isinstance(value, bool):
        return "on" if value else "off"
    return value


def final_year_mean(frame: pl.DataFrame, metric: str) -> float:
    year = final_year(frame)
    return float(frame.filter(((pl.col("step") - 1) // 12) == year - 1)[metric].mean())


def run_grid(executor: Executor, base: Scenario, x: str, xs: list[Any], y: str, ys: list[Any],
             metric: str, seeds: int, progress: Callable[[int, int], None]) -> pl.DataFrame:
    """The final-year mean of ``metric`` over seeds 1..``seeds`` at each grid point.

    A point whose lever values the schema refuses gets a null (shown as a gap). At most
    ``GRID_WINDOW_PER_WORKER`` runs per worker are in flight, so Explore's runs wait behind a
    few of the map's, not all of them; ``progress`` may raise to stop the map.
    """
    points = []
    for yv in ys:
        for xv in xs:
            try:
                scenario = base.with_overrides({x: xv, y: yv}, source="policy map")
            except ScenarioError:
                scenario = None
            points.append((xv, yv, scenario))
    pairs = [(sc, seed) for _, _, sc in points if sc is not None for seed in range(1, seeds + 1)]
    frames = iter(executor.evaluate(pairs, progress=progress,
                                    window=GRID_WINDOW_PER_WORKER * executor.workers))
    rows = []
    for xv, yv, scenario in points:
        values = ([final_year_mean(next(frames), metric) for _ in range(seeds)]
                  if scenario is not None else [])
        rows.append({x: display(xv), y: display(yv),
                     f"{metric}_mean": float(np.nanmean(values)) if values else None})
    return pl.DataFrame(rows)


class Progress:
    """Rate-limited progress reports: every 0.3 s at most, and always the last one."""

    def __init__(self, report: Callable[[int, int], None], every: float = 0.3) -> None:
        self.report, self.every, self.last = report, every, 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done == total or now - self.last >= self.every:
            self.last = now
            self.report(done, total)
