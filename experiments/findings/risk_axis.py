"""Fact 9 on a continuous risk axis: where developer liability starts to raise welfare.

The design ``risk-axis`` scales harm per incident and the labs' expected bill together by a
risk multiplier. Liability's gain at each level is paired by seed; the band's lower edge is
and its upper edge are where the mean gain crosses zero, read on the multiplier's log scale,
each with a bootstrap interval over seeds.
"""

from __future__ import annotations

import math
import re

import numpy as np
import polars as pl

from aiecosim.experiments.findings.claims import WHOLE, Claim
from aiecosim.experiments.findings.results import Results
from aiecosim.experiments.stats import bootstrap_interval, mean_interval

DESIGN = "risk-axis"
LEVEL = re.compile(r"risk x([0-9.]+), no liability")


def gains(r: Results) -> tuple[np.ndarray, np.ndarray]:
    """The risk multipliers (ascending) and each seed's welfare gain from liability at each
    (seeds x levels, USD bn a month over the ten years)."""
    labels = r.sweeps[DESIGN].points["label"].to_list()
    levels = sorted(float(m.group(1)) for m in map(LEVEL.fullmatch, labels) if m)
    columns = []
    for level in levels:
        name = f"risk x{level:g}"
        without = r.per_seed(DESIGN, f"{name}, no liability", "welfare", WHOLE)
        with_it = r.per_seed(DESIGN, f"{name}, developer liability 0.5", "welfare", WHOLE)
        if not np.array_equal(without.seeds, with_it.seeds):
            raise ValueError(f"{DESIGN}: {name} ran different seeds on its two sides")
        columns.append(with_it.values - without.values)
    return np.array(levels), np.column_stack(columns)


def gain_curve(r: Results) -> pl.DataFrame:
    """Liability's mean welfare gain at each risk level with its 95% interval over seeds
    (paired: the gain is taken seed by seed): ``risk``, ``welfare_mean``, ``_lo``, ``_hi``."""
    levels, gain = gains(r)
    found = [mean_interval(gain[:, i]) for i in range(len(levels))]
    return pl.DataFrame({"risk": levels, "welfare_mean": [e.mean for e in found],
                         "welfare_lo": [e.lo for e in found], "welfare_hi": [e.hi for e in found]})


def band(levels: np.ndarray, gain: np.ndarray) -> tuple[float, float]:
    """The band of risk where the mean gain is positive: the run of positive levels around
    the largest gain, its edges interpolated on the multiplier's log scale to where the gain
    crosses zero; an edge at the axis' end means the band is open on that side (or, with no
    positive level, both edges sit at the best level)."""
    mean = gain.mean(axis=0)
    best = int(np.argmax(mean))
    if mean[best] <= 0:
        return float(levels[best]), float(levels[best])
    first = best
    while first > 0 and mean[first - 1] > 0:
        first -= 1
    last = best
    while last < len(levels) - 1 and mean[last + 1] > 0:
        last += 1
    low = levels[0] if first == 0 else _crossing(levels, mean, first - 1)
    high = levels[-1] if last == len(levels) - 1 else _crossing(levels, mean, last)
    return float(low), float(high)


def _crossing(levels: np.ndarray, mean: np.ndarray, i: int) -> float:
    """Where the mean crosses zero between levels i and i + 1 (log-linear)."""
    a, b = math.log(levels[i]), math.log(levels[i + 1])
    share = mean[i] / (mean[i] - mean[i + 1])
    return math.exp(a + share * (b - a))


def band_claim(r: Results) -> Claim:
    levels, gain = gains(r)
    low, high = band(levels, gain)
    low_ci = bootstrap_interval(gain, lambda g: band(levels, g)[0], seed=9)
    high_ci = bootstrap_interval(gain, lambda g: band(levels, g)[1], seed=9)
    at = lambda m: gain[:, int(np.argmin(abs(levels - m)))].mean()  # noqa: E731
    measured = (f"band x{low:.2g} [x{low_ci[0]:.2g}, x{low_ci[1]:.2g}] to x{high:.2g} "
                f"[x{high_ci[0]:.2g}, x{high_ci[1]:.2g}] (bootstrap over seeds); gain at "
                f"x{levels[0]:g} {at(levels[0]):.3g}, at x1 {at(1):.3g}, at x{levels[-1]:g} "
                f"{at(levels[-1]):.3g} USD bn a month")
    lower = lambda x: levels[0] < x < 1  # noqa: E731
    upper = lambda x: 1 < x < levels[-1]  # noqa: E731
    return Claim("facts", "9c regulation helps in a middle band of a continuous risk axis",
                 "On a continuous risk axis (harm per incident and its expected bill scaled "
                 "together, x0.1 to x10 the baseline's), developer liability of 0.5 raises "
                 "ten-year welfare only inside a band of risk that holds the baseline's (x1) and "
                 "ends on both sides within the axis.",
                 measured, bool(lower(low) and upper(high)),
                 bool(all(map(lower, low_ci)) and all(map(upper, high_ci))), gain.shape[0])
