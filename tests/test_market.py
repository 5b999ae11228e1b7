"""The downstream market: entry as a flow, free entry within segments, choice among public
models, falling inference prices, and concentration at three levels (mechanism 5)."""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
import pytest

from aiecosim.model import Scenario, simulate
from aiecosim.model.agents.startups import StartupPopulation
from aiecosim.model.ecosystem import EcosystemModel
from aiecosim.model.kernels.market import (
    api_markups,
    arrivals_within,
    attraction,
    entry_rate,
    hhi,
    serving_cost,
    use_shares,
    user_targets,
)
from aiecosim.model.kernels.misuse import marginal_uplift

SEEDS = (1, 2, 3)
LAST_YEAR = slice(108, 120)


@lru_cache(maxsize=None)
def final_year(overrides: tuple, metric: str) -> np.ndarray:
    scenario = Scenario.baseline().with_overrides(dict(overrides))
    return np.array([simulate(scenario, seed)[metric][LAST_YEAR].mean() for seed in SEEDS])


# ------------------------------------------------------------------------------------ kernels
def test_entry_stops_where_the_segment_is_full_and_rises_with_room():
    pull = np.array([0.0, 10.0, 20.0, 40.0])
    # demand 1e6 users at 0.003 USD k margin each, 60 USD k cost: room for 49 firms in all.
    rate = entry_rate(1e6, 0.003, 60.0, 1.0, pull, 0.1)
    assert rate.tolist() == pytest.approx([4.9, 3.9, 2.9, 0.9])
    assert entry_rate(1e6, 0.003, 60.0, 1.0, np.array([60.0]), 0.1).tolist() == [0.0]
    assert entry_rate(1e6, -0.001, 60.0, 1.0, pull, 0.1).tolist() == [0.0] * 4
    assert (entry_rate(2e6, 0.003, 60.0, 1.0, pull, 0.1) > rate).all()


def test_firms_share_their_segment_by_pull():
    weight = np.array([1.0, 1.0, 0.5, 2.0])
    segment = np.array([0, 0, 0, 1])
    pull = np.bincount(segment, weights=weight)
    users = user_targets(900.0, weight, segment, pull)
    assert users.tolist() == pytest.approx([360.0, 360.0, 180.0, 900.0])
    assert attraction(np.array([30.0, 29.0, -np.inf]), 30.0, 0.2).tolist() == \
        pytest.approx([1.0, 10 ** -0.2, 0.0])


def test_serving_cost_falls_tenfold_a_year_at_fixed_capability():
    start, year = (serving_cost(25.0, 25.0, months, 1.2, 0.7, 10.0) for months in (0, 12))
    assert float(start / year) == pytest.approx(10.0)
    bigger = serving_cost(26.0, 25.0, 0, 1.2, 0.7, 10.0)
    assert float(bigger / start) == pytest.approx(10 ** 0.7)


def test_an_api_with_a_lead_charges_more_and_one_without_the_base_markup():
    capability = np.array([27.0, 26.0, -np.inf])
    markups = api_markups(capability, best_public=25.0, base_markup=0.25, lead_scale=0.2)
    assert markups[0] == pytest.approx(0.25 * (1 + 1.0 / 0.2))  # one order ahead of the rival
    assert markups[1] == pytest.approx(0.25)  # behind the leader: no lead
    caught_up = api_markups(capability, best_public=27.0, base_markup=0.25, lead_scale=0.2)
    assert caught_up[0] == pytest.approx(0.25)  # public weights as good: competition binds


def test_merging_providers_into_developers_never_lowers_concentration():
    rng = np.random.default_rng(0)
    for _ in range(100):
        labs, own = rng.random(4) * 1e6, rng.random(50) * 1e4
        runs_on = rng.integers(0, 4, own.size)
        merged = labs + np.bincount(runs_on, weights=own, minlength=4)
        assert hhi(merged) >= hhi(labs, own) - 1e-9


# -------------------------------------------------------------------------------- the model
def test_market_size_comes_from_demand_not_from_the_entry_flow():
    base = final_year((), "startups_active")
    double_flow = final_year((("populations.startups.entry_flow", 0.3),), "startups_active")
    double_users = final_year((("populations.startups.segment_users", 960_000.0),),
                              "startups_active")
    change = double_flow.mean() / base.mean() - 1.0
    assert abs(change) < 0.25, change
    assert (double_users > 1.2 * base).all(), (double_users, base)


def test_no_pool_caps_entry_the_population_grows_with_demand():
    scenario = Scenario.baseline()
    model = EcosystemModel(scenario, rng=1)
    start = model.startups.kind.size
    for _ in range(scenario.steps):
        model.step()
    assert model.startups.active > 10 * start  # far beyond the rows it started with
    assert model.startups.kind.size >= model.startups.active


def test_open_weights_regime_concentration_by_developer_is_at_least_by_provider():
    scenario = Scenario.baseline().with_overrides({"policy.release_regime": "open-weights"})
    for seed in SEEDS:
        frame = simulate(scenario, seed)
        assert (frame["hhi"] >= frame["hhi_provider"] - 1e-6).all()
        assert frame["hhi"][LAST_YEAR].mean() > 2 * frame["hhi_provider"][LAST_YEAR].mean()


def test_labs_that_release_weights_also_serve_them_by_api():
    scenario = Scenario.baseline().with_overrides({"policy.release_regime": "open-weights"})
    model = EcosystemModel(scenario, rng=1)
    for _ in range(24):
        model.step()
    assert all(lab.weights_public and lab.serves_api for lab in model.labs)
    assert model.startups.provider_users.sum() > 0  # some startups use those APIs


def test_open_startups_spread_over_public_models_about_as_good():
    twin = {"budget_usd_m": 20, "openness": 0.9, "safety": 0.3, "initial_mode": "open-weights",
            "first_release_month": 6}
    scenario = Scenario.baseline().with_overrides({
        "policy.release_regime": "open-weights", "steps": 24,
        "labs": [dict(twin, name="twin-a"), dict(twin, name="twin-b")],
    })
    for seed in SEEDS:
        model = EcosystemModel(scenario, rng=seed)
        for _ in range(scenario.steps):
            model.step()
        by_origin = model.startups.open_users_by_origin[:2]
        shares = by_origin / by_origin.sum()
        assert shares.min() > 0.3, shares


def test_inference_price_falls_at_a_calibrated_rate_over_any_24_months():
    """AI Index 2025 and Epoch AI (2025): 9x to 900x a year at fixed capability."""
    for seed in SEEDS:
        price = simulate(Scenario.baseline(), seed)["inference_price"].to_numpy()
        yearly = (price[:-24] / price[24:]) ** 0.5
        assert ((yearly >= 9.0) & (yearly <= 900.0)).all(), (yearly.min(), yearly.max())


def test_first_year_entry_is_near_the_count_of_newly_funded_ai_companies():
    """Calibration (entry_flow): AI Index 2024 counts 1,812 newly funded US AI companies in 2023."""
    for seed in SEEDS:
        entered = simulate(Scenario.baseline(), seed)["startups_entered"][:12].sum()
        assert 1_200 <= entered <= 2_600, entered


def test_a_month_runs_the_named_phases_in_order(monkeypatch):
    model = EcosystemModel(Scenario.baseline().with_overrides({"steps": 3}), rng=1)
    seen: list[str] = []
    for phase in ("enter", "choose_base", "compete_pay_exit"):
        original = getattr(StartupPopulation, phase)

        def record(self, *args, _phase=phase, _original=original):
            seen.append(_phase)
            return _original(self, *args)
        monkeypatch.setattr(StartupPopulation, phase, record)
    model.step()  # the first month also lets the firms at the start choose before entry
    seen.clear()
    model.step()
    assert seen == ["enter", "choose_base", "compete_pay_exit"]


def test_use_shares_split_the_labs_users_and_are_zero_when_nobody_uses_them():
    assert use_shares(np.array([3.0, 1.0, 0.0])) == pytest.approx([0.75, 0.25, 0.0])
    assert np.all(use_shares(np.zeros(3)) == 0.0)


def test_a_labs_accidents_follow_its_share_of_use():
    """Accidents happen in use (docs/ODD.md 7.7): at month 48 of the baseline each lab's
    accident harm at zero safety is the flagship constant x its uplift x its share of the
    labs' users, so more labs split the accidents of the same use rather than multiply them."""
    model = EcosystemModel(Scenario.baseline(), rng=0)
    for _ in range(48):
        model.step()
    m, a = model.scenario.misuse, model.scenario.accidents
    users = model.startups.provider_users + np.array([lab.direct_users() for lab in model.labs])
    checked = 0
    for lab, share in zip(model.labs, users / users.sum()):
        uplift = float(marginal_uplift(lab.capability, m.harm_threshold, m.uplift_scale,
                                       m.uplift_exponent))
        if lab.active and not lab.evaluated and uplift > 0:
            expected = a.harm_per_uplift_usd_bn * uplift * share
            assert lab.accident_harm_at_zero_safety_usd_bn() == pytest.approx(expected)
            checked += 1
    assert checked >= 2


def test_hhi_of_vanishing_usage_is_still_its_shares():
    """Usage so small that its square underflows (seen in a property test) has the same HHI."""
    tiny = np.array([0.0, 4e-231, 0.0])
    assert hhi(tiny) == pytest.approx(10_000.0)
    assert hhi(np.array([3e-200, 1e-200])) == pytest.approx(hhi(np.array([3.0, 1.0])))
    # Players counted one by one arrive as float32; a subnormal total must not become 0/0.
    no_users = np.zeros(3, dtype=np.float32)
    with np.errstate(invalid="raise", divide="raise"):
        assert hhi(np.array([1e-300, 3e-300]), no_users) == pytest.approx(hhi(np.array([1.0, 3.0])))


def test_equal_players_count_as_their_arrays_would():
    """Groups of equal players (academic groups, fine-tuning startups) give the HHI that an
    array of their equal shares gives, without the array; also for tiny and zero totals."""
    from aiecosim.model.kernels.market import hhi_of_equal_players
    rng = np.random.default_rng(5)
    for _ in range(200):
        labs = rng.exponential(size=int(rng.integers(0, 6))) * 10.0 ** rng.integers(-60, 10)
        equal = [(float(rng.exponential()) * 10.0 ** int(rng.integers(-60, 10)),
                  int(rng.integers(1, 5000))) for _ in range(2)]
        arrays = [np.full(count, part / count) for part, count in equal]
        assert hhi_of_equal_players(labs, *equal) == pytest.approx(hhi(labs, *arrays), rel=1e-9)
    assert hhi_of_equal_players(np.zeros(3), (0.0, 10)) == 0.0
    assert hhi_of_equal_players(np.array([1.0]), (0.0, 7)) == 10_000.0
    assert hhi_of_equal_players(np.zeros(0), (5.0, 4)) == pytest.approx(2_500.0)
    tiny = hhi_of_equal_players(np.array([3e-300]), (1e-300, 2))
    assert tiny == pytest.approx(hhi_of_equal_players(np.array([3.0]), (1.0, 2)))


def test_saturating_users_follow_the_pull_far_below_the_addressable_and_never_pass_it():
    from aiecosim.model.kernels.market import saturating_users

    people = 5.4e9
    for pull in (1e3, 4.8e5, 1.5e7):  # the baseline's segments stay below 1.5e7 in ten years
        users = saturating_users(math.log10(pull), people)
        assert pull * (1 - pull / people) * 0.999 <= users <= pull
    assert saturating_users(math.log10(people), people) == pytest.approx(people / 2)
    for log_pull in (12.0, 40.0, 400.0, 1e6):  # beyond any float: still finite, at the limit
        assert saturating_users(log_pull, people) == pytest.approx(people, rel=1e-2)
        assert saturating_users(log_pull, people) <= people
    assert saturating_users(-1e6, people) == 0.0
    pulls = [saturating_users(x, people) for x in np.linspace(0, 20, 50)]
    assert all(a < b for a, b in zip(pulls, pulls[1:]))


def test_segment_demand_stays_finite_when_fifty_years_of_growth_compound():
    from aiecosim.model.kernels.market import segment_demand

    # 50 orders of capability at elasticity 1 and a 1000x-a-year cost fall for 50 years.
    demand = segment_demand(75.0, 25.0, 480_000.0, 1.0, 1000.0 ** -50, 1.0, 5.4e9)
    assert math.isfinite(demand) and 0.99 * 5.4e9 <= demand <= 5.4e9
    assert segment_demand(float("-inf"), 25.0, 480_000.0, 0.1, 1.0, 0.05, 5.4e9) == 0.0


def test_amounts_beyond_float32_are_held_at_its_largest_value_and_others_kept_exactly():
    from aiecosim.model.kernels.market import F32_MAX, as_float32

    values = np.array([0.0, -1.5, 3.25e20, 1e50, -1e47])
    found = as_float32(values)
    assert found.dtype == np.float32 and np.isfinite(found).all()
    assert found[:3].tolist() == values[:3].astype(np.float32).tolist()
    assert found[3] == np.float32(F32_MAX) and found[4] == -np.float32(F32_MAX)


def test_arrivals_beyond_the_room_are_thinned_to_it_evenly_over_cells():
    rng = np.random.default_rng(7)
    few, at_limit = arrivals_within(rng, np.array([[2.0, 3.0]]), room=1_000)
    assert not at_limit and few.sum() < 1_000
    # Hundreds of millions arrive for 500,000 places: exactly the room enters, split over the
    # cells as the arrivals were (3:1), and the draw does not list every arrival.
    kept, at_limit = arrivals_within(rng, np.array([[3e8, 1e8]]), room=500_000)
    assert at_limit and kept.sum() == 500_000
    assert abs(kept[0] / kept.sum() - 0.75) < 0.005
    none, at_limit = arrivals_within(rng, np.array([[5.0, 5.0]]), room=0)
    assert none.sum() == 0 and not at_limit
