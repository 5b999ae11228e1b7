"""Runs over plausible worlds of the shipped posterior, paired across arms within each world.

A world is a particle of ``calibration/posterior-2023.parquet`` with its own seed, drawn by the
project's ``experiments.plausible.world_scenarios``; an arm is a set of overrides (or a function
of the world's scenario) applied on top, so the arm's levers win over the world's values. Both
arms of a comparison run each world with that world's seed: common random numbers, so a
world's difference is the arm's effect there, not seed noise.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Callable, Union

import numpy as np

from aiecosim.experiments import posterior
from aiecosim.experiments.executor import Executor
from aiecosim.experiments.observations import shipped
from aiecosim.experiments.plausible import world_scenarios
from aiecosim.model import Scenario

SHIPPED = shipped(posterior.SHIPPED)

Arm = Union[dict, Callable[[Scenario], Scenario], None]
Draw = tuple[int, int, int]  # (worlds, draw seed, months a run)

# Keyed by scenario digest and seed: an arm shared by several facts (the worlds' own values,
# liability off) runs once. 60-month runs are about 15 kB, so even 2,000 stay small.
executor = Executor("in-process", cache=2000)


@lru_cache(maxsize=None)
def worlds(n: int, seed: int, steps: int) -> tuple[tuple[Scenario, int], ...]:
    """The ``n`` worlds drawn with ``seed``: each one's scenario (``steps`` months) and seed."""
    base = Scenario.baseline().with_overrides({"steps": steps})
    return tuple((scenario, w.seed) for w, scenario in world_scenarios(base, SHIPPED, n, seed))


def apply(arm: Arm, scenario: Scenario) -> Scenario:
    if arm is None:
        return scenario
    return arm(scenario) if callable(arm) else scenario.with_overrides(arm)


def means(arm: Arm, metric: str, months: slice, draw: Draw) -> np.ndarray:
    """The mean of ``metric`` over ``months`` in each world of ``draw`` under ``arm``, in the
    worlds' order (all worlds submitted at once, so a process pool runs them in parallel)."""
    pairs = [(apply(arm, scenario), seed) for scenario, seed in worlds(*draw)]
    return np.array([frame[metric].to_numpy()[months].mean()
                     for frame in executor.evaluate(pairs)])
