"""The race as a game (mechanism 6): Armstrong, Bostrom & Shulman (2016) and Jensen et al. (2023).

The two-lab tests build a reduced world: two labs with the same budget whose skills differ by a
chosen gap, a culture of full safety (so only the race can lower it), no liability and no
accidents. Their safety efforts in month 1 are compared with an independent solution of
Armstrong et al.'s game, found by brute force over a grid of efforts.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from aiecosim.model import EcosystemModel, Scenario, simulate
from aiecosim.model.errors import ScenarioError
from aiecosim.model.kernels.race import race_constraint, safety_cost

TAX = 0.3
COST = float(safety_cost(TAX, 0.0))  # capability one unit of safety costs, log10 FLOP-eq


def armstrong_leader_safety(gap: float, enmity: float, grid: int = 401) -> float:
    """The leader's safety in Armstrong et al.'s two-team game with public capabilities, solved
    by brute force on a grid of efforts: every pair of efforts in which each team's effort is a
    best reply to the other's is a Nash equilibrium, and of these the safest for the leader is
    the one Armstrong et al. select. Scores are capability less safety, in safety-cost units
    (ties go to the leader); a win is worth 1 to the winner and 1 - enmity to the loser, times
    the winner's safety (the chance of no disaster)."""
    s = np.linspace(0.0, 1.0, grid)
    lead_s, trail_s = np.meshgrid(s, s, indexing="ij")
    leader_wins = gap - lead_s >= -trail_s - 1e-12
    safe = np.where(leader_wins, lead_s, trail_s)
    leader = np.where(leader_wins, 1.0, 1.0 - enmity) * safe
    trailer = np.where(leader_wins, 1.0 - enmity, 1.0) * safe
    leader_replies = leader >= leader.max(axis=0, keepdims=True) - 1e-12
    trailer_replies = trailer >= trailer.max(axis=1, keepdims=True) - 1e-12
    equilibria = np.argwhere(leader_replies & trailer_replies)
    return float(s[equilibria[:, 0]].max())


def two_labs(gap_in_cost_units: float, enmity: float, extra: list[dict] | None = None,
             **race) -> Scenario:
    base = Scenario.baseline().to_dict()
    lab = dict(base["labs"][0], safety=1.0, budget_usd_m=100.0, first_release_month=60)
    labs = [dict(lab, name="leader", skill=gap_in_cost_units * COST),
            dict(lab, name="trailer", skill=0.0)] + (extra or [])
    data = {**base, "labs": labs, "race": {"enmity": enmity, "safety_tax": TAX, **race},
            "accidents": {"harm_per_uplift_usd_bn": 0.0}}
    data["jurisdictions"][0]["policy"]["liability"] = {"strength": 0.0}
    return Scenario.from_dict(data)


def month_one_safety(scenario: Scenario, seed: int = 0) -> dict[str, float]:
    model = EcosystemModel(scenario, rng=seed)
    model.step()
    return {lab.spec.name: lab.safety_effort for lab in model.labs}


def test_brute_force_solver_recovers_the_known_extremes():
    # a dead heat: no safety affordable (to within the grid's step)
    assert armstrong_leader_safety(0.0, 0.5) == pytest.approx(0.0, abs=0.01)
    assert armstrong_leader_safety(2.0, 0.5) == 1.0  # far ahead: full safety
    assert armstrong_leader_safety(0.3, 0.0) == 1.0  # no enmity: no race


@pytest.mark.parametrize("enmity", [0.25, 0.5, 0.75, 1.0])
@pytest.mark.parametrize("gap", [0.05, 0.1, 0.2, 0.4, 0.8])
def test_leader_safety_matches_armstrong_closed_form(gap, enmity):
    """The model's two-lab equilibrium against the brute-force game and the closed form
    min(1, gap / enmity), within 0.05. In the game the trailer is indifferent among all efforts
    that lose; the model breaks the tie with the trailer's own trade-off (its accidents and bills
    depend on it), here full safety."""
    safety = month_one_safety(two_labs(gap, enmity))
    assert safety["leader"] == pytest.approx(armstrong_leader_safety(gap, enmity), abs=0.05)
    assert safety["leader"] == pytest.approx(min(1.0, gap / enmity), abs=0.05)
    assert safety["trailer"] == 1.0


def test_a_lab_two_orders_of_magnitude_behind_changes_nothing():
    far = {"name": "far-behind", "skill": -2.0, "safety": 0.0, "budget_usd_m": 100.0,
           "first_release_month": 60}
    alone = month_one_safety(two_labs(0.3, 0.6))["leader"]
    crowded = month_one_safety(two_labs(0.3, 0.6, extra=[far]))["leader"]
    assert 0.0 < alone < 1.0  # the race binds, so a change would show
    assert abs(crowded - alone) < 0.01 * alone


def test_closer_races_and_more_enmity_mean_less_safety():
    gaps, enmities = [0.05, 0.1, 0.2, 0.4], [0.3, 0.6, 0.9]
    table = np.array([[month_one_safety(two_labs(g, e))["leader"] for e in enmities]
                      for g in gaps])
    assert np.all(np.diff(table, axis=0) > 0.01)  # wider gaps, more safety
    assert np.all(np.diff(table, axis=1) < -0.01)  # more enmity, less safety


def test_private_information_changes_the_leader_choice_and_stays_reproducible():
    public = two_labs(0.2, 0.6)
    private = two_labs(0.2, 0.6, information="private", private_noise=0.3)
    private_draws = [month_one_safety(private, seed)["leader"] for seed in range(20)]
    assert month_one_safety(private, 3) == month_one_safety(private, 3)
    assert np.std(private_draws) > 0.05  # noisy beliefs, varied choices
    assert abs(np.mean(private_draws) - month_one_safety(public)["leader"]) > 0.05


def test_race_bound_is_a_pure_function_of_the_gap():
    bound = race_constraint(np.array([30.0, 30.2, 29.0]), 0.5, COST)
    assert bound[1] == pytest.approx(0.2 / (0.5 * COST))
    assert np.isinf(bound[[0, 2]]).all()


# ----------------------------------------------------------------------- Jensen et al. 2023
# Home's public compute, all of it for labs' safety work (the named labs are home's).
HOME = "jurisdictions.home.policy.compute_subsidy"
SUBSIDY = {f"{HOME}.budget_usd_bn": 2.0, f"{HOME}.lab_safety_share": 1.0}


def lab_safety(overrides: dict, lab: str, seeds=range(3)) -> float:
    scenario = Scenario.baseline().with_overrides(overrides)
    index = [spec.name for spec in scenario.labs].index(lab)
    efforts = []
    for seed in seeds:
        model = EcosystemModel(scenario, rng=seed)
        for _ in range(60):
            model.step()
            efforts.append(model.labs[index].safety_effort)
    return float(np.mean(efforts))


@pytest.mark.parametrize("lab", ["closed-leader", "open-bigtech"])
def test_a_safety_targeted_compute_subsidy_raises_the_subsidised_lab_safety(lab):
    targeted = SUBSIDY | {f"{HOME}.safety_target_lab": lab}
    assert lab_safety(targeted, lab) > lab_safety({}, lab) + 0.05


def test_safety_subsidy_is_public_compute_used():
    targeted = SUBSIDY | {f"{HOME}.safety_target_lab": "closed-leader"}
    with_subsidy = simulate(Scenario.baseline().with_overrides(targeted), seed=0)
    assert with_subsidy["public_compute_used"].to_numpy()[12:].mean() > 0.01


def test_safety_target_must_be_a_lab_of_the_jurisdiction():
    with pytest.raises(ScenarioError, match="safety_target_lab"):
        Scenario.baseline().with_overrides(
            {f"{HOME}.safety_target_lab": "no-such-lab"})


# ------------------------------------------------------------------------------- accidents
def test_accidents_count_as_harm_and_fall_with_safety():
    careless = {f"labs.{spec.name}.safety": 0.0 for spec in Scenario.baseline().labs}
    careful = {f"labs.{spec.name}.safety": 1.0 for spec in Scenario.baseline().labs}
    none = {"accidents.harm_per_uplift_usd_bn": 0.0}

    def accidents(overrides):
        frame = simulate(Scenario.baseline().with_overrides(overrides), seed=0)
        return frame["accident_harm"].to_numpy()[12:].mean(), frame

    low, _ = accidents(careful)
    high, frame = accidents(careless)
    zero, _ = accidents(careless | none)
    assert high > low + 0.02
    assert zero == 0.0
    columns = ("innovation", "misuse_harm", "accident_harm", "liability_deadweight",
               "evaluation_cost", "public_compute_used", "training_cost", "serving_cost")
    innovation, *costs = (frame[c].to_numpy() for c in columns)
    assert np.allclose(frame["welfare"].to_numpy(), innovation - sum(costs), rtol=1e-9)


def test_a_vanishing_race_unit_gives_no_bound_ahead_and_none_affordable_level():
    # enmity x cost underflows to 0: a lab ahead is not bound; labs level can afford nothing.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ahead = race_constraint(np.array([26.0, 25.0]), 1e-200, np.array([1e-200, 1e-200]))
        level = race_constraint(np.array([26.0, 26.0]), 1e-200, np.array([1e-200, 1e-200]))
    assert ahead[0] == np.inf
    assert np.all(level == 0.0)
