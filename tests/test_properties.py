"""Property-based tests over the whole parameter box: metrics stay finite and in range.

The strategies are generated from the scenario schema's own bounds, so a new parameter is
covered without touching this file.
"""

from __future__ import annotations

import typing

import numpy as np
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from aiecosim.model import Scenario, keys, simulate
from aiecosim.model.scenario import Lab
from aiecosim.model.schema_walk import Leaf, leaves

SHARES = ("labs_open_share", "startups_open_share", "compute_share_top3", "liability_strength",
          "safety_effort")
COUNTS = ("labs_active", "startups_active", "misuse_attempts", "misuse_incidents",
          "misuse_attempts_open", "misuse_attempts_api", "misuse_attempts_api_abroad",
          "tail_events", "bad_actors_engaged", "api_bans")
NON_NEGATIVE = ("innovation", "academic_output", "safety_research", "defense_capacity",
                "misuse_harm", "misuse_harm_open", "misuse_harm_api", "tail_harm_expected",
                "tail_harm_sampled", "liability_paid",
                "evaluation_cost", "public_compute_used", "open_lag_months")
SKIPPED = {"schema_version", "name", "description", "steps", "start_year", "labs", "events",
           "release_plan", "count", "initial_mode"}
# Population sizes stay small, so each example runs in milliseconds and memory stays bounded:
# the schema allows 100,000 segments of 100,000 firms each, which no example needs to reach.
POPULATION_SIZES = {
    "count": st.integers(10, 300),
    "segments": st.integers(1, 20),
    "initial_per_segment": st.integers(0, 50),
    "max_firms": st.integers(1, 5_000),
}


def leaf_strategy(leaf: Leaf) -> st.SearchStrategy | None:
    """A strategy for one scalar field, within its schema bounds; None for non-scalars."""
    annotation = leaf.annotation
    if annotation is bool:
        return st.booleans()
    if typing.get_origin(annotation) is typing.Literal:
        return st.sampled_from(typing.get_args(annotation))
    if annotation not in (int, float):
        return None
    lo, hi = leaf.low, leaf.high
    if lo is not None and leaf.low_exclusive:
        lo += 1 if annotation is int else 1e-6
    if annotation is int:
        return st.integers(int(lo), int(hi))
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False)


def section_strategies(found) -> dict[str, st.SearchStrategy]:
    strategies = {leaf.key: leaf_strategy(leaf) for leaf in found if leaf.name not in SKIPPED}
    return {key: strategy for key, strategy in strategies.items() if strategy is not None}


def parameter_box() -> st.SearchStrategy[dict]:
    """Every scalar of the scenario at once, plus small populations and every lab's fields."""
    baseline = Scenario.baseline()
    fields = section_strategies(leaves(Scenario))
    for leaf in leaves(Scenario):
        if leaf.name in POPULATION_SIZES:
            fields[leaf.key] = POPULATION_SIZES[leaf.name]
    for lab in baseline.labs:
        for key, strategy in section_strategies(leaves(Lab, keys.lab_key(lab.name))).items():
            if not key.endswith(".name"):
                fields[key] = strategy
    return st.fixed_dictionaries(fields)


BOX = parameter_box()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(overrides=BOX, seed=st.integers(0, 2**31 - 1), steps=st.integers(1, 36))
# A lab whose capital is all held for its liability bills could fund a run of no compute,
# whose capability was -inf (log10 of zero FLOP), and investors' shares then NaN.
@example(overrides={"policy.liability.bearer": "shared", "finance.capability_pull": 0.0,
                    "finance.flagship_share": 1e-06, "misuse.harm_threshold": 24.0,
                    "misuse.uplift_scale": 1e-06, "misuse.harm_per_incident_usd_m": 10000.0,
                    "populations.startups.exit_hazard": 1.0,
                    "labs.open-bigtech.release_interval_months": 1,
                    "labs.open-bigtech.direct_users_m": 0.0},
         seed=0, steps=15)
# Academics who began with almost no access: the algorithmic spill-over, measured against
# month 1's output, grew a thousandfold and serving costs overflowed.
@example(overrides={"policy.safety_reward.strength": 1.0, "technology.research_spillover": 1.0,
                    "finance.investment_usd_bn": 95212.9065, "finance.capability_pull": 0.0,
                    "misuse.attempt_reference_cost_usd": 1036326.1604,
                    "misuse.liability_scale": 0.0,
                    "populations.startups.segments": 6,
                    "populations.startups.serving_capability_elasticity": 2.0,
                    "populations.academics.safety_share": 1.0,
                    "populations.academics.api_access_factor": 0.0,
                    "labs.closed-challenger.budget_usd_m": 602722.7386,
                    "labs.closed-challenger.skill": 1.9265, "labs.closed-challenger.safety": 0.0,
                    "labs.closed-challenger.first_release_month": 600,
                    "labs.safety-focused.parent_funding_usd_bn": 10000.0,
                    "labs.open-bigtech.budget_usd_m": 0.01,
                    "labs.open-bigtech.first_release_month": 1,
                    "labs.open-bigtech.direct_users_m": 0.0,
                    "labs.open-startup-lab.budget_usd_m": 0.01,
                    "labs.open-startup-lab.skill": 0.8511, "labs.open-startup-lab.safety": 0.4897,
                    "labs.foreign-open-lab.safety": 0.0,
                    "labs.foreign-open-lab.release_interval_months": 1},
         seed=567753730, steps=20)
def test_metrics_stay_finite_and_in_range_over_the_parameter_box(overrides, seed, steps):
    scenario = Scenario.baseline().with_overrides({**overrides, "steps": steps})
    frame = simulate(scenario, seed=seed)
    values = frame.drop("step").to_numpy()
    assert np.isfinite(values).all(), frame.columns
    for column in SHARES:
        assert frame[column].min() >= 0.0 and frame[column].max() <= 1.0, column
    for column in COUNTS + NON_NEGATIVE:
        assert frame[column].min() >= 0.0, column
    assert frame["hhi"].min() >= 0.0 and frame["hhi"].max() <= 10_000.0
    assert np.all(np.diff(frame["open_capability"].to_numpy()) >= 0.0)


def longest_horizon() -> int:
    return next(m.le for m in Scenario.model_fields["steps"].metadata if hasattr(m, "le"))


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(overrides=BOX, seed=st.integers(0, 2**31 - 1),
       steps=st.integers(longest_horizon() // 2, longest_horizon()))
@example(overrides={"populations.startups.users_capability_elasticity": 1.0,
                    "populations.startups.users_price_elasticity": 1.0,
                    "populations.startups.inference_cost_decline": 1000.0,
                    "populations.startups.segments": 5, "populations.academics.count": 100,
                    "populations.bad_actors.count": 100}, seed=1, steps=longest_horizon())
# Algorithms doubling every two months for 25 years: the cheapest API's price, taken as its
# price divided by its capability scale, was inf / inf.
@example(overrides={"technology.algorithmic_halving_months": 2.00001,
                    "populations.startups.serving_capability_elasticity": 1.6}, seed=0, steps=300)
def test_long_horizons_stay_finite_over_the_parameter_box(overrides, seed, steps):
    """Growth compounds for up to fifty years: nothing may overflow (to inf, or to NaN from
    inf - inf) anywhere inside the schema's bounds."""
    scenario = Scenario.baseline().with_overrides({**overrides, "steps": steps})
    with np.errstate(over="raise", invalid="raise"):  # an overflow anywhere fails, not only at the end
        frame = simulate(scenario, seed=seed)
    assert np.isfinite(frame.drop("step").to_numpy()).all(), frame.columns
    assert frame["hhi"].min() >= 0.0 and frame["hhi"].max() <= 10_000.0


@settings(max_examples=25, deadline=None)
@given(regime=st.sampled_from(["open-weights", "api-only", "lab-choice"]),
       strength=st.floats(0, 1), bearer=st.sampled_from(["developer", "deployer", "shared"]),
       subsidy=st.floats(0, 100), seed=st.integers(0, 1000))
def test_policy_levers_never_break_the_run(regime, strength, bearer, subsidy, seed):
    scenario = Scenario.baseline().with_overrides({
        "policy.release_regime": regime, "policy.liability.strength": strength,
        "policy.liability.bearer": bearer, "policy.compute_subsidy.budget_usd_bn": subsidy,
        "steps": 24, "populations.startups.segments": 4, "populations.academics.count": 200,
        "populations.bad_actors.count": 500,
    })
    frame = simulate(scenario, seed=seed)
    assert np.isfinite(frame.drop("step").to_numpy()).all()
    assert 0.0 <= frame["hhi"].min() and frame["hhi"].max() <= 10_000.0
