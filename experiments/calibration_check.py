"""The simulation-based check of calibration: can it find parameters it knows?

Draw a "truth" from the priors, run the model there, and treat that run's values as the
observations (each interval moved with its value, so the evidence is as precise as the real
file's). Calibrate to them from the priors, and see whether each true value lies inside its
posterior's central 90% interval (Talts et al. 2018 check ranks over many truths; one truth and
a coverage count is the small version CI can afford). A calibration that mixed up its
parameters, or weighed its particles wrongly, leaves truths outside.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from aiecosim.experiments.observations import Observation, Observations
from aiecosim.model.priors import prior_interval, sample, uncertain

LEVEL = 0.9


@dataclass(frozen=True)
class Recovered:
    key: str
    truth: float
    median: float
    low: float
    high: float
    prior_low: float
    prior_high: float

    @property
    def inside(self) -> bool:
        return self.low <= self.truth <= self.high

    @property
    def narrowing(self) -> float:
        """The posterior interval's width over the prior's (below 1: the data informed it)."""
        prior = self.prior_high - self.prior_low
        return (self.high - self.low) / prior if prior > 0 else math.nan


def truth(keys: list[str], seed: int) -> dict[str, float]:
    """A parameter set drawn from the priors of ``keys``."""
    return sample(1, seed, keys)[0]


def synthetic(observations: Observations, values: dict[str, float]) -> Observations:
    """The observations with each value replaced by a run's, its interval moved with it
    (scaled for ratios, shifted otherwise)."""
    moved = []
    for each in observations.observation:
        new = values[each.name]
        low, high = each.interval
        if each.log_scale:
            interval = [low * new / each.value, high * new / each.value]
        else:
            interval = [new - (each.value - low), new + (high - each.value)]
        moved.append(Observation.model_validate(
            {**each.model_dump(), "value": new, "interval": interval,
             "source": f"synthetic: the model at a known parameter set ({each.name})"}))
    return Observations.model_validate(
        {**observations.model_dump(), "observation": [o.model_dump() for o in moved]})


def recovered(posterior, known: dict[str, float], level: float = LEVEL) -> list[Recovered]:
    """Each known value against its posterior interval and its prior's."""
    from aiecosim.experiments.posterior import intervals

    rows = {row.key: row for row in uncertain()}
    table = {r["key"]: r for r in intervals(posterior, level).to_dicts()}
    out = []
    for key, value in known.items():
        prior_low, prior_high = prior_interval(rows[key], level)
        r = table[key]
        out.append(Recovered(key, value, r["median"], r["low"], r["high"], prior_low, prior_high))
    return out
