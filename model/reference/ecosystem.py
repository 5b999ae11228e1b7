"""The per-agent Mesa reference: the vectorized model's rules with one ``mesa.Agent`` per member.

Labs, the regulator, the world, access, liability, defence and metrics are the vectorized
model's own (``ReferenceEcosystemModel`` subclasses ``EcosystemModel`` and inherits its step);
only startups, academics and bad actors are replaced by per-agent versions stepped with
``shuffle_do``. Every draw comes from the model's seeded generators (``model.rng``, and
``model.random`` for Mesa's shuffles), so a seed reproduces a run; the streams differ from the
vectorized model's, so the two agree in distribution, not run by run
(``tests/test_reference_equivalence.py``).
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from aiecosim.model.reference.academics import AcademicCohort
from aiecosim.model.reference.bad_actors import BadActorCohort
from aiecosim.model.reference.startups import StartupCohort
from aiecosim.model.ecosystem import EcosystemModel
from aiecosim.model.scenario import Scenario


class ReferenceEcosystemModel(EcosystemModel):
    """``EcosystemModel`` whose three populations are per-agent Mesa agents."""

    def __init__(self, scenario: Scenario | str | Path | None = None, rng=None, **options) -> None:
        super().__init__(scenario=scenario, rng=rng, **options)  # collect, dotted overrides
        # The parent built vectorized populations; retire them so that only per-agent members
        # act. Their initial draws shift the stream, which changes nothing in distribution.
        for population in (self.startups, self.academics, self.bad_actors):
            population.remove()
        self.startups = StartupCohort(self)
        self.academics = AcademicCohort(self)
        self.bad_actors = BadActorCohort(self)


def simulate_reference(scenario: Scenario | None = None, seed: int = 0) -> pl.DataFrame:
    """Like ``model.simulate``, with the per-agent reference: one row per month."""
    model = ReferenceEcosystemModel(scenario=scenario, rng=seed, collect=False)
    for _ in range(model.scenario.steps):
        model.step()
    return model.recorder.to_frame(model.scenario.start_year)
