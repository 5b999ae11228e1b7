"""The one-call entry point: a scenario and a seed in, a monthly metrics table out."""

from __future__ import annotations

import polars as pl

from aiecosim.model.ecosystem import EcosystemModel
from aiecosim.model.scenario import Scenario


def simulate(scenario: Scenario | None = None, seed: int = 0) -> pl.DataFrame:
    """Run a scenario (the baseline if none) for its months with a seed; one row per month.

    The same scenario and seed give an identical frame, in any process.
    """
    model = EcosystemModel(scenario=scenario, rng=seed)
    for _ in range(model.scenario.steps):
        model.step()
    return model.recorder.to_frame(model.scenario.start_year)
