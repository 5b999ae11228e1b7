"""Rare events among many members, drawn by skipping to the next one (mechanism 5's exits,
switches and platform shocks).

A firm exits, reconsiders its base or has its API change under it with a chance of a few per
cent a month. Drawing a uniform for every firm and comparing it with that chance costs a draw
per firm; drawing the gaps between events costs one per event. The gap between independent
events of probability ``p`` is geometric, so the rows hit are exactly those a uniform per row
would pick, in distribution, for about ``p`` of the draws.
"""

from __future__ import annotations

import math

import numpy as np

# Extra gaps drawn beyond the expected number, in standard deviations, so one batch almost
# always reaches the last row (a short batch just draws another).
BATCH_SPREAD = 6.0


def event_rows(rng: np.random.Generator, probability: float, n: int) -> np.ndarray:
    """Rows (ascending, int64) among ``n`` where an event of ``probability`` happens, each
    row independently of the others."""
    if n <= 0 or probability <= 0.0:
        return np.empty(0, dtype=np.int64)
    if probability >= 1.0:
        return np.arange(n, dtype=np.int64)
    expected = probability * n
    batch = int(expected + BATCH_SPREAD * math.sqrt(expected)) + 16
    found, last = [], -1
    while last < n:
        # A gap past the last row ends the batch; clipping it there keeps the sum from
        # overflowing where a tiny probability draws gaps near int64's largest value.
        gaps = np.minimum(rng.geometric(probability, size=batch), n + 1)
        positions = last + np.cumsum(gaps)
        found.append(positions)
        last = int(positions[-1])
    rows = np.concatenate(found) if len(found) > 1 else found[0]
    return rows[:np.searchsorted(rows, n)]


def thinned_rows(rng: np.random.Generator, largest: float,
                 n: int) -> tuple[np.ndarray, np.ndarray]:
    """Candidates for events whose probability differs by row, at most ``largest``: the rows
    hit at ``largest`` (``event_rows``), each with a uniform ``u``. Candidate row ``i`` has its
    event when ``u < p_i / largest`` (thinning), which the month's pass checks once it knows
    ``p_i``. Returns (rows, u)."""
    rows = event_rows(rng, largest, n)
    return rows, rng.random(rows.size)
