"""Simulated runs shared across tests: the shipped baseline with overrides, computed once each."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
import polars as pl

from aiecosim.model import Scenario, simulate

REPO = Path(__file__).resolve().parents[2]
SCENARIOS = REPO / "scenarios"


@lru_cache(maxsize=256)
def _run(key: tuple, seed: int) -> pl.DataFrame:
    scenario = Scenario.baseline().with_overrides(dict(key)) if key else Scenario.baseline()
    return simulate(scenario, seed=seed)


def run(overrides: dict | None = None, seed: int = 0) -> pl.DataFrame:
    """Simulate the baseline with overrides; identical calls across tests are computed once."""
    key = tuple(sorted((k, tuple(v) if isinstance(v, list) else v)
                       for k, v in (overrides or {}).items()))
    return _run(key, seed)


def across_seeds(overrides: dict | None, metric: str, seeds: int = 8,
                 months: slice = slice(None)) -> np.ndarray:
    """The mean of ``metric`` over ``months`` for each seed."""
    return np.array([run(overrides, s)[metric].to_numpy()[months].mean() for s in range(seeds)])
