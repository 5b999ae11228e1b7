"""Means and confidence bands over seeds, the common currency of reports and the dashboard."""

from __future__ import annotations

import math

import polars as pl

# Two-sided 95% Student t quantiles for small numbers of seeds (df = seeds - 1).
_T95 = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306,
        9: 2.262, 10: 2.228, 15: 2.131, 20: 2.086, 30: 2.042, 60: 2.000}


def t95(df: int) -> float:
    """The 97.5% quantile of Student's t with ``df`` degrees of freedom (1.96 for large df)."""
    if df <= 0:
        return math.nan
    for limit in sorted(_T95):
        if df <= limit:
            return _T95[limit]
    return 1.96


def seed_bands(frame: pl.DataFrame, metrics: list[str] | tuple[str, ...],
               by: tuple[str, ...] = ("step",)) -> pl.DataFrame:
    """Mean, standard error and 95% confidence interval of each metric over seeds.

    ``frame`` holds one row per (seed, step); the result one row per ``by`` group, with columns
    ``{metric}_mean``, ``{metric}_lo``, ``{metric}_hi`` and ``seeds``.
    """
    aggs = [pl.len().alias("seeds")]
    for m in metrics:
        aggs += [pl.col(m).mean().alias(f"{m}_mean"), pl.col(m).std().alias(f"{m}_sd")]
    grouped = frame.group_by(list(by), maintain_order=True).agg(aggs).sort(list(by))
    half = [t95(int(n) - 1) for n in grouped["seeds"]]
    grouped = grouped.with_columns(pl.Series("_t", half, dtype=pl.Float64))
    out = []
    for m in metrics:
        se = pl.col(f"{m}_sd").fill_null(0.0) / pl.col("seeds").sqrt()
        out += [(pl.col(f"{m}_mean") - pl.col("_t").fill_nan(0.0) * se).alias(f"{m}_lo"),
                (pl.col(f"{m}_mean") + pl.col("_t").fill_nan(0.0) * se).alias(f"{m}_hi")]
    return grouped.with_columns(out).drop("_t")
