"""The per-agent Mesa reference and the vectorized model follow the same rules.

The speed comparison of ``aiecosim bench`` is only honest if both models simulate the same thing.
Their random streams differ, so they are compared in distribution: each scenario is run for 36
months with 2,500 members (split as in the benchmark: 50% startups, 10% academics, 40% bad
actors) for 20 seeds in each model, and each metric's per-seed means are compared. Two scenarios:
the shipped baseline, and the baseline with policy levers on (public compute, shared liability,
a watermark mandate, one lab's API cut in month 18), so that subsidies, premiums and stranded API
customers are exercised too.

Tolerance: for each scenario, Welch's two-sample t-test must not reject equal means at the 1%
family-wise level over the twelve metrics (Bonferroni: every p-value at least 0.01 / 12). At this
size that catches a rule change that moves a metric by a few per cent (a 50% higher exit hazard,
say); smaller shifts are within the seed-to-seed noise. Seeds are fixed, so a failure is a change
of behaviour in one model, not a new roll of the dice.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pytest
from scipy import stats

from aiecosim.model.reference.academics import ResearchGroup
from aiecosim.model.reference.bad_actors import BadActor
from aiecosim.model.reference.ecosystem import ReferenceEcosystemModel, simulate_reference
from aiecosim.model.reference.startups import Startup
from aiecosim.benchmarks.sizes import scaled
from aiecosim.model import Scenario, simulate
from aiecosim.model.agents.academics import AcademicPopulation
from aiecosim.model.agents.bad_actors import BadActorPopulation
from aiecosim.model.agents.startups import StartupPopulation

SEEDS = 20
MEMBERS = 2_500
MONTHS = 36
SCENARIOS = {
    "baseline": {},
    "policy levers": {
        "policy.compute_subsidy.budget_usd_bn": 0.1,  # sized to the 2,500 members, not a country
        "policy.liability.bearer": "shared",
        "policy.liability.strength": 0.5,
        "policy.watermark.mandate": True,
        "events": [{"month": 18, "kind": "cut-api", "lab": "closed-leader"}],
    },
}
# The eight key metrics; attempts and bans pin bad actors' route choice and bans;
# public compute and liability pin subsidies and premiums.
METRICS = ("startups_active", "startups_open_share", "hhi", "innovation", "academic_output",
           "safety_research", "misuse_incidents", "misuse_harm", "misuse_attempts", "api_bans",
           "public_compute_used", "liability_paid")
FAMILY_ALPHA = 0.01


def scenario(name: str, members: int = MEMBERS, months: int = MONTHS) -> Scenario:
    return scaled(Scenario.baseline().with_overrides(SCENARIOS[name]), members, months)


@lru_cache(maxsize=None)
def per_seed_means(name: str, engine: str) -> dict[str, np.ndarray]:
    # Disjoint seeds: the two samples are independent by construction.
    run, seeds = {"vectorized": (simulate, range(SEEDS)),
                  "reference": (simulate_reference, range(100, 100 + SEEDS))}[engine]
    frames = [run(scenario(name), seed) for seed in seeds]
    return {metric: np.array([frame[metric].mean() for frame in frames]) for metric in METRICS}


def welch_p(a: np.ndarray, b: np.ndarray) -> float:
    """Welch's t-test p-value; two constant samples agree only when equal (t is undefined)."""
    if np.ptp(a) == 0 and np.ptp(b) == 0:
        return 1.0 if a[0] == b[0] else 0.0
    return float(stats.ttest_ind(a, b, equal_var=False).pvalue)


@pytest.mark.slow
@pytest.mark.timeout(600)
@pytest.mark.parametrize("metric", METRICS)
@pytest.mark.parametrize("name", SCENARIOS)
def test_reference_matches_vectorized_model_in_distribution(name, metric):
    vectorized = per_seed_means(name, "vectorized")[metric]
    reference = per_seed_means(name, "reference")[metric]
    p = welch_p(vectorized, reference)
    assert p >= FAMILY_ALPHA / len(METRICS), (
        f"{name}, {metric}: vectorized mean {vectorized.mean():.6g}, "
        f"reference mean {reference.mean():.6g}, Welch p = {p:.2g}")


@pytest.mark.timeout(120)
def test_reference_steps_one_mesa_agent_per_member():
    model = ReferenceEcosystemModel(scenario=scenario("baseline", members=200, months=2), rng=3)
    model.step()
    counts = {kind: len(model.agents_by_type.get(kind, ())) for kind in
              (Startup, ResearchGroup, BadActor,
               StartupPopulation, AcademicPopulation, BadActorPopulation)}
    # Startups are created on entry and removed on exit: one agent per firm alive this month.
    assert counts[Startup] == model.startups.active > 0
    del counts[Startup]
    assert counts == {ResearchGroup: 20, BadActor: 80,
                      StartupPopulation: 0, AcademicPopulation: 0, BadActorPopulation: 0}


@pytest.mark.timeout(120)
def test_reference_run_is_reproduced_by_its_seed():
    small = scenario("policy levers", members=300, months=24)
    first, again = simulate_reference(small, 7), simulate_reference(small, 7)
    assert first.equals(again)
    assert not first.equals(simulate_reference(small, 8))
