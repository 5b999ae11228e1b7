"""Jurisdictions: each regulator binds its own labs and APIs; weights cross every border.

Runs are ten years of the shipped scenarios (two jurisdictions: home and abroad), over seeds,
so each comparison is of means with a wide margin.
"""

from __future__ import annotations

import numpy as np
import pytest

from aiecosim.model import Scenario, simulate
from aiecosim.model.catalogue import find_scenario as scenario_path

SEEDS = range(4)


def mean_over(name: str, column: str, months: tuple[int, int]) -> float:
    scenario = Scenario.load(scenario_path(name))
    values = []
    for seed in SEEDS:
        frame = simulate(scenario, seed=seed)
        step = frame["step"].to_numpy()
        values.append(frame[column].to_numpy()[(step >= months[0]) & (step <= months[1])].mean())
    return float(np.mean(values))


def test_api_only_at_home_cannot_freeze_the_open_lag_when_abroad_chooses():
    """Years 2-10: weights released abroad are usable at home, so a home-only rule leaves the
    open lag at less than half of what a coordinated rule gives."""
    home_only = mean_over("api-only-at-home", "open_lag_months", (13, 120))
    coordinated = mean_over("api-only-everywhere", "open_lag_months", (13, 120))
    assert home_only < 0.5 * coordinated, (home_only, coordinated)


def test_export_controls_end_api_misuse_from_abroad():
    months = (1, 120)
    assert mean_over("baseline", "misuse_attempts_api_abroad", months) > 5.0
    scenario = Scenario.load(scenario_path("export-controls"))
    for seed in SEEDS:
        frame = simulate(scenario, seed=seed)
        assert frame["misuse_attempts_api_abroad"].max() == 0, seed
        assert frame["misuse_attempts_api"].sum() > 0  # home actors still use home APIs


def test_a_top_level_policy_table_and_policy_keys_apply_in_every_jurisdiction():
    scenario = Scenario.load(scenario_path("api-only-everywhere"))
    assert [j.policy.release_regime for j in scenario.jurisdictions] == ["api-only"] * 2
    changed = scenario.with_overrides({"policy.liability.strength": 0.7})
    assert [j.policy.liability.strength for j in changed.jurisdictions] == [0.7, 0.7]
    one = scenario.with_overrides({"jurisdictions.abroad.policy.liability.strength": 0.3})
    assert [j.policy.liability.strength for j in one.jurisdictions] == [0.1, 0.3]


def test_a_child_jurisdiction_table_overrides_its_parents_policy_shorthand():
    scenario = Scenario.load(scenario_path("api-only-at-home"))
    regimes = {j.name: j.policy.release_regime for j in scenario.jurisdictions}
    assert regimes == {"home": "api-only", "abroad": "lab-choice"}


def test_a_lab_naming_an_unknown_jurisdiction_is_refused():
    with pytest.raises(Exception, match="unknown jurisdiction 'elsewhere'"):
        Scenario.baseline().with_overrides({"labs.open-startup-lab.jurisdiction": "elsewhere"})
