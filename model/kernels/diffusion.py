"""Diffusion of open weights into derivatives and the lag it produces (mechanisms 3, 4)."""

from __future__ import annotations

import numpy as np


def derivative_boost(boost: float, max_boost: float, rate: float, community: float) -> float:
    """Capability community fine-tunes add to the best open base, closing toward ``max_boost``.

    The wider the community (open-based startups and researchers, 0–1), the faster derivatives
    improve (the 2023 "alpaca explosion").
    """
    return boost + (max_boost - boost) * (1.0 - np.exp(-rate * max(community, 0.0)))


def open_lag_months(frontier_history: np.ndarray, open_capability: float,
                    pre_start_growth: float) -> float:
    """Months since the frontier stood where open capability stands now.

    ``frontier_history[k]`` is the frontier at month k (0 = before the run, non-decreasing).
    Before month 0 the frontier is extrapolated backwards at ``pre_start_growth`` per month.
    """
    now = len(frontier_history) - 1
    if open_capability >= frontier_history[-1]:
        return 0.0
    idx = int(np.searchsorted(frontier_history, open_capability, side="left"))
    if idx == 0:
        reached = (open_capability - frontier_history[0]) / pre_start_growth
    else:
        lo, hi = frontier_history[idx - 1], frontier_history[idx]
        reached = idx - 1 + (open_capability - lo) / (hi - lo) if hi > lo else float(idx)
    return float(now - reached)
