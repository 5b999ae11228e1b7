"""Misuse and defence (mechanisms 7 and 8 of docs/ODD.md): unbounded uplift, tiers of bad
actors, attempts that rise as access gets cheaper, the catastrophic tail and the defence forms.

Kernels are tested directly; the rest with real model runs over fixed seeds, each a direction
with a margin chosen from measured values (noted beside each assertion).
"""

from __future__ import annotations

import numpy as np
import pytest

from aiecosim.model import Scenario, ScenarioError, simulate
from aiecosim.model.kernels.defense import DEFENSE_FORMS, defender_access, defense_step
from aiecosim.model.kernels.misuse import (
    attempt_probability,
    marginal_uplift,
    tail_probability,
    tier_members,
)

THRESHOLD, SCALE, EXPONENT = 26.0, 0.5, 0.35  # the schema's defaults
SEEDS = 4


def yearly(frame, metric: str) -> np.ndarray:
    """Yearly means of a monthly column."""
    return frame[metric].to_numpy().reshape(-1, 12).mean(axis=1)


def runs(overrides: dict | None, seeds: int = SEEDS) -> list:
    scenario = Scenario.baseline().with_overrides(overrides) if overrides else Scenario.baseline()
    return [simulate(scenario, seed) for seed in range(seeds)]


# ------------------------------------------------------------------------------------ uplift
def test_uplift_is_zero_at_or_below_the_threshold():
    capabilities = np.array([-np.inf, 20.0, THRESHOLD - 0.01, THRESHOLD])
    assert np.all(marginal_uplift(capabilities, THRESHOLD, SCALE, EXPONENT) == 0.0)
    assert marginal_uplift(THRESHOLD, THRESHOLD, SCALE, EXPONENT) == 0.0
    assert marginal_uplift(float("-inf"), THRESHOLD, SCALE, EXPONENT) == 0.0


def test_uplift_grows_strictly_and_without_a_ceiling():
    excess = np.linspace(0.01, 40.0, 400)
    uplift = marginal_uplift(THRESHOLD + excess, THRESHOLD, SCALE, EXPONENT)
    assert np.all(np.diff(uplift) > 0)
    assert marginal_uplift(THRESHOLD + SCALE, THRESHOLD, SCALE, EXPONENT) == pytest.approx(1.0)
    # No ceiling: doubling the excess always multiplies uplift by 2^exponent.
    doubled = marginal_uplift(THRESHOLD + 2 * excess, THRESHOLD, SCALE, EXPONENT)
    assert np.allclose(doubled / uplift, 2.0**EXPONENT)
    at_half = marginal_uplift(THRESHOLD + 0.5, THRESHOLD, SCALE, EXPONENT)
    assert marginal_uplift(THRESHOLD + 10.0, THRESHOLD, SCALE, EXPONENT) > 2.5 * at_half  # 2.85
    assert marginal_uplift(THRESHOLD + 20.0, THRESHOLD, SCALE, EXPONENT) > 3.0 * at_half  # 3.64
    # Concave: each order of magnitude adds less than the one before.
    assert np.all(np.diff(uplift, 2) < 0)


def test_uplift_of_one_model_is_a_float_and_agrees_with_the_array_form():
    for capability in (25.0, 26.7, 31.2):
        one = marginal_uplift(capability, THRESHOLD, SCALE, EXPONENT)
        assert isinstance(one, float)
        assert one == pytest.approx(float(marginal_uplift(np.array([capability]), THRESHOLD,
                                                          SCALE, EXPONENT)[0]))


# ------------------------------------------------------------------------ harm has no ceiling
@pytest.fixture(scope="module")
def baseline_runs():
    return runs(None)


def test_harm_keeps_rising_and_faster_progress_brings_more(baseline_runs):
    faster = runs({"technology.algorithmic_halving_months": 4})
    base_year10 = np.array([yearly(f, "misuse_harm")[9] for f in baseline_runs])
    fast_year10 = np.array([yearly(f, "misuse_harm")[9] for f in faster])
    assert fast_year10.mean() > 1.1 * base_year10.mean()  # measured: about 1.18x
    for frame in baseline_runs:
        harm = yearly(frame, "misuse_harm")
        # A logistic uplift saturated by year 3; now harm in year 10 is about 6x year 3.
        assert harm[9] > 4.0 * harm[2]
        assert np.all(np.diff(harm) > 0)


# ------------------------------------------------------------------------------- the tail
def test_tail_probability_rises_with_uplift_and_stays_a_probability():
    assert tail_probability(0.0, 1e-4, 2.0) == 0.0
    ps = [tail_probability(u, 1e-4, 2.0) for u in (0.5, 1.0, 2.0, 4.0)]
    assert np.all(np.diff(ps) > 0)
    # At one unit of uplift a month's chance compounds to annual_probability over a year.
    assert 1.0 - (1.0 - tail_probability(1.0, 1e-4, 2.0)) ** 12 == pytest.approx(1e-4)
    assert tail_probability(1e3, 0.5, 2.0) == 1.0


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_expected_tail_harm_matches_the_mean_of_sampled_tail_harm():
    # Reduced runs (one year, small bad-actor and academic populations) with a tail frequent
    # enough to be counted (about two events a run) and uplift from the first month.
    scenario = Scenario.baseline().with_overrides({
        "steps": 12, "populations.bad_actors.count": 100, "populations.academics.count": 10,
        "misuse.tail.annual_probability": 0.5, "misuse.harm_threshold": 25.0,
    })
    n = 2_000
    expected, sampled = np.zeros(n), np.zeros(n)
    for seed in range(n):
        frame = simulate(scenario, seed)
        expected[seed] = frame["tail_harm_expected"].sum()
        sampled[seed] = frame["tail_harm_sampled"].sum()
        assert set(np.unique(frame["tail_events"].to_numpy())) <= {0.0, 1.0}
    assert expected.mean() > 50.0  # the tail is really exercised (measured: 92 USD bn a run)
    diff = sampled - expected  # paired: each run's draws against its own expectation
    half_width = 1.96 * diff.std(ddof=1) / np.sqrt(n)
    assert abs(diff.mean()) < half_width, (expected.mean(), sampled.mean(), half_width)


def test_tail_expectation_is_part_of_misuse_harm_and_the_draw_is_not(baseline_runs):
    scenario = Scenario.baseline().with_overrides({"misuse.tail.annual_probability": 0.0})
    for seed, frame in enumerate(baseline_runs[:2]):
        without = simulate(scenario, seed)
        assert without["tail_harm_expected"].sum() == 0.0
        assert frame["tail_harm_expected"].sum() > 0.0
        route_sum = frame["misuse_harm_open"] + frame["misuse_harm_api"]
        assert np.allclose(route_sum.to_numpy(), frame["misuse_harm"].to_numpy())
    big = Scenario.baseline().with_overrides({"misuse.tail.annual_probability": 0.01,
                                             "steps": 48})
    frame = simulate(big, 0)
    assert frame["misuse_harm"].sum() >= frame["tail_harm_expected"].sum()
    assert frame["tail_harm_sampled"].sum() == 100.0 * frame["tail_events"].sum()


# -------------------------------------------------------------------------------- tiers
def test_tier_split_is_exact_and_adds_up():
    assert tier_members([0.9, 0.09, 0.01], 10_000).tolist() == [9_000, 900, 100]
    for count in (10, 77, 1_001):
        assert tier_members([0.9, 0.09, 0.01], count).sum() == count


def test_a_tier_that_never_reaches_its_capability_never_attempts():
    never = [{"name": "never", "share": 1.0, "skill": 1.0, "joins_at": 40.0}]
    frame = simulate(Scenario.baseline().with_overrides({
        "steps": 36, "populations.bad_actors.tiers": never}), 0)
    for metric in ("bad_actors_engaged", "misuse_attempts", "misuse_incidents", "misuse_harm",
                   "tail_harm_expected", "api_bans"):
        assert frame[metric].sum() == 0.0, metric
    half = [{"name": "early", "share": 0.5, "skill": 1.0, "joins_at": 24.0},
            {"name": "never", "share": 0.5, "skill": 1.0, "joins_at": 40.0}]
    frame = simulate(Scenario.baseline().with_overrides({
        "steps": 36, "populations.bad_actors.tiers": half}), 0)
    assert np.all(frame["bad_actors_engaged"].to_numpy() == 5_000)
    assert frame["misuse_attempts"].sum() > 0


def test_tiers_join_as_capability_grows(baseline_runs):
    for frame in baseline_runs:
        engaged = frame["bad_actors_engaged"].to_numpy()
        assert engaged[0] < 10_000 and engaged[-1] == 10_000  # sophisticated join at 27
        assert np.all(np.diff(engaged) >= 0)


def test_cheaper_access_brings_more_attempts(baseline_runs):
    assert attempt_probability(0.1, 20.0, 20.0, 0.3) == pytest.approx(0.1)  # month 1
    assert attempt_probability(0.1, 20.0, 2.0, 0.3) == pytest.approx(0.1 * 10**0.3)
    assert attempt_probability(0.9, 20.0, 1e-6, 1.0) == 1.0
    assert attempt_probability(0.1, 20.0, float("inf"), 0.3) == 0.0
    cheap = runs({"misuse.api_access_cost_usd": 2.0}, seeds=2)
    for base, low in zip(baseline_runs, cheap):
        # (20 / 2) ** 0.3 = 2x the attempt probability
        assert low["misuse_attempts"].sum() > 1.6 * base["misuse_attempts"].sum()
    # Compute gets cheaper, so attempts per engaged actor rise over the run.
    for frame in baseline_runs:
        attempts = yearly(frame, "misuse_attempts")
        assert attempts[9] > 2.0 * attempts[2]


# ------------------------------------------------------------------------------ defence
def test_defence_forms_differ_only_in_what_access_adds():
    uplift, bonus = 2.0, 0.5
    for depth in (0.0, 0.4, 1.0):
        assert defender_access("neither", uplift, bonus, depth) == 0.0
        assert defender_access("frontier-api", uplift, bonus, depth) == uplift  # no open bonus
        assert defender_access("open-weights", uplift, bonus, depth) == \
            pytest.approx(uplift * (1 + bonus * depth))
    assert defense_step(1.0, 0.02, 3.0, 0.02, 0.0, 0.02) == pytest.approx(0.98 + 0.06)
    with pytest.raises(ValueError, match="unknown defense form"):
        defender_access("both", uplift, bonus, 1.0)


@pytest.mark.parametrize("form", DEFENSE_FORMS)
def test_every_defence_form_runs(form):
    scenario = Scenario.baseline().with_overrides({"defense.form": form, "steps": 60})
    frame = simulate(scenario, 0)
    assert np.isfinite(frame.drop("step").to_numpy()).all()
    defence = frame["defense_capacity"].to_numpy()
    research = frame["safety_research"].to_numpy()
    d = scenario.defense
    research_only = np.empty_like(defence)
    previous = d.initial
    for month, r in enumerate(research):
        previous = previous * (1 - d.decay) + d.research_weight * r
        research_only[month] = previous
    if form == "neither":  # defence is exactly the safety-research recursion
        assert np.allclose(defence, research_only)
    else:  # defenders' use of capable models adds to it once uplift is positive
        assert np.all(defence >= research_only - 1e-12)
        assert defence[-1] > 1.2 * research_only[-1]


# ----------------------------------------------------------------------------- bad input
@pytest.mark.parametrize("shares", [(0.9, 0.09, 0.0), (0.5, 0.5, 0.5)])
def test_tier_shares_that_do_not_add_up_are_refused(shares):
    tiers = [{"name": name, "share": share, "skill": 1.0, "joins_at": 24.0}
             for name, share in zip(("a", "b", "c"), shares)]
    with pytest.raises(ScenarioError, match=r"populations\.bad_actors\.tiers: tier shares must "
                                            r"add up to 1"):
        Scenario.baseline().with_overrides({"populations.bad_actors.tiers": tiers})


def test_repeated_tier_names_are_refused():
    tiers = [{"name": "a", "share": 0.5, "skill": 1.0, "joins_at": 24.0}] * 2
    with pytest.raises(ScenarioError, match=r"populations\.bad_actors\.tiers: .*repeated: a"):
        Scenario.baseline().with_overrides({"populations.bad_actors.tiers": tiers})


def test_unknown_defence_form_is_refused():
    with pytest.raises(ScenarioError, match=r"defense\.form"):
        Scenario.baseline().with_overrides({"defense.form": "both"})
