"""Differences between two worlds in one year, with 95% confidence intervals over seeds."""

from __future__ import annotations

import math

import numpy as np
import polars as pl

from aiecosim.experiments.bands import t95


def final_year(frame: pl.DataFrame) -> int:
    """The last whole year of a run (year 10 of a 120-month run); 1 for runs under a year."""
    return max(1, int(frame["step"].max()) // 12)


def year_means(frame: pl.DataFrame, year: int, metrics: tuple[str, ...]) -> pl.DataFrame:
    """One row per seed: each metric's mean over the twelve months of ``year``."""
    months = frame.filter(((pl.col("step") - 1) // 12) == year - 1)
    return (months.group_by("seed").agg([pl.col(m).mean() for m in metrics]).sort("seed"))


def _interval(values: np.ndarray, df: int, se: float) -> tuple[float, float]:
    half = t95(df) * se if df > 0 else math.nan
    centre = float(np.mean(values)) if values.size else math.nan
    return centre - half, centre + half


def differences(scenario: pl.DataFrame, reference: pl.DataFrame, metrics: tuple[str, ...],
                year: int) -> pl.DataFrame:
    """Scenario minus reference in ``year``, per metric, with a 95% confidence interval.

    When both ran the same seeds the runs are paired: the same seed draws the same random
    numbers in both worlds (common random numbers), so the interval is that of the per-seed
    differences, much tighter than comparing two independent samples. Otherwise the interval
    is Welch's, with the smaller sample's degrees of freedom.
    """
    a, b = year_means(scenario, year, metrics), year_means(reference, year, metrics)
    paired = a["seed"].to_list() == b["seed"].to_list()
    rows = []
    for m in metrics:
        x, y = a[m].to_numpy().astype(float), b[m].to_numpy().astype(float)
        if paired:
            d = x - y
            se = float(np.std(d, ddof=1) / math.sqrt(d.size)) if d.size > 1 else math.nan
            lo, hi = _interval(d, d.size - 1, se)
        else:
            var = (np.var(x, ddof=1) / x.size if x.size > 1 else math.nan) + \
                  (np.var(y, ddof=1) / y.size if y.size > 1 else math.nan)
            df = min(x.size, y.size) - 1
            lo, hi = _interval(np.array([x.mean() - y.mean()]), df, math.sqrt(var))
        rows.append({"metric": m, "scenario": float(np.nanmean(x)), "reference": float(np.nanmean(y)),
                     "difference": float(np.nanmean(x) - np.nanmean(y)), "lo": lo, "hi": hi,
                     "paired": paired})
    return pl.DataFrame(rows)
