"""Means and 95% intervals (experiments.stats): scipy's t quantiles with exact degrees of
freedom, pairing by seed where runs share seeds, and the same interval on every face that shows
a comparison (findings, report, dashboard)."""

from __future__ import annotations

import math
import re

import numpy as np
import polars as pl
import pytest
from scipy import stats as scipy_stats

from aiecosim.experiments.stats import (Estimate, difference, mean_interval, paired_difference,
                                        seed_bands, t_quantile, welch_difference, world_interval)


def test_the_t_quantile_is_scipys_for_whole_and_fractional_df():
    for df in range(1, 201):
        assert t_quantile(df) == scipy_stats.t.ppf(0.975, df)
    assert t_quantile(7.37) == scipy_stats.t.ppf(0.975, 7.37)
    assert t_quantile(11, level=0.9) == scipy_stats.t.ppf(0.95, 11)
    assert math.isnan(t_quantile(0)) and math.isnan(t_quantile(math.nan))


def test_a_mean_interval_matches_a_hand_computation():
    values = np.array([1.0, 2.5, 3.0, 4.5, 2.0, 3.5])
    n, mean, sd = len(values), values.mean(), values.std(ddof=1)
    half = scipy_stats.t.ppf(0.975, n - 1) * sd / math.sqrt(n)
    est = mean_interval(values)
    assert (est.mean, est.n, est.kind) == (pytest.approx(mean), 6, "single")
    assert (est.lo, est.hi) == (pytest.approx(mean - half), pytest.approx(mean + half))
    ci = scipy_stats.ttest_1samp(values, 0.0).confidence_interval(0.95)
    assert (est.lo, est.hi) == (pytest.approx(ci.low), pytest.approx(ci.high))
    one = mean_interval([2.0])
    assert one.mean == 2.0 and math.isnan(one.lo) and math.isnan(one.hi)


def test_same_seeds_in_any_order_pair_the_runs():
    a, seeds_a = np.array([5.0, 3.0, 4.0, 6.5]), [3, 1, 2, 4]
    b, seeds_b = np.array([2.0, 2.9, 3.7, 5.0]), [1, 2, 3, 4]
    est = difference(a, b, seeds_a, seeds_b)
    assert est.kind == "paired" and est.n == 4
    aligned = np.array([3.0, 4.0, 5.0, 6.5])  # a in seed order 1..4
    ci = scipy_stats.ttest_rel(aligned, b).confidence_interval(0.95)
    assert (est.lo, est.hi) == (pytest.approx(ci.low), pytest.approx(ci.high))
    assert est == paired_difference(aligned, b)
    assert est.mean == pytest.approx(a.mean() - b.mean())


def test_welch_is_used_unless_both_sides_ran_the_same_distinct_seeds():
    a, b = np.array([1.0, 2.0, 4.0]), np.array([2.0, 2.5, 7.0])
    assert difference(a, b).kind == "welch"
    assert difference(a, b, [1, 2, 3], None).kind == "welch"
    assert difference(a, b, [1, 2, 3], [1, 2, 4]).kind == "welch"
    assert difference(a, b, [1, 1, 2], [1, 2, 1]).kind == "welch"
    assert difference(a, b[:2], [1, 2, 3], [1, 2]).kind == "welch"
    with pytest.raises(ValueError):
        difference(a, b, [1, 2], [1, 2, 3])


def test_a_welch_interval_uses_the_exact_fractional_df():
    a = np.array([1.0, 1.2, 0.9, 1.4, 1.1, 1.3, 0.8])
    b = np.array([2.0, 3.5, 1.0, 2.8, 4.1])
    va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
    df = (va + vb) ** 2 / (va**2 / (len(a) - 1) + vb**2 / (len(b) - 1))
    assert df != int(df)
    est = welch_difference(a, b)
    half = scipy_stats.t.ppf(0.975, df) * math.sqrt(va + vb)
    assert est.kind == "welch" and est.n == 5
    assert est.hi - est.mean == pytest.approx(half)
    assert est.hi - est.mean != pytest.approx(scipy_stats.t.ppf(0.975, int(df)) * math.sqrt(va + vb))
    ci = scipy_stats.ttest_ind(a, b, equal_var=False).confidence_interval(0.95)
    assert (est.lo, est.hi) == (pytest.approx(ci.low), pytest.approx(ci.high))
    flat = welch_difference([1.0, 1.0], [3.0, 3.0])
    assert (flat.mean, flat.lo, flat.hi) == (-2.0, -2.0, -2.0)


def test_an_estimate_negates_and_prints_like_the_findings():
    est = Estimate(1.5, 1.0, 2.25, 8, "paired")
    assert -est == Estimate(-1.5, -2.25, -1.0, 8, "paired")
    assert est.text() == "1.50 [1.00, 2.25]" and est.text(1) == "1.5 [1.0, 2.2]"


def test_seed_bands_give_each_groups_t_interval():
    rng = np.random.default_rng(3)
    frame = pl.DataFrame({"seed": np.repeat(np.arange(11), 3), "step": np.tile([1, 2, 3], 11),
                          "m": rng.normal(size=33)})
    bands = seed_bands(frame, ["m"])
    assert bands["step"].to_list() == [1, 2, 3] and set(bands["seeds"]) == {11}
    for row in bands.iter_rows(named=True):
        est = mean_interval(frame.filter(pl.col("step") == row["step"])["m"].to_numpy())
        assert (row["m_mean"], row["m_lo"], row["m_hi"]) == (
            pytest.approx(est.mean), pytest.approx(est.lo), pytest.approx(est.hi))
    single = seed_bands(frame.filter(pl.col("seed") == 0), ["m"])
    assert (single["m_lo"] == single["m_mean"]).all() and (single["m_hi"] == single["m_mean"]).all()


# ------------------------------------------------ one comparison, the same on every face
SEEDS = (1, 2, 3, 4)
REGIMES = ("open-weights", "api-only")


@pytest.fixture(scope="module")
def regime_runs() -> dict[str, pl.DataFrame]:
    """Each release regime's months over four seeds, stacked with a ``seed`` column."""
    from aiecosim.model import Scenario, simulate

    runs = {}
    for regime in REGIMES:
        scenario = Scenario.baseline().with_overrides({"policy.release_regime": regime})
        runs[regime] = pl.concat([simulate(scenario, seed=s).with_columns(pl.lit(s).alias("seed"))
                                  for s in SEEDS])
    return runs


def _dashboard_cells(runs, scenario: str, reference: str, metric: str):
    """The Explore tab's numbers and printed "[lo, hi]" cell for ``metric``."""
    from aiecosim.dashboard.views.explore import KEY_METRICS, diff_table
    from aiecosim.experiments.stats import differences, final_year

    year = final_year(runs[scenario])
    table = differences(runs[scenario], runs[reference], KEY_METRICS, year)
    row = table.filter(pl.col("metric") == metric).row(0, named=True)
    body = diff_table(table, year).children[2]
    cells = next(tr.children for tr in body.children
                 if tr.children[0].children == metric.replace("_", " "))
    return row, cells[4].children


def _report_cells(runs, a: str, b: str, metric: str):
    """The report's comparison of two points (B - A): its numbers and printed interval cell."""
    from aiecosim.experiments.analysis import Sweep, compare
    from aiecosim.experiments.report import _comparison

    per_run = pl.concat([  # what a sweep's worker records: each run's mean over the last year
        runs[regime].group_by("seed", maintain_order=True)
        .agg(pl.col(metric).tail(12).mean())
        .with_columns(pl.lit(point).alias("point"), pl.lit("ok").alias("status"))
        for point, regime in enumerate((a, b))])
    points = pl.DataFrame({"point": [0, 1], "label": [a, b]})
    sweep = Sweep(store=None, manifest={}, points=points, runs=per_run)
    html = _comparison(sweep, None, [metric])
    row = compare(per_run.filter(pl.col("point") == 0), per_run.filter(pl.col("point") == 1),
                  [metric]).row(0, named=True)
    # metric, unit, A, B, B - A, then the interval
    cell = re.search(rf"<tr><td>{metric}</td>(?:<td>[^<]*</td>){{4}}<td>([^<]*)</td>", html)
    return row, cell.group(1), html


def _findings(runs):
    from aiecosim.experiments.findings.results import Results

    labelled = pl.concat([frame.with_columns(pl.lit(f"release_regime={regime}").alias("label"))
                          for regime, frame in runs.items()])
    return Results(sweeps={}, _series={"release-regimes": labelled})


@pytest.mark.parametrize("metric, claim, a, b", [
    ("innovation", "open weights raise innovation", "api-only", "open-weights"),
    ("hhi_provider", "API-only concentrates inference", "open-weights", "api-only"),
])
def test_findings_report_and_dashboard_print_the_same_interval(regime_runs, metric, claim, a, b):
    """Year 10 of b against a: the findings' claim, the report's "B - A" row and the dashboard's
    "scenario - reference" row (scenario b, reference a) agree on the paired interval."""
    from aiecosim.dashboard.views.explore import fmt
    from aiecosim.experiments.findings.results import difference
    from aiecosim.experiments.findings.sections import LAST_YEAR, regime_claims

    results = _findings(regime_runs)
    found = difference(results.per_seed("release-regimes", f"release_regime={a}", metric, LAST_YEAR),
                       results.per_seed("release-regimes", f"release_regime={b}", metric, LAST_YEAR))
    shown = next(c for c in regime_claims(results) if c.name == claim)
    board, board_cell = _dashboard_cells(regime_runs, b, a, metric)
    report, report_cell, html = _report_cells(regime_runs, a, b, metric)

    assert found.kind == "paired" and board["paired"] and report["kind"] == "paired"
    assert "paired by seed" in html
    for lo, hi in ((board["lo"], board["hi"]), (report["diff_lo"], report["diff_hi"])):
        assert (lo, hi) == (pytest.approx(found.lo, rel=1e-9), pytest.approx(found.hi, rel=1e-9))
    assert board["difference"] == pytest.approx(found.mean, rel=1e-9)
    assert report["difference"] == pytest.approx(found.mean, rel=1e-9)
    assert shown.measured.startswith(found.text())
    assert shown.measured.startswith(
        Estimate(board["difference"], board["lo"], board["hi"], len(SEEDS)).text())
    assert board_cell == f"[{fmt(found.lo)}, {fmt(found.hi)}]"
    assert report_cell == f"{fmt(found.lo)} to {fmt(found.hi)}"


def test_weighted_quantiles_follow_the_weights():
    from aiecosim.experiments.stats import weighted_quantile, world_interval

    x = [1.0, 2.0, 3.0, 4.0]
    assert weighted_quantile(x, [1, 1, 1, 1], 0.5) == pytest.approx(2.5)
    assert weighted_quantile(x, [0, 0, 0, 1], 0.5) == 4.0
    assert weighted_quantile(x[::-1], [1, 0, 0, 0], 0.5) == 4.0  # order does not matter
    median, low, high = world_interval(np.arange(1001.0), np.ones(1001), 0.9)
    assert (median, round(low), round(high)) == (500.0, 50, 950)


def test_bands_and_differences_over_worlds_are_quantiles_of_the_world_by_world_values():
    from aiecosim.experiments.stats import world_differences, world_series_bands

    worlds = np.arange(20)
    # twelve months of one year; world w has level w on the scenario side, w - 2 on the other
    scenario = pl.DataFrame({"seed": np.repeat(worlds, 12), "step": np.tile(np.arange(1, 13), 20),
                             "x": np.repeat(worlds, 12).astype(float)})
    reference = scenario.with_columns(pl.col("x") - 2 + (pl.col("seed") >= 15) * 4.0)
    bands = world_series_bands(scenario, ["x"])
    assert bands["step"].to_list() == list(range(1, 13))
    median, low, high = world_interval(worlds.astype(float))
    assert bands["x_median"].to_list() == [median] * 12
    assert (bands["x_lo"].to_list(), bands["x_hi"].to_list()) == ([low] * 12, [high] * 12)
    row = world_differences(scenario, reference, ["x"], year=1).row(0, named=True)
    assert row["difference"] == 2.0 and row["share_higher"] == 0.75  # 15 of 20 worlds
    assert row["lo"] == pytest.approx(world_interval(np.r_[[2.0] * 15, [-2.0] * 5])[1])
