"""Race dynamics: a lab close behind (or just ahead of) rivals cuts safety effort (mechanism 6)."""

from __future__ import annotations

import numpy as np


def race_pressure(capabilities: np.ndarray, rivalry: float, gap_scale: float) -> np.ndarray:
    """Pressure on each lab, 0–1: higher with more rivals and with closer ones.

    Armstrong, Bostrom & Shulman (2016): more teams and smaller capability gaps mean less
    safety. A lab's gap is to the leader, or for the leader to the runner-up.
    """
    n = capabilities.size
    if n < 2:
        return np.zeros(n)
    order = np.sort(capabilities)
    leader, runner_up = order[-1], order[-2]
    gap = np.where(capabilities >= leader, leader - runner_up, leader - capabilities)
    closeness = np.exp(-gap / gap_scale)
    crowding = 1.0 - 1.0 / n
    return rivalry * closeness * crowding


def safety_effort(base_safety: np.ndarray, pressure: np.ndarray, reward: float) -> np.ndarray:
    """Safety effort after race pressure, raised by any public reward for safe releases."""
    effort = base_safety * (1.0 - pressure)
    return effort + reward * (1.0 - effort) * 0.5
