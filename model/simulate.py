"""The one-call entry point: a scenario and a seed in, a monthly metrics table out."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiecosim.model.scenario import Scenario

if TYPE_CHECKING:
    import polars as pl


def simulate(scenario: Scenario | None = None, seed: int = 0) -> "pl.DataFrame":
    """Run a scenario (the baseline if none) for its months with a seed; one row per month.

    The same scenario and seed give an identical frame, in any process.
    """
    from aiecosim.model.ecosystem import EcosystemModel  # here: importing the package needs no mesa

    # No DataCollector: the recorder's arrays are the table, and a sweep runs this many times.
    model = EcosystemModel(scenario=scenario, rng=seed, collect=False)
    for _ in range(model.scenario.steps):
        model.step()
    return model.recorder.to_frame(model.scenario.start_year)
