"""Mechanisms that no stylized fact pins on its own: adaptive regulation, evaluation mandates,
scheduled events, the regime's constraint on releases, and the model's Mesa structure."""

from __future__ import annotations

import numpy as np
import pytest

from aiecosim.model import EcosystemModel, Scenario, simulate
from aiecosim.model.agents.academics import AcademicPopulation
from aiecosim.model.agents.bad_actors import BadActorPopulation
from aiecosim.model.agents.lab import FrontierLab
from aiecosim.model.agents.regulator import Regulator
from aiecosim.model.agents.startups import StartupPopulation
from aiecosim.model.kernels.misuse import OPEN_ROUTE
from aiecosim.model.kernels.policy import open_harm_shares, safety_cover
from aiecosim.model.kernels.release import WEIGHTS_PUBLIC

from support.runs import SCENARIOS, across_seeds


def test_model_is_a_mesa_model_with_every_agent_type(baseline):
    model = EcosystemModel(scenario=baseline, rng=1)
    model.step()
    types = set(model.agents_by_type)
    assert {FrontierLab, Regulator, StartupPopulation, AcademicPopulation,
            BadActorPopulation} <= types
    assert len(model.agents_by_type[FrontierLab]) == len(baseline.labs)
    assert model.steps == 1


def test_adaptive_regulator_tightens_after_harm_with_a_lag(baseline):
    adaptive = baseline.with_overrides({
        "policy.adaptive.enabled": True, "policy.adaptive.harm_trigger_usd_bn": 0.5,
        "policy.adaptive.lag_months": 6, "policy.adaptive.liability_step": 0.2,
        "policy.adaptive.restrict_release_after": 2,
    })
    model = EcosystemModel(adaptive, rng=2)
    for _ in range(adaptive.steps):
        model.step()
    strength = model.recorder.column("liability_strength")
    harm = model.recorder.column("misuse_harm")
    first_rise = int(np.argmax(strength > strength[0]))  # row of the month it first tightened
    assert strength[-1] > strength[0] + 0.3  # tightened at least twice
    # It acted on the three months that ended six months before: rows first_rise-8 .. -6.
    assert harm[first_rise - 8:first_rise - 5].mean() > 0.5
    assert harm[:first_rise - 5].max() > 0.5
    assert model.regulator.regime == "api-only"


def test_regime_forbids_releasing_weights_above_the_threshold(baseline):
    api_only = baseline.with_overrides({"policy.release_regime": "api-only"})
    model = EcosystemModel(api_only, rng=0)
    for _ in range(60):
        model.step()
        for lab in model.labs:
            if lab.capability > api_only.policy.api_only_threshold:
                assert not WEIGHTS_PUBLIC[lab.mode]


def test_evaluation_mandate_costs_delays_and_mitigates_api_misuse():
    mandate = {"policy.evaluation.mandate": True, "policy.evaluation.compute_threshold_flop": 1e25,
               "policy.evaluation.effectiveness": 0.8, "policy.release_regime": "api-only"}
    api_only = {"policy.release_regime": "api-only"}
    assert across_seeds(mandate, "evaluation_cost", 4).mean() > 0
    assert across_seeds(mandate, "misuse_harm_api", 4).mean() < \
        0.7 * across_seeds(api_only, "misuse_harm_api", 4).mean()


def test_scheduled_leak_makes_a_closed_flagship_public(baseline):
    leak = baseline.with_overrides({"events": [{"month": 3, "kind": "leak", "lab": "closed-leader"}]})
    model = EcosystemModel(leak, rng=0)
    for _ in range(3):
        model.step()
    leader = next(lab for lab in model.labs if lab.spec.name == "closed-leader")
    assert leader.weights_public
    assert model.world.open_capability >= leader.capability


def test_restored_api_serves_abusers_and_customers_again(baseline):
    events = [{"month": 24, "kind": "cut-api", "lab": "*"},
              {"month": 48, "kind": "restore-api", "lab": "*"}]
    frame = simulate(baseline.with_overrides({"events": events}), seed=1)
    api = frame["misuse_attempts_api"].to_numpy()
    assert api[23:47].sum() == 0 and api[47:].sum() > 0


def test_unknown_event_lab_is_a_clear_error(baseline):
    import pytest

    from aiecosim.model import ScenarioError

    with pytest.raises(ScenarioError, match="event names unknown lab 'nobody'"):
        baseline.with_overrides({"events": [{"month": 3, "kind": "leak", "lab": "nobody"}]})


def test_reused_lab_arrays_match_arrays_built_afresh_every_month(baseline):
    """Access keeps last month's per-lab arrays when no lab changed; with adaptive liability,
    API cuts and restores, releases and exits, they must always equal a fresh build."""
    from aiecosim.model.agents.access import build_access

    eventful = baseline.with_overrides({
        "policy.adaptive.enabled": True, "policy.adaptive.harm_trigger_usd_bn": 0.1,
        "policy.adaptive.lag_months": 3, "policy.liability.bearer": "developer",
    })
    reused = 0
    for seed in (1, 2):
        model = EcosystemModel(eventful, rng=seed)
        for month in range(1, eventful.steps + 1):
            if month == 30:
                model.cut_api(model.labs[0].spec.name)
            if month == 50:
                model.labs[0].api_open = True
            previous = model.access
            model.step()
            fresh = build_access(model)
            reused += model.access.lab_state == previous.lab_state
            for name in ("api_capability", "api_price", "api_mitigation", "monitoring", "refusal",
                         "liability_loading"):
                assert np.array_equal(getattr(model.access, name), getattr(fresh, name)), name
            assert model.access.best_api == fresh.best_api
            assert model.access.open_capability == fresh.open_capability
    # The reuse path really ran. It runs less often than before the race game: safety effort,
    # and so monitoring, now moves whenever a lab's liability bills do.
    assert reused > 4
    # Liability alone moves API prices (developers price expected liability into them).
    model = EcosystemModel(baseline.with_overrides({"policy.liability.bearer": "developer"}),
                           rng=1)
    for _ in range(36):
        model.step()
    before = model.access
    model.regulator.liability_strength *= 0.5
    after = build_access(model, before)
    assert not np.array_equal(after.api_price, before.api_price)
    assert np.array_equal(after.api_price, build_access(model).api_price)


# ----------------------------------------------------------------- liability for open weights
def test_open_weight_harm_is_split_by_market_share_or_charged_to_the_best_base():
    users = np.array([30.0, 0.0, 10.0, 60.0])  # the last: bases released before the run
    assert open_harm_shares("market-share", users, 2) == pytest.approx([0.3, 0.0, 0.1, 0.6])
    assert open_harm_shares("best-base", users, 2) == pytest.approx([0.0, 0.0, 1.0, 0.0])
    nobody = np.zeros(4)  # nobody deploys open weights: the best base's developer is named
    assert open_harm_shares("market-share", nobody, 1) == pytest.approx([0.0, 1.0, 0.0, 0.0])
    assert not open_harm_shares("market-share", nobody, -1).any()  # a base from before the run


def test_under_market_share_liability_every_open_developer_in_use_is_billed():
    scenario = Scenario.load(SCENARIOS / "baseline.toml").with_overrides(
        {"steps": 30, "policy.liability.bearer": "developer", "policy.liability.strength": 0.5})
    model = EcosystemModel(scenario, rng=1)
    billed_at_once = 0
    for _ in range(scenario.steps):
        model.step()
        if model.bad_actors.harm_usd_bn[OPEN_ROUTE] > 0:
            users = model.startups.open_users_by_origin[:-1]
            paying = [lab.liability_paid > 0 for lab in model.labs]
            assert all(paying[i] for i in np.flatnonzero(users > 0) if model.labs[i].active)
            billed_at_once = max(billed_at_once, int(np.sum(paying)))
    assert billed_at_once >= 2


def test_a_subsidy_for_a_tiny_safety_need_pays_it_in_full_without_overflow():
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        cover = safety_cover(1e9, 0.3, np.array([1e-300, 1e9, 0.0]), np.ones(3))
    assert cover == pytest.approx([1.0, 1.0, 0.0])


def test_algorithmic_spillover_stays_bounded_when_academics_start_with_almost_no_access(
        baseline):
    """Only safety groups, no API access for them, open weights a year away: month 1's output
    is near zero. The spill-over is measured in units of month 1's output at full access, so
    the first open release raises algorithmic progress by at most the spill-over share, not
    a thousandfold (it once added thirty orders of magnitude in a month)."""
    shut_out = baseline.with_overrides({
        "populations.academics.safety_share": 1.0, "populations.academics.api_access_factor": 0.0,
        "technology.research_spillover": 1.0, "steps": 36, "populations.academics.count": 300,
    })
    model = EcosystemModel(shut_out, rng=3)
    normal = np.log10(2.0) / shut_out.technology.algorithmic_halving_months
    gains, before = [], 0.0
    for _ in range(shut_out.steps):
        model.step()
        gains.append(model.world.algorithmic_log10 - before)
        before = model.world.algorithmic_log10
    assert model.world.open_depth > 0.5  # weights did arrive, and access with them
    assert max(gains) <= 2.0 * normal + 1e-12  # spill-over 1: at most double progress
    assert max(gains) > 1.05 * normal  # and it did act


def test_a_lab_with_every_dollar_held_for_its_bills_postpones_its_run(baseline):
    """Under the capital form a lab that owes more than it holds can fund no run; it waits
    (capability unchanged and finite) rather than train a run of no compute."""
    sued = baseline.with_overrides({
        "finance.form": "capital", "finance.flagship_share": 1e-6,  # capital dwarfs any run
        "policy.liability.bearer": "shared", "misuse.harm_per_incident_usd_m": 10_000.0,
        "labs.open-bigtech.direct_users_m": 0.0, "labs.open-bigtech.release_interval_months": 1,
        "misuse.harm_threshold": 24.0, "misuse.uplift_scale": 1e-6,
        "populations.startups.exit_hazard": 1.0, "finance.capability_pull": 0.0, "steps": 15,
    })
    model = EcosystemModel(sued, rng=0)
    lab = next(lab for lab in model.labs if lab.spec.name == "open-bigtech")
    waited = 0
    for _ in range(sued.steps):
        model.step()
        if lab.active and lab.run_cost_usd() <= 0.0:
            waited += 1
        assert np.isfinite([other.capability for other in model.labs]).all()
    assert waited > 0
