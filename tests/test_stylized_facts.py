"""One test per stylized fact of docs/calibration.md: a direction with a margin, over several seeds.

Each test names the fact it pins; docs/ODD.md says which mechanism produces it and labels it
honestly: an *identity* is true by the code (a running maximum), a fact *by construction*
follows from an assumed form, and only an *emergent* fact comes out of interacting mechanisms
and counts as evidence. Seeds are fixed, so a failure is a change of behaviour, never chance.
"""

from __future__ import annotations

import numpy as np
import pytest

from aiecosim.model import EcosystemModel, Scenario, simulate
from aiecosim.model.kernels.misuse import marginal_uplift

from support.runs import across_seeds, run

SEEDS = 6
LATER = slice(12, None)  # years 2-10: after the initial flagships have been replaced
OPEN = {"policy.release_regime": "open-weights"}
API_ONLY = {"policy.release_regime": "api-only"}
LAB_NAMES = ("closed-leader", "closed-challenger", "safety-focused", "open-bigtech",
             "open-startup-lab")


def mean_over_seeds(overrides, metric, months=LATER, seeds=SEEDS) -> float:
    return float(across_seeds(overrides, metric, seeds, months).mean())


# 1 -------------------------------------------------------------------------- irreversibility
def test_released_weights_are_never_recalled():
    for overrides in (None, OPEN, {"policy.liability.strength": 0.9,
                                   "policy.liability.bearer": "developer"}):
        for seed in range(SEEDS):
            open_capability = run(overrides, seed)["open_capability"].to_numpy()
            assert np.all(np.diff(open_capability) >= 0.0)


def test_cutting_api_access_ends_api_misuse(baseline):
    cut = baseline.with_overrides({"events": [{"month": 60, "kind": "cut-api", "lab": "*"}]})
    for seed in range(SEEDS):
        series = simulate(cut, seed=seed)
        api = series["misuse_attempts_api"].to_numpy()
        opened = series["misuse_attempts_open"].to_numpy()
        assert api[:59].sum() > 0  # APIs were being abused before the cut
        assert api[59:].sum() == 0  # nothing goes through a cut API
        assert opened[59:].sum() > 0  # released weights keep being misused


# 2 --------------------------------------------------------------------- gated access leaks
def months_until_leak(access: int, seed: int) -> int:
    scenario = Scenario.baseline().with_overrides({
        "labs.open-bigtech.release_plan": ["staged"],
        "labs.open-bigtech.first_release_month": 2,
        "labs.open-bigtech.staged_access": access,
        "steps": 60,
    })
    model = EcosystemModel(scenario, rng=seed)
    lab = next(l for l in model.labs if l.spec.name == "open-bigtech")
    for _ in range(scenario.steps):
        model.step()
        if model.steps >= 2 and lab.leaked:
            return model.steps - 2
    return scenario.steps


def test_wider_staged_access_leaks_sooner():
    wide = [months_until_leak(100_000, s) for s in range(10)]  # LLaMA: 100,000 requests
    narrow = [months_until_leak(50, s) for s in range(10)]
    assert max(wide) <= 1  # leaked within the month, as LLaMA did within a week
    assert np.mean(narrow) > np.mean(wide) + 12


# 3 ------------------------------------------------------- open release: entry, concentration
def test_open_release_raises_entry_and_lowers_concentration():
    """Emergent: entry from the market's margins, provider concentration from who serves.

    Concentration falls among inference providers (self-hosting startups are their own), not
    among model developers (they run the labs' weights): ``hhi`` is by developer and is not
    lower under open weights (tests/test_market.py), so the fact holds at the provider level.
    """
    assert mean_over_seeds(OPEN, "startups_active") > 1.04 * mean_over_seeds(API_ONLY, "startups_active")
    assert mean_over_seeds(OPEN, "hhi_provider") < mean_over_seeds(API_ONLY, "hhi_provider") - 1_500


# 4 --------------------------------------------------------- compute stays concentrated
def test_compute_stays_concentrated_even_with_open_weights():
    """Of the compute that creates base models (labs' runs and academic groups'; startups'
    fine-tuning adapts them). Measured under lab finance, years 4-10: 0.871 with every lab
    open and 0.870 under api-only. With fine-tuning counted the open-weights share is 0.71,
    since capital-funded runs are smaller than the 2.4x/year trend in years 3-6."""
    later_years = slice(36, None)
    share_open = mean_over_seeds(OPEN, "compute_share_top3", later_years)
    share_api = mean_over_seeds(API_ONLY, "compute_share_top3", later_years)
    assert share_open > 0.8  # three labs buy most training compute even when all weights are open
    assert abs(share_open - share_api) < 0.1


# 5 --------------------------------------------------------------------------- open lag
def test_open_lag_emerges_in_months_not_typed_in():
    lags = across_seeds(None, "open_lag_months", SEEDS, LATER)
    assert np.all((lags > 3) & (lags < 15))  # Epoch AI: months to about a year
    # A richer open lab closes the gap: by about 4 months over 20 seeds (8.3 -> 4.1 months,
    # standard error of the difference about 1 month). Six seeds' means wander by 1.3 months
    # each, too much for a margin, so this comparison takes 20 seeds and a margin of 2 months.
    richer_open_lab = {"labs.open-bigtech.budget_usd_m": 200}
    baseline_lag = mean_over_seeds(None, "open_lag_months", seeds=20)
    assert mean_over_seeds(richer_open_lab, "open_lag_months", seeds=20) < baseline_lag - 2


# 6 ------------------------------------------------------------------------- marginal risk
def test_uplift_is_near_zero_below_the_harm_threshold_and_grows_above():
    threshold, scale, exponent = 26.0, 0.5, 0.35
    below, at, above, further = marginal_uplift(
        np.array([threshold - 2.5, threshold, threshold + 2, threshold + 6]),
        threshold, scale, exponent)
    assert below == at == 0.0  # RAND 2024: no significant uplift from 2023 models
    assert 1.0 < above < further  # and no ceiling above the threshold


def test_capability_below_harm_threshold_adds_almost_no_harm():
    far_threshold = {"misuse.harm_threshold": 32.0}  # frontier passes it only late in the run
    first_years = slice(0, 36)
    assert mean_over_seeds(far_threshold, "misuse_harm", first_years) < \
        0.02 * mean_over_seeds(None, "misuse_harm", first_years)


def test_safety_training_does_not_stop_misuse_of_open_weights():
    careful = {f"labs.{name}.safety": 1.0 for name in LAB_NAMES} | {"misuse.api_refusal": 1.0}
    careless = {f"labs.{name}.safety": 0.0 for name in LAB_NAMES}
    open_careful = mean_over_seeds(careful, "misuse_harm_open")
    open_careless = mean_over_seeds(careless, "misuse_harm_open")
    assert open_careful > 0.85 * open_careless  # stripping safeguards costs about $200
    assert mean_over_seeds(careful, "misuse_harm_api") < \
        0.5 * mean_over_seeds(careless, "misuse_harm_api")


# 7 ------------------------------------------------------------------ developer liability
def test_developer_liability_pushes_labs_toward_api():
    heavy = {"policy.liability.strength": 0.9, "policy.liability.bearer": "developer"}
    none = {"policy.liability.strength": 0.0}
    assert mean_over_seeds(heavy, "labs_open_share") < mean_over_seeds(none, "labs_open_share") - 0.2


# 8 --------------------------------------------------------------------------- watermarks
def test_watermark_mandate_binds_api_outputs_not_open_weights():
    marked = {"policy.watermark.mandate": True}
    api_cut = 1 - mean_over_seeds(marked, "misuse_harm_api") / mean_over_seeds(None, "misuse_harm_api")
    open_cut = 1 - mean_over_seeds(marked, "misuse_harm_open") / mean_over_seeds(None, "misuse_harm_open")
    assert api_cut > 0.25
    assert api_cut > 3 * open_cut


# 9 ------------------------------------------------- regulation helps in a middle band of risk
def risk_world(level: float, **policy) -> dict:
    """Harm per incident and the labs' expectation of it, scaled together by ``level``."""
    return {"misuse.harm_per_incident_usd_m": 5.0 * level, "misuse.liability_scale": 4.0 * level,
            **policy}


def welfare_gain(level: float, policy: dict) -> float:
    without = mean_over_seeds(risk_world(level, **{"policy.liability.strength": 0.0}), "welfare",
                              slice(None))
    return mean_over_seeds(risk_world(level, **policy), "welfare", slice(None)) - without


LIABILITY = {"policy.liability.strength": 0.5, "policy.liability.bearer": "developer"}
# A reward of 0.1 of a release's value per unit of safety: at 0.5 labs buy full safety, whose tax
# costs more innovation than the harm it prevents at low risk.
REWARD = {"policy.liability.strength": 0.0, "policy.safety_reward.strength": 0.1}


def test_regulation_helps_only_in_a_middle_band_of_risk():
    """Emergent and assumption-driven. The lower edge, at this test's horizon and seeds; on a
    continuous risk axis over ten years docs/findings.md (fact 9c, design risk-axis) finds the
    band from about x0.22 to x6.3 the baseline's risk, each edge with a bootstrap interval."""
    low, middle = (welfare_gain(level, LIABILITY) for level in (0.1, 1.0))
    assert middle > 0.2  # liability moves open-leaning labs to APIs and cuts harm
    assert low < 0.0  # little harm to prevent; liability only costs


def test_rewards_for_safe_actors_can_beat_punishment():
    """Shown at low risk; at high risk (docs/findings.md, fact 9b) neither is clearly ahead."""
    assert welfare_gain(0.1, REWARD) > welfare_gain(0.1, LIABILITY) + 0.02


# 10 ------------------------------------------------------------------------------- racing
LEVEL_FIELD = {f"labs.{name}.budget_usd_m": 100 for name in LAB_NAMES} | \
              {f"labs.{name}.skill": 0.0 for name in LAB_NAMES} | \
              {"finance.capability_pull": 0.0, "finance.growth_pull": 0.0}


def test_closer_races_mean_less_safety_effort():
    """Emergent from the race game (mechanism 6): with every lab funded alike (the same 2023
    run, the same skill, and investors who share the market evenly) the leader's lead is only
    months of progress, so it can afford less safety than the 2023 field's leader. Measured
    under lab finance: 0.541 against 0.564, lower by 0.019-0.026 in each of the six seeds.
    Equal 2023 budgets alone do not level the field there: investors who favour the more
    capable lab reopen the gaps (0.587)."""
    assert mean_over_seeds(LEVEL_FIELD, "safety_effort") < mean_over_seeds(None, "safety_effort") - 0.01


def test_more_enmity_means_less_safety_effort():
    """Emergent, and small at the 2023 field's gaps: the race binds only when the leader's own
    safety is more than its lead pays for (about 0.01 from enmity 0.1 to 0.9)."""
    calm, fierce = {"race.enmity": 0.1}, {"race.enmity": 0.9}
    assert mean_over_seeds(fierce, "safety_effort") < mean_over_seeds(calm, "safety_effort") - 0.005


def test_more_racing_labs_mean_less_safety_effort(baseline):
    """Each added lab is a copy of a lab of the field, a little behind it (0.02 in log10
    compute-equivalents), so the mix of labs' own safety preferences is unchanged and only the
    runner-up's distance to the leader shrinks. A copy that released later would leapfrog the
    leader by a month of progress and change little: more racers cut safety through closer
    gaps, as in Armstrong et al.'s model, not through their number."""
    data = baseline.to_dict()
    extra = [dict(lab, name=f"{lab['name']}-rival", skill=lab["skill"] - 0.02)
             for lab in data["labs"]]
    crowded = Scenario.from_dict({**data, "labs": data["labs"] + extra})

    crowded_safety = np.mean([simulate(crowded, seed=s)["safety_effort"].to_numpy()[LATER].mean()
                              for s in range(SEEDS)])
    # Measured 0.009 lower (6 seeds; 0.012 before demand saturated at the people online, which
    # slows labs' revenue growth and so the race); the margin is about half the effect.
    assert crowded_safety < mean_over_seeds(None, "safety_effort") - 0.005


# 11 -------------------------------------------------------------------- compute subsidies
def test_compute_subsidy_raises_academic_output_and_entry_but_not_the_frontier():
    nairr_x10 = {"policy.compute_subsidy.budget_usd_bn": 4.3}  # ten times NAIRR's $2.6B/6 years
    assert mean_over_seeds(nairr_x10, "academic_output") > 1.5 * mean_over_seeds(None, "academic_output")
    # Public compute covers compute only, a small share of startups' costs once inference gets
    # cheap: entry rises by about 1%. Under lab finance which lab wins the investors varies
    # from seed to seed, so entry differs by -3.6% to +3.4% between paired seeds; over 30
    # seeds the rise is measured at +0.8%.
    entry_seeds = 30
    assert mean_over_seeds(nairr_x10, "startups_active", seeds=entry_seeds) > \
        1.002 * mean_over_seeds(None, "startups_active", seeds=entry_seeds)
    lag_change = mean_over_seeds(nairr_x10, "open_lag_months") - mean_over_seeds(None, "open_lag_months")
    assert abs(lag_change) < 1.5
    assert abs(mean_over_seeds(nairr_x10, "frontier_capability")
               - mean_over_seeds(None, "frontier_capability")) < 0.2


# 12 ------------------------------------------------------------------------- defenders
def test_open_access_helps_defenders():
    assert mean_over_seeds(OPEN, "safety_research") > 1.2 * mean_over_seeds(API_ONLY, "safety_research")
    assert mean_over_seeds(OPEN, "defense_capacity") > 1.1 * mean_over_seeds(API_ONLY, "defense_capacity")


@pytest.mark.parametrize("regime", ["open-weights", "api-only", "lab-choice"])
def test_every_regime_runs_with_finite_metrics(regime):
    frame = run({"policy.release_regime": regime}, 0)
    assert np.isfinite(frame.drop("step").to_numpy()).all()
