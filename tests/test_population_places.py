"""Startups and academic groups live in a jurisdiction and obey its regulator: its public
compute, its deployer liability and its export controls; public weights cross every border.

The baseline has two jurisdictions (home 0.4, abroad 0.6); comparisons are over seeds, with
wide margins.
"""

from __future__ import annotations

import numpy as np
import pytest

from aiecosim.model import EcosystemModel, Scenario
from aiecosim.model.catalogue import find_scenario as scenario_path
from aiecosim.model.kernels.places import draw_places

SEEDS = range(3)
HOME, ABROAD = 0, 1


def world(name: str = "baseline", **overrides) -> Scenario:
    return Scenario.load(scenario_path(name)).with_overrides(overrides)


def run(scenario: Scenario, seed: int, months: int | None = None) -> EcosystemModel:
    model = EcosystemModel(scenario, rng=seed)
    for _ in range(months or scenario.steps):
        model.step()
    return model


def alive_in(model: EcosystemModel, place: int) -> np.ndarray:
    startups = model.startups
    return (startups.kind != startups.empty) & (startups.place == place)


def test_members_are_placed_by_population_share():
    scenario = world()
    abroad = scenario.population_shares()[ABROAD]
    for seed in SEEDS:
        model = run(scenario, seed, months=24)
        startups = model.startups
        alive = startups.kind != startups.empty
        assert np.mean(startups.place[alive] == ABROAD) == pytest.approx(abroad, abs=0.05)
        assert np.mean(model.academics.place == ABROAD) == pytest.approx(abroad, abs=0.05)


def test_public_compute_at_home_goes_to_home_members_only():
    subsidised = world(**{"jurisdictions.home.policy.compute_subsidy.budget_usd_bn": 4.0})
    home_share, home_share_before = [], []
    for seed in SEEDS:
        model = run(subsidised, seed, months=60)
        each = model.academics.subsidy_by_place().take(model.academics.place)
        assert each[model.academics.place == ABROAD].max() == 0.0
        assert each[model.academics.place == HOME].min() > 0.0
        assert model.startups.subsidy_each()[ABROAD] == 0.0 < model.startups.subsidy_each()[HOME]
        home_share.append(alive_in(model, HOME).sum()
                          / (model.startups.kind != model.startups.empty).sum())
        before = run(world(), seed, months=60)
        home_share_before.append(alive_in(before, HOME).sum()
                                 / (before.startups.kind != before.startups.empty).sum())
    # Home's share of startups rises: its firms alone have cheaper compute.
    assert np.mean(home_share) > np.mean(home_share_before) + 0.04, (home_share, home_share_before)


def test_deployer_liability_at_home_charges_premiums_to_home_deployers_only():
    liable = world(**{"policy.liability.strength": 0.0,
                      "jurisdictions.home.policy.liability.strength": 1.0})
    for seed in SEEDS:
        model = EcosystemModel(liable, rng=seed)
        charged = np.zeros(2)
        for _ in range(36):
            model.step()
            charged += model.startups.premiums_by_place
        assert charged[HOME] > 0.0 and charged[ABROAD] == 0.0, charged


def test_export_controls_keep_startups_abroad_off_home_apis():
    def abroad_on_home_apis(name: str, seed: int) -> int:
        scenario = world(name)
        model = EcosystemModel(scenario, rng=seed)
        startups = model.startups
        home_labs = [lab.index for lab in model.labs if lab.place == HOME]
        home_api_kinds = [startups.n_open + index for index in home_labs]
        most = 0
        for _ in range(48):
            model.step()
            most = max(most, int(np.sum(alive_in(model, ABROAD)
                                        & np.isin(startups.kind, home_api_kinds))))
        return most

    for seed in SEEDS:
        assert abroad_on_home_apis("baseline", seed) > 0
        assert abroad_on_home_apis("export-controls", seed) == 0


def test_draw_places_draws_nothing_with_one_jurisdiction_and_follows_shares_with_more():
    rng, untouched = np.random.default_rng(5), np.random.default_rng(5)
    assert not draw_places(rng, [1.0], 100).any()
    assert rng.random() == untouched.random()  # the stream is where it was
    places = draw_places(np.random.default_rng(5), [0.4, 0.6], 20_000)
    assert np.mean(places == 1) == pytest.approx(0.6, abs=0.02)
