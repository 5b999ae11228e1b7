"""Each shipped scenario runs and moves its headline metric the way its question says.

Each scenario file is loaded as shipped and run for its first five years (the directions are set
by then and hold over the full ten; halving the horizon halves the suite's time). Means over six
seeds of monthly means are compared with the baseline's, with margins far above the
seed-to-seed spread (values and spreads measured when the tests were written are in the
comments), so they do not flake.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from aiecosim.model import EcosystemModel, Scenario, simulate
from aiecosim.model.kernels.release import LICENSED, STAGED

from support.runs import SCENARIOS

SEEDS = range(1, 7)
MONTHS = 60


@lru_cache(maxsize=None)
def _frame(name: str, seed: int):
    scenario = Scenario.load(SCENARIOS / f"{name}.toml").with_overrides({"steps": MONTHS})
    return simulate(scenario, seed=seed)


def mean_of(name: str, metric: str) -> float:
    """The metric's monthly mean over the first five years, averaged over the seeds."""
    return float(np.mean([_frame(name, s)[metric].mean() for s in SEEDS]))


def test_api_only_world_concentrates_inference_more_than_open_weights_world():
    # Concentration by inference provider: every startup self-hosting open weights is a provider
    # of its own. By model developer (hhi) the two worlds are close: those startups run the labs'
    # weights, so they count toward the labs (tests/test_market.py).
    assert mean_of("api-only-world", "hhi_provider") > mean_of("open-weights-world",
                                                               "hhi_provider") + 1000
    # Measured: 0.054 over the first five years. The 2023 open models (the foreign lab's
    # among them) stay public under api-only, so a few startups keep building on them.
    assert mean_of("api-only-world", "startups_open_share") < 0.08


def test_open_weights_world_lowers_provider_concentration_and_the_open_lag():
    assert mean_of("open-weights-world", "hhi_provider") < mean_of("baseline", "hhi_provider") - 800
    assert mean_of("open-weights-world", "open_lag_months") < mean_of("baseline", "open_lag_months") - 3


def test_strict_developer_liability_pushes_labs_toward_api():
    # Measured: share of labs with public weights 0.12 (sd 0.02) against the baseline's 0.40.
    assert mean_of("strict-developer-liability", "labs_open_share") \
        < mean_of("baseline", "labs_open_share") - 0.15


def test_deployer_liability_taxes_entry_but_leaves_release_choices():
    # Measured: labs' open share 0.40 as in the baseline; startups 5387 against 6025 (sd 40).
    deployer = mean_of("deployer-liability", "labs_open_share")
    assert deployer > mean_of("strict-developer-liability", "labs_open_share") + 0.15
    assert abs(deployer - mean_of("baseline", "labs_open_share")) < 0.05
    assert mean_of("deployer-liability", "startups_active") < mean_of("baseline", "startups_active") - 300


def test_public_compute_raises_academic_output_with_the_budget():
    # Measured: academic output 4.41 (baseline), 5.44 (NAIRR), 10.5 (ten times); sd under 0.08.
    base, nairr, ten = (mean_of(n, "academic_output")
                        for n in ("baseline", "public-compute", "public-compute-10x"))
    assert nairr > base + 0.5
    assert ten > nairr + 2.0


def test_public_compute_does_not_close_the_frontier_gap():
    # Measured: open lag 10.32 months with either budget, as in the baseline.
    for name in ("public-compute", "public-compute-10x"):
        assert abs(mean_of(name, "open_lag_months") - mean_of("baseline", "open_lag_months")) < 1.0


def test_eu_style_thresholds_cut_api_misuse_far_more_than_open_weight_misuse():
    # Measured: API-route harm 0.060 against 0.233 (-74%); open-weight harm 1.19 against 1.28 (-7%).
    def cut(metric: str) -> float:
        return 1 - mean_of("eu-style-thresholds", metric) / mean_of("baseline", metric)

    assert cut("misuse_harm_api") > 0.5
    assert cut("misuse_harm_open") < 0.3
    assert mean_of("eu-style-thresholds", "evaluation_cost") > 0


def test_race_intensifies_lowers_safety_effort():
    # Measured (first five years, 6 seeds): mean safety effort 0.652 against 0.660. In
    # the race game the fall is the entrants' own safety (0.5, below the incumbents' choices),
    # not the race: at this field's gaps the leader's lead pays for its safety, and the same
    # field gives the same effort at enmity 0, 0.6 and 0.9 (years 2-10: 0.607 each; races that
    # bind are in tests/test_race.py).
    assert mean_of("race-intensifies", "safety_effort") < mean_of("baseline", "safety_effort") - 0.004


def test_history_2023_narrows_the_open_lag():
    # Measured: open lag 7.5 months against the baseline's 10.3 (sd 0.07).
    assert mean_of("history-2023", "open_lag_months") < mean_of("baseline", "open_lag_months") - 1.5


def staged_then_public(seed: int) -> tuple[int | None, int | None, int | None]:
    """Months of history-2023's staged release, of its weights going public, of the licensed one."""
    model = EcosystemModel(scenario=Scenario.load(SCENARIOS / "history-2023.toml"), rng=seed)
    lab = next(lab for lab in model.labs if lab.spec.name == "open-bigtech")
    staged = public = licensed = None
    for month in range(1, 10):
        model.step()
        staged = staged or (month if lab.mode == STAGED else None)
        public = public or (month if staged and lab.weights_public else None)
        licensed = licensed or (month if lab.mode == LICENSED else None)
    return staged, public, licensed


def test_history_2023_staged_release_is_public_within_two_months():
    # The leak is a hazard, not a date: measured, 11 of 12 seeds leak in the release month and
    # the twelfth three months later, still before the licensed release.
    runs = [staged_then_public(seed) for seed in range(1, 13)]
    assert all(staged == 2 and licensed == 7 for staged, _, licensed in runs)  # Feb, then July
    assert all(public is not None and public < 7 for _, public, _ in runs)
    assert sum(public - staged <= 2 for staged, public, _ in runs) >= 9
    assert sum(public == staged for staged, public, _ in runs) >= 6
