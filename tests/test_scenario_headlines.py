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


@lru_cache(maxsize=None)
def _lab_spending(name: str, seed: int) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Each lab's training spend per month and its flagship run's cost (USD), month by month."""
    scenario = Scenario.load(SCENARIOS / f"{name}.toml").with_overrides({"steps": MONTHS})
    model = EcosystemModel(scenario, rng=seed)
    spend, runs = [], []
    for _ in range(MONTHS):
        model.step()
        spend.append([lab.training_spend_usd() for lab in model.labs])
        runs.append([lab.run_cost_usd() for lab in model.labs])
    spend, runs = np.array(spend), np.array(runs)
    return {lab.spec.name: (spend[:, i], runs[:, i]) for i, lab in enumerate(model.labs)}


def lab_mean(name: str, lab: str, which: int, months: slice = slice(12, None)) -> float:
    """A lab's mean training spend (which=0) or run cost (which=1) over years 2-5 and seeds."""
    return float(np.mean([_lab_spending(name, s)[lab][which][months].mean() for s in SEEDS]))


def test_race_intensifies_splits_the_investors_among_more_labs():
    # Under lab finance the three entrants draw on the same capital market, so the incumbents
    # train on about half the money: the closed leader spends 0.075 against 0.142 USD bn a
    # month in years 2-5. Mean safety effort does not fall (measured 0.599 against 0.596):
    # the entrants choose 0.54-0.64, and the leader, further ahead of rivals that now have
    # less money, chooses more (0.78 against 0.73). Where a closer race binds it does cut
    # safety: tests/test_stylized_facts.py (fact 10) and tests/test_race.py.
    for lab in ("closed-leader", "closed-challenger", "safety-focused"):
        assert lab_mean("race-intensifies", lab, 0) < 0.7 * lab_mean("baseline", lab, 0)


def test_history_2023_trades_run_size_for_release_cadence():
    # Releasing every 5 months (LLaMA in February, Llama 2 in July) instead of 12, with the
    # same money, buys smaller runs: the open-leaning lab's runs cost 0.21 against 0.49 USD bn
    # in years 2-5 while its training spend a month is the same (0.041), so the open lag is
    # not narrowed (measured 8.95 against 9.08 months). Under the exogenous form run costs did
    # not depend on money, and the faster cadence narrowed the lag by 1.8 months.
    runs = lab_mean("history-2023", "open-bigtech", 1) / lab_mean("baseline", "open-bigtech", 1)
    spend = lab_mean("history-2023", "open-bigtech", 0) / lab_mean("baseline", "open-bigtech", 0)
    assert runs < 0.6
    assert 0.8 < spend < 1.25


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
