"""Means and 95% intervals over seeds: the one place reports, findings and the dashboard get them.

Direction: every difference here is ``a - b``, the first sample minus the second. Callers that
show "scenario - reference" or "B - A" pass their samples in that order.

Intervals of a difference are paired by seed wherever the two samples ran the same seeds: a seed
draws the same random numbers in both worlds (common random numbers), so the spread of the
per-seed differences is the honest one, and much smaller than comparing independent samples.
Otherwise the interval is Welch's. Quantiles are Student t's, with the exact degrees of freedom.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import polars as pl

Kind = Literal["single", "paired", "welch"]
LEVEL = 0.95


def t_quantile(df: float, level: float = LEVEL) -> float:
    """The two-sided ``level`` quantile of Student's t (the 97.5% point for a 95% interval).

    Args:
        df: degrees of freedom; need not be a whole number (Welch's rarely is).
        level: coverage of the two-sided interval.

    Returns:
        The quantile, or NaN when ``df`` is not positive (one seed gives no interval).
    """
    if not df > 0:
        return math.nan
    # Imported here: scipy.stats takes about a second to import, which `aiecosim run --help`
    # and the dashboard's start should not pay.
    from scipy import stats

    return float(stats.t.ppf(0.5 + level / 2, df))


@dataclass(frozen=True)
class Estimate:
    """A mean (or a difference of means) over seeds with its 95% interval.

    Attributes:
        mean: the point estimate.
        lo: lower end of the interval (NaN when there is too little data for one).
        hi: upper end of the interval.
        n: seeds behind it: the sample's size, the number of pairs, or for Welch the smaller
            sample's size.
        kind: "single" (one sample), "paired" (per-seed differences) or "welch".
    """

    mean: float
    lo: float
    hi: float
    n: int
    kind: Kind = "single"

    def __neg__(self) -> Estimate:
        return Estimate(-self.mean, -self.hi, -self.lo, self.n, self.kind)

    def text(self, digits: int = 2) -> str:
        """``mean [lo, hi]`` with ``digits`` decimals."""
        return f"{self.mean:.{digits}f} [{self.lo:.{digits}f}, {self.hi:.{digits}f}]"


def _around(mean: float, half: float, n: int, kind: Kind) -> Estimate:
    return Estimate(mean, mean - half, mean + half, n, kind)


def _mean(x: np.ndarray) -> float:
    return float(x.mean()) if x.size else math.nan


def mean_interval(values: Sequence[float] | np.ndarray) -> Estimate:
    """The mean of one sample (one value per seed) with its t interval on ``n - 1`` df.

    Args:
        values: one value per seed.

    Returns:
        A "single" Estimate; its interval is NaN with fewer than two values.
    """
    x = np.asarray(values, dtype=float)
    n = x.size
    half = t_quantile(n - 1) * float(x.std(ddof=1)) / math.sqrt(n) if n > 1 else math.nan
    return _around(_mean(x), half, n, "single")


def paired_difference(a: Sequence[float] | np.ndarray, b: Sequence[float] | np.ndarray) -> Estimate:
    """``a - b`` for samples aligned by seed (``a[i]`` and ``b[i]`` ran the same seed).

    The interval is that of the per-seed differences, on ``n - 1`` df.

    Args:
        a: one value per seed.
        b: the other world's value for the same seeds, in the same order.

    Returns:
        A "paired" Estimate whose mean is ``mean(a) - mean(b)``.

    Raises:
        ValueError: ``a`` and ``b`` differ in length.
    """
    x, y = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if x.size != y.size:
        raise ValueError(f"paired samples differ in length: {x.size} and {y.size}")
    n = x.size
    d = x - y
    half = t_quantile(n - 1) * float(d.std(ddof=1)) / math.sqrt(n) if n > 1 else math.nan
    return _around(_mean(x) - _mean(y), half, n, "paired")


def welch_difference(a: Sequence[float] | np.ndarray, b: Sequence[float] | np.ndarray) -> Estimate:
    """``a - b`` for independent samples, with Welch's interval.

    The degrees of freedom are Welch–Satterthwaite's, passed to the t quantile as they are:
    rounding them down to a table entry would misstate the width.

    Args:
        a: one sample.
        b: the other.

    Returns:
        A "welch" Estimate; its interval is NaN when either sample has fewer than two values,
        and has zero width when both samples are constant.
    """
    x, y = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    diff, n = _mean(x) - _mean(y), min(x.size, y.size)
    if n < 2:
        return _around(diff, math.nan, n, "welch")
    vx, vy = x.var(ddof=1) / x.size, y.var(ddof=1) / y.size
    if vx + vy == 0:
        return _around(diff, 0.0, n, "welch")
    df = (vx + vy) ** 2 / (vx**2 / (x.size - 1) + vy**2 / (y.size - 1))
    return _around(diff, t_quantile(df) * math.sqrt(vx + vy), n, "welch")


def difference(a: Sequence[float] | np.ndarray, b: Sequence[float] | np.ndarray,
               seeds_a: Sequence[int] | np.ndarray | None = None,
               seeds_b: Sequence[int] | np.ndarray | None = None) -> Estimate:
    """``a - b``, paired by seed when both samples ran the same seeds, else Welch's.

    Args:
        a: one value per run.
        b: the other world's values.
        seeds_a: the seed of each value of ``a`` (any order); None when unknown.
        seeds_b: the seed of each value of ``b``.

    Returns:
        A "paired" Estimate when both seed lists hold the same distinct seeds (values are
        aligned by seed first), else a "welch" one.

    Raises:
        ValueError: a seed list differs in length from its values.
    """
    x, y = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if seeds_a is None or seeds_b is None:
        return welch_difference(x, y)
    sa, sb = np.asarray(seeds_a), np.asarray(seeds_b)
    if sa.size != x.size or sb.size != y.size:
        raise ValueError("each value needs exactly one seed")
    distinct = np.unique(sa).size == sa.size and np.unique(sb).size == sb.size
    if distinct and np.array_equal(np.sort(sa), np.sort(sb)):
        return paired_difference(x[np.argsort(sa)], y[np.argsort(sb)])
    return welch_difference(x, y)


def seed_bands(frame: pl.DataFrame, metrics: Sequence[str],
               by: tuple[str, ...] = ("step",)) -> pl.DataFrame:
    """Mean and 95% interval of each metric over seeds, per ``by`` group.

    Args:
        frame: one row per (seed, group), e.g. per (seed, step).
        metrics: the columns to summarise.
        by: the grouping columns.

    Returns:
        One row per group, sorted by ``by``, with ``seeds`` and per metric ``{m}_mean``,
        ``{m}_sd``, ``{m}_lo`` and ``{m}_hi``. A group of one seed has a band of zero width,
        so a single run still draws as a line.
    """
    aggs = [pl.len().alias("seeds")]
    for m in metrics:
        aggs += [pl.col(m).mean().alias(f"{m}_mean"), pl.col(m).std().alias(f"{m}_sd")]
    grouped = frame.group_by(list(by), maintain_order=True).agg(aggs).sort(list(by))
    quantiles = {n: t_quantile(n - 1) for n in grouped["seeds"].unique().to_list()}
    t = [quantiles[n] for n in grouped["seeds"]]
    grouped = grouped.with_columns(pl.Series("_t", t, dtype=pl.Float64).fill_nan(0.0))
    out = []
    for m in metrics:
        half = pl.col("_t") * pl.col(f"{m}_sd").fill_null(0.0) / pl.col("seeds").sqrt()
        out += [(pl.col(f"{m}_mean") - half).alias(f"{m}_lo"),
                (pl.col(f"{m}_mean") + half).alias(f"{m}_hi")]
    return grouped.with_columns(out).drop("_t")


def final_year(frame: pl.DataFrame) -> int:
    """The last whole year of a run (year 10 of a 120-month run); 1 for runs under a year."""
    return max(1, int(frame["step"].max()) // 12)


def year_means(frame: pl.DataFrame, year: int, metrics: Sequence[str]) -> pl.DataFrame:
    """One row per seed, sorted by seed: each metric's mean over the twelve months of ``year``."""
    months = frame.filter(((pl.col("step") - 1) // 12) == year - 1)
    return months.group_by("seed").agg([pl.col(m).mean() for m in metrics]).sort("seed")


def differences(scenario: pl.DataFrame, reference: pl.DataFrame, metrics: Sequence[str],
                year: int) -> pl.DataFrame:
    """Scenario minus reference in ``year``, per metric, with a 95% interval (see ``difference``).

    Args:
        scenario: monthly rows of the scenario's runs, with a ``seed`` column.
        reference: the same for the reference world.
        metrics: the metrics to compare.
        year: the year whose monthly means are compared.

    Returns:
        One row per metric: ``scenario`` and ``reference`` means, ``difference``, ``lo``,
        ``hi``, and ``paired`` (whether the interval pairs runs by seed).
    """
    a, b = year_means(scenario, year, metrics), year_means(reference, year, metrics)
    rows = []
    for m in metrics:
        x, y = a[m].to_numpy().astype(float), b[m].to_numpy().astype(float)
        est = difference(x, y, a["seed"].to_numpy(), b["seed"].to_numpy())
        rows.append({"metric": m, "scenario": float(np.nanmean(x)), "reference": float(np.nanmean(y)),
                     "difference": float(np.nanmean(x) - np.nanmean(y)), "lo": est.lo, "hi": est.hi,
                     "paired": est.kind == "paired"})
    return pl.DataFrame(rows)


# ----------------------------------------------------------------- intervals over worlds
def weighted_quantile(values: Sequence[float] | np.ndarray, weights: Sequence[float] | np.ndarray,
                      q: float) -> float:
    """The ``q`` quantile of weighted values (a posterior's particles): the smallest value
    whose cumulative weight, at the middle of its own weight, reaches ``q`` (interpolated)."""
    x = np.asarray(values, dtype=float)
    w = np.asarray(weights, dtype=float)
    x, w = x[w > 0], w[w > 0]  # a particle of no weight is not in the distribution
    order = np.argsort(x, kind="stable")
    x, w = x[order], w[order]
    middle = (np.cumsum(w) - w / 2) / w.sum()
    return float(np.interp(q, middle, x))


def world_interval(values: Sequence[float] | np.ndarray,
                   weights: Sequence[float] | np.ndarray | None = None,
                   level: float = 0.9) -> tuple[float, float, float]:
    """Median and central ``level`` interval over worlds (weighted; equal weights by default,
    as for worlds already drawn by weight): the spread of what the evidence allows, not Monte
    Carlo error."""
    if weights is None:
        weights = np.ones(len(values))
    tail = (1 - level) / 2
    return (weighted_quantile(values, weights, 0.5), weighted_quantile(values, weights, tail),
            weighted_quantile(values, weights, 1 - tail))


def world_series_bands(frame: pl.DataFrame, metrics: Sequence[str], level: float = 0.9,
                       by: str = "step") -> pl.DataFrame:
    """Median and central ``level`` interval of each metric over worlds, per ``by`` value
    (``frame`` has one row per world and step): ``{m}_median``, ``{m}_lo``, ``{m}_hi``."""
    rows = []
    for (value,), group in frame.group_by([by], maintain_order=True):
        row: dict[str, float] = {by: value}
        for m in metrics:
            values = group[m].drop_nulls().drop_nans().to_numpy()
            median, low, high = world_interval(values, level=level) if len(values) else (
                math.nan, math.nan, math.nan)
            row.update({f"{m}_median": median, f"{m}_lo": low, f"{m}_hi": high})
        rows.append(row)
    return pl.DataFrame(rows).sort(by)


def world_differences(scenario: pl.DataFrame, reference: pl.DataFrame, metrics: Sequence[str],
                      year: int, level: float = 0.9) -> pl.DataFrame:
    """Scenario minus reference in ``year`` world by world (the frames' ``seed`` column names
    the world: both sides of a world share its parameters and seed), per metric: medians over
    worlds, the median difference with its central ``level`` interval, and the share of
    worlds in which the scenario is higher."""
    a, b = year_means(scenario, year, metrics), year_means(reference, year, metrics)
    rows = []
    for m in metrics:
        x, y = a[m].to_numpy().astype(float), b[m].to_numpy().astype(float)
        keep = np.isfinite(x) & np.isfinite(y)
        diff = x[keep] - y[keep]
        median, low, high = world_interval(diff, level=level) if keep.any() else (math.nan,) * 3
        rows.append({"metric": m, "scenario": world_interval(x[keep])[0] if keep.any() else math.nan,
                     "reference": world_interval(y[keep])[0] if keep.any() else math.nan,
                     "difference": median, "lo": low, "hi": high,
                     "share_higher": float((diff > 0).mean()) if keep.any() else math.nan})
    return pl.DataFrame(rows)


def bootstrap_interval(rows: np.ndarray, statistic, resamples: int = 2000, seed: int = 0,
                       level: float = LEVEL) -> tuple[float, float]:
    """Percentile bootstrap interval of ``statistic(rows)``, resampling whole rows (seeds, so a
    seed's values at every level stay together); the same seed gives the same interval. For a
    statistic with no closed-form interval, such as where a curve crosses zero."""
    rng = np.random.default_rng(seed)
    n = len(rows)
    found = np.array([statistic(rows[rng.integers(0, n, n)]) for _ in range(resamples)])
    tail = (1 - level) / 2
    return float(np.quantile(found, tail)), float(np.quantile(found, 1 - tail))
