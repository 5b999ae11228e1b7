"""Read sweep results for the findings: per-seed means of a metric over a window of months."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from aiecosim.experiments.analysis import Sweep
from aiecosim.experiments.bands import t95


@dataclass(frozen=True)
class Estimate:
    """A mean over seeds with its 95% interval."""

    mean: float
    lo: float
    hi: float
    seeds: int

    def __neg__(self) -> "Estimate":
        return Estimate(-self.mean, -self.hi, -self.lo, self.seeds)

    def text(self, digits: int = 2) -> str:
        return f"{self.mean:.{digits}f} [{self.lo:.{digits}f}, {self.hi:.{digits}f}]"


def estimate(values: np.ndarray) -> Estimate:
    n = len(values)
    mean = float(values.mean())
    half = t95(n - 1) * float(values.std(ddof=1)) / math.sqrt(n) if n > 1 else math.nan
    return Estimate(mean, mean - half, mean + half, n)


def difference(a: np.ndarray, b: np.ndarray) -> Estimate:
    """b - a with a 95% Welch interval (seeds are shared, but runs are treated as independent)."""
    diff = float(b.mean() - a.mean())
    va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
    if va + vb == 0:
        return Estimate(diff, diff, diff, min(len(a), len(b)))
    df = (va + vb) ** 2 / (va**2 / (len(a) - 1) + vb**2 / (len(b) - 1))
    half = t95(max(1, int(df))) * math.sqrt(va + vb)
    return Estimate(diff, diff - half, diff + half, min(len(a), len(b)))


@dataclass
class Results:
    """The sweeps behind the findings, by name, with their monthly series loaded once."""

    sweeps: dict[str, Sweep]
    _series: dict[str, pl.DataFrame] = field(default_factory=dict)

    def series(self, design: str) -> pl.DataFrame:
        if design not in self._series:
            sweep = self.sweeps[design]
            frame = sweep.series(sweep.outputs)
            labels = sweep.points.select("point", "label")
            self._series[design] = frame.join(labels, on="point")
        return self._series[design]

    def per_seed(self, design: str, label: str, metric: str,
                 months: tuple[int, int] | None = None) -> np.ndarray:
        """Each seed's mean of ``metric`` over months ``first..last`` (1-based, inclusive)."""
        frame = self.series(design).filter(pl.col("label") == label)
        if months is not None:
            frame = frame.filter(pl.col("step").is_between(*months))
        if frame.is_empty():
            raise KeyError(f"{design}: no runs labelled {label!r} with {metric}")
        means = frame.group_by("seed").agg(pl.col(metric).mean()).sort("seed")
        return means[metric].to_numpy()

    def runs(self, design: str, label: str, metric: str) -> list[np.ndarray]:
        """Each run's whole monthly series of ``metric``."""
        frame = self.series(design).filter(pl.col("label") == label).sort(["seed", "step"])
        return [part[metric].to_numpy() for part in frame.partition_by("seed", maintain_order=True)]
