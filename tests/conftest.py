"""Shared fixtures: the shipped baseline and a cache of simulated runs across tests."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from model import Scenario, simulate

REPO = Path(__file__).resolve().parent.parent
SCENARIOS = REPO / "scenarios"


@pytest.fixture(scope="session")
def baseline() -> Scenario:
    return Scenario.baseline()


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


def pytest_setup_options():
    """Headless Chromium for the dashboard's browser tests (dash[testing]'s ``dash_duo``)."""
    from dashboard_support import chrome_options

    return chrome_options()
