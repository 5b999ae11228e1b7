"""The emergent stylized facts of docs/calibration.md over plausible worlds, beyond the defaults.

tests/test_stylized_facts.py pins each fact at the default parameters over six seeds. Here the
facts labelled *emergent* there (identities such as "weights are never recalled" and typed-in
forms such as the uplift curve stay only at the defaults) are checked over a fixed set of
worlds drawn from calibration/posterior-2023.parquet: ``WORLDS`` worlds drawn with seed
``DRAW_SEED``, each run in both arms with its own seed (common random numbers), so a world's
difference is the lever's effect in that world. Each test asserts that the fact's direction
holds in at least a stated share of worlds and that the mean paired effect over worlds has the
fact's sign with a margin. Runs are 60 months (years 2-5 are read, as LATER reads years 2-10
at the defaults): a 60-month run costs about a seventh of a 120-month one. Where ten years
tell another story (fact 9's welfare, the lag's level) the comments give the ten-year figures,
measured on this draw with 120-month runs.

Left out: fact 4 (compute concentration) is a level, not a direction, and the open-minus-
api-only gap in top-3 compute share is below 0.03 in every world; fact 11's entry and
frontier parts (entry rose in only 11 of 16 worlds, through boom-and-bust waves of entry) and
fact 9's rewards-beat-punishment (10 of 16 over five years, 14 of 16 over ten) are reported in
docs/calibration.md.

The comments give the measured figures: the share of worlds and the mean effect on this draw
(16 worlds, seed 0), then on seed 1 (16 worlds) and on 24 worlds with seeds 0 and 1
(docs/calibration.md, "Over plausible worlds"). Facts that do not hold over worlds are marked
``xfail(strict=True)``: each fails on this draw, so a change that made it hold would show.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
import pytest

from aiecosim.experiments.findings.risk_axis import band
from aiecosim.experiments.stats import bootstrap_interval
from aiecosim.model import Scenario

from support.worlds import Arm, Draw, executor, means
from test_stylized_facts import (API_ONLY, LAB_NAMES, LEVEL_FIELD, LIABILITY, OPEN, risk_world)

pytestmark = pytest.mark.slow

STEPS = 60
LATER = slice(12, None)  # years 2-5 of a 60-month run
WHOLE = slice(None)
WORLDS, DRAW_SEED = 16, 0
DRAW: Draw = (WORLDS, DRAW_SEED, STEPS)

# The arms of tests/test_stylized_facts.py, which set the same levers at the defaults.
CAREFUL = {f"labs.{name}.safety": 1.0 for name in LAB_NAMES} | {"misuse.api_refusal": 1.0}
CARELESS = {f"labs.{name}.safety": 0.0 for name in LAB_NAMES}
HEAVY_LIABILITY = {"policy.liability.strength": 0.9, "policy.liability.bearer": "developer"}
NO_LIABILITY = {"policy.liability.strength": 0.0}
WATERMARK = {"policy.watermark.mandate": True}
RICHER_OPEN_LAB = {"labs.open-bigtech.budget_usd_m": 200}
CALM, FIERCE = {"race.enmity": 0.1}, {"race.enmity": 0.9}
# The academic half of ten times NAIRR (4.3 USD bn a year, half to academics at the default
# academic_share of 0.5), with no startup half: the startups' half sets off entry booms to the
# 500,000-firm computational limit in 3 of these 16 worlds, and a run at that limit takes
# 25-66 s (the arrivals over the limit are shuffled one by one). With the startups' half the
# academic output rose in 16 of 16 worlds too (mean log ratio +1.20).
ACADEMIC_SUBSIDY = {"policy.compute_subsidy.budget_usd_bn": 2.15,
                    "policy.compute_subsidy.academic_share": 1.0}


def crowded(scenario: Scenario) -> Scenario:
    """Each lab of the world with a copy a little behind it, as in the default-parameter test."""
    data = scenario.to_dict()
    extra = [dict(lab, name=f"{lab['name']}-rival", skill=lab["skill"] - 0.02)
             for lab in data["labs"]]
    return Scenario.from_dict({**data, "labs": data["labs"] + extra})


# ----------------------------------------------------------------------------- the effects
Effect = tuple[np.ndarray, np.ndarray]  # (holds in each world, NaN where undefined; effect)
FACTS: dict[str, Callable[[Draw], Effect]] = {}  # by name, so a script can measure other draws


def fact(function: Callable[[Draw], Effect]) -> Callable[[Draw], Effect]:
    FACTS[function.__name__] = function
    return function


def paired(a: Arm, b: Arm, metric: str, months: slice, draw: Draw) -> tuple[np.ndarray, ...]:
    return means(a, metric, months, draw), means(b, metric, months, draw)


def ratio(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """a / b per world; NaN where ``b`` is not positive (no harm to compare against)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(b > 0, a / b, np.nan)


def where(defined: np.ndarray, holds: np.ndarray) -> np.ndarray:
    return np.where(defined, holds.astype(float), np.nan)


@fact
def entry(draw: Draw = DRAW) -> Effect:
    """log(active startups under open weights / under api-only), years 2-5."""
    effect = np.log(np.divide(*paired(OPEN, API_ONLY, "startups_active", LATER, draw)))
    return effect > 0, effect


@fact
def provider_concentration(draw: Draw = DRAW) -> Effect:
    """HHI by inference provider, open weights minus api-only, years 2-5."""
    a, b = paired(OPEN, API_ONLY, "hhi_provider", LATER, draw)
    return a - b < 0, a - b


@fact
def richer_open_lab_lag(draw: Draw = DRAW) -> Effect:
    """Open lag (months) with open-bigtech's 2023 budget at 200 USD m minus the world's own."""
    a, b = paired(RICHER_OPEN_LAB, None, "open_lag_months", LATER, draw)
    return a - b < 0, a - b


@fact
def open_lag_in_months(draw: Draw = DRAW) -> Effect:
    """The world's open lag (months), years 2-5; holds when between 3 and 15 months."""
    lag = means(None, "open_lag_months", LATER, draw)
    return (lag > 3) & (lag < 15), lag


@fact
def safety_training_open(draw: Draw = DRAW) -> Effect:
    """Open-weight misuse harm, every lab fully safety-trained (and APIs refusing) over every
    lab untrained: the share of it that remains; holds when above half. Undefined in a world
    with no open-weight misuse in either arm."""
    a, b = paired(CAREFUL, CARELESS, "misuse_harm_open", LATER, draw)
    remains = ratio(a, b)
    return where(b > 0, remains > 0.5), remains


@fact
def safety_training_open_85(draw: Draw = DRAW) -> Effect:
    """As ``safety_training_open``, holding when above 0.85, the defaults' margin."""
    _, remains = safety_training_open(draw)
    return where(np.isfinite(remains), remains > 0.85), remains


@fact
def safety_training_api(draw: Draw = DRAW) -> Effect:
    """The share of API misuse harm that remains under full safety training; holds below half."""
    a, b = paired(CAREFUL, CARELESS, "misuse_harm_api", LATER, draw)
    remains = ratio(a, b)
    return where(b > 0, remains < 0.5), remains


@fact
def developer_liability(draw: Draw = DRAW) -> Effect:
    """Labs' open share under developer liability of 0.9 minus under none, years 2-5."""
    a, b = paired(HEAVY_LIABILITY, NO_LIABILITY, "labs_open_share", LATER, draw)
    return a - b < 0, a - b


def watermark_cuts(draw: Draw) -> tuple[np.ndarray, np.ndarray]:
    """The share of API and of open-weight misuse harm a watermark mandate removes."""
    cuts = []
    for metric in ("misuse_harm_api", "misuse_harm_open"):
        cuts.append(1 - ratio(*paired(WATERMARK, None, metric, LATER, draw)))
    return cuts[0], cuts[1]


@fact
def watermark_binds_api(draw: Draw = DRAW) -> Effect:
    """API harm cut minus three times the open-weight cut; holds when positive."""
    api, opened = watermark_cuts(draw)
    defined = np.isfinite(api) & np.isfinite(opened)
    return where(defined, api > 3 * opened), api - 3 * opened


@fact
def watermark_api_cut(draw: Draw = DRAW) -> Effect:
    """The share of API misuse harm a watermark mandate removes; holds above a quarter."""
    api, _ = watermark_cuts(draw)
    return where(np.isfinite(api), api > 0.25), api


def liability_gain(level: float, draw: Draw) -> np.ndarray:
    """Welfare (USD bn a month, the whole run) with developer liability of 0.5 minus none, at
    the risk ``level`` (harm per incident and its expected bill set as ``risk_world`` does)."""
    a, b = paired(risk_world(level, **LIABILITY), risk_world(level, **NO_LIABILITY), "welfare",
                  WHOLE, draw)
    return a - b


@fact
def regulation_middle(draw: Draw = DRAW) -> Effect:
    """Liability's welfare gain at the baseline's risk; holds when positive."""
    gain = liability_gain(1.0, draw)
    return gain > 0, gain


@fact
def regulation_low(draw: Draw = DRAW) -> Effect:
    """Liability's welfare gain at a tenth of the baseline's risk; holds when negative."""
    gain = liability_gain(0.1, draw)
    return gain < 0, gain


@fact
def level_field_safety(draw: Draw = DRAW) -> Effect:
    """Safety effort with every lab funded alike (LEVEL_FIELD) minus the world's own."""
    a, b = paired(LEVEL_FIELD, None, "safety_effort", LATER, draw)
    return a - b < 0, a - b


@fact
def enmity_safety(draw: Draw = DRAW) -> Effect:
    """Safety effort at enmity 0.9 minus at 0.1, years 2-5."""
    a, b = paired(FIERCE, CALM, "safety_effort", LATER, draw)
    return a - b < 0, a - b


@fact
def crowded_race_safety(draw: Draw = DRAW) -> Effect:
    """Safety effort with a rival copy of each lab minus the world's own, years 2-5."""
    a, b = paired(crowded, None, "safety_effort", LATER, draw)
    return a - b < 0, a - b


@fact
def academic_subsidy(draw: Draw = DRAW) -> Effect:
    """log(academic output with the academic half of 10x NAIRR / without), years 2-5."""
    effect = np.log(np.divide(*paired(ACADEMIC_SUBSIDY, None, "academic_output", LATER, draw)))
    return effect > 0, effect


@fact
def defenders_research(draw: Draw = DRAW) -> Effect:
    """log(safety research under open weights / under api-only), years 2-5."""
    effect = np.log(np.divide(*paired(OPEN, API_ONLY, "safety_research", LATER, draw)))
    return effect > 0, effect


@fact
def defenders_capacity(draw: Draw = DRAW) -> Effect:
    """log(defensive capacity under open weights / under api-only), years 2-5."""
    effect = np.log(np.divide(*paired(OPEN, API_ONLY, "defense_capacity", LATER, draw)))
    return effect > 0, effect


def share(holds: np.ndarray) -> float:
    """The share of worlds, among those where the fact is defined, in which it holds."""
    return float(np.nanmean(np.asarray(holds, dtype=float)))


def summary(holds: np.ndarray, effect: np.ndarray) -> str:
    return (f"holds in {share(holds):.2f} of {int(np.isfinite(np.asarray(holds, float)).sum())} "
            f"worlds; mean effect {np.nanmean(effect):+.4g}; effects {np.round(effect, 4)}")


# ---------------------------------------------------------------------------------- facts
# 3 ------------------------------------------------------- open release: entry, concentration
def test_open_release_raises_entry_over_worlds():
    holds, effect = entry()
    # Measured: 15/16 worlds, mean log ratio +0.27 (draw 1: 16/16, +0.29; 24 worlds: 1.00 and
    # 0.96 of worlds, +0.21 and +0.27).
    assert share(holds) >= 0.8, summary(holds, effect)
    assert effect.mean() > 0.1, summary(holds, effect)


def test_open_release_lowers_provider_concentration_over_worlds():
    holds, effect = provider_concentration()
    # Measured: 16/16, mean -2,232 HHI points (draw 1: 16/16, -2,203; 24 worlds: 0.96 and 1.00,
    # -2,961 and -2,869).
    assert share(holds) >= 0.9, summary(holds, effect)
    assert effect.mean() < -1_000, summary(holds, effect)


# 5 --------------------------------------------------------------------------- open lag
def test_a_richer_open_lab_shortens_the_open_lag_over_worlds():
    """The lag emerges from the labs' budgets and diffusion: money moves it in most worlds."""
    holds, effect = richer_open_lab_lag()
    # Measured: 13/16, mean -4.5 months (draw 1: 13/16, -3.7; 24 worlds: 0.96 and 1.00, -7.5
    # and -6.6). Over ten years (16 worlds, draw 0): 12/16, -2.8 months.
    assert share(holds) >= 0.7, summary(holds, effect)
    assert effect.mean() < -2.0, summary(holds, effect)


@pytest.mark.xfail(strict=True, reason="conditional over worlds: the lag lies in 3-15 months "
                   "in only 9 of 16 worlds over years 2-5 (0.56, 0.71 and 0.67 on the other "
                   "draws; median 12 months, range 2-33), and over ten years in 4 of 16 (mean "
                   "31 months)")
def test_the_open_lag_settles_in_months_to_a_year_over_worlds():
    holds, effect = open_lag_in_months()
    assert share(holds) >= 0.8, summary(holds, effect)


# 6 ------------------------------------------------------------------------- marginal risk
def test_safety_training_spares_open_weight_misuse_but_cuts_api_misuse_over_worlds():
    """Whether open misuse survives safety training in each world, and API misuse does not."""
    holds, remains = safety_training_open()
    # Measured: open misuse keeps over half its harm in 13/15 worlds (one world has none),
    # 0.95 of it on average (draw 1: 14/15, 1.04; 24 worlds: 0.96 and 0.91, 0.89 and 0.82).
    assert share(holds) >= 0.8, summary(holds, remains)
    assert np.nanmean(remains) > 0.7, summary(holds, remains)
    holds, remains = safety_training_api()
    # Measured: API misuse keeps under half its harm in 11/16 worlds, median 0.03 of it (with
    # the startups' events drawn per row before: 12/16, 0.03; draw 1: 15/16, 0.04; 24 worlds:
    # 0.92 and 0.75, 0.01 and 0.14). With one seed a world a share of 16 moves by a world or
    # two when the random streams change (a standard error of about 0.1), so the bar is a
    # clear majority, 0.6. The mean is no summary here: in one world careful labs keep more
    # models behind APIs and API misuse rises 1,400-fold.
    assert share(holds) >= 0.6, summary(holds, remains)
    assert np.nanmedian(remains) < 0.2, summary(holds, remains)


@pytest.mark.xfail(strict=True, reason="conditional over worlds: fully safety-trained models "
                   "keep over 0.85 of open-weight misuse harm (the defaults' margin) in only "
                   "10 of 15 worlds over five years (0.67, 0.52 and 0.57 on the other draws; "
                   "13 of 16 over ten years)")
def test_safety_training_keeps_most_open_weight_misuse_over_worlds():
    holds, remains = safety_training_open_85()
    assert share(holds) >= 0.8, summary(holds, remains)


# 7 ------------------------------------------------------------------ developer liability
def test_developer_liability_pushes_labs_toward_api_over_worlds():
    """The weakest fact that holds: in about a quarter of worlds few labs publish weights
    anyway, or liability of 0.9 does not outweigh the gain of openness."""
    holds, effect = developer_liability()
    # Measured: 10/16 worlds, mean -0.077 of the labs (with the startups' events drawn per row
    # before: 12/16, -0.075; draw 1: 12/16, -0.13; 24 worlds: 0.67 and 0.75, -0.11 and
    # -0.086). Over ten years (16 worlds, draw 0, before): 13/16, -0.090. A share of 16 worlds
    # at one seed each moves by a world or two with the streams (standard error about 0.11),
    # so the share is held to a majority, 0.55, and the mean effect carries the margin.
    assert share(holds) >= 0.55, summary(holds, effect)
    assert effect.mean() < -0.04, summary(holds, effect)


# 8 --------------------------------------------------------------------------- watermarks
def test_watermark_mandate_binds_api_outputs_not_open_weights_over_worlds():
    holds, effect = watermark_binds_api()
    # Measured: the API cut exceeds three times the open-weight cut in 13/14 worlds (two have
    # no misuse in one channel), by 0.24 on average (draw 1: 15/15, 0.22; 24 worlds: 1.00 and
    # 1.00, 0.21 and 0.21).
    assert share(holds) >= 0.85, summary(holds, effect)
    assert np.nanmean(effect) > 0.1, summary(holds, effect)
    holds, api_cut = watermark_api_cut()
    # Measured: mean API cut 0.38 (draw 1: 0.36; 24 worlds: 0.38 and 0.38); above a quarter, the
    # defaults' margin, in 0.88 of worlds here but 0.69, 0.75 and 0.62 on the other draws, so
    # only the mean is held to it.
    assert np.nanmean(api_cut) > 0.25, summary(holds, api_cut)


# 9 ------------------------------------------------- regulation helps in a middle band of risk
def test_liability_raises_welfare_at_the_baselines_risk_over_worlds():
    """The middle of fact 9's band: developer liability of 0.5 at the baseline's risk, welfare
    over five years. Over ten years it does not hold: 4 of 16 worlds of this draw, mean -66 and
    median -3.6 USD bn a month, as innovation lost to liability compounds (measured with
    120-month runs, too slow for this module)."""
    holds, gain = regulation_middle()
    # Measured: 11/16 worlds, mean +3.1 USD bn a month (before the spill-over's unit changed:
    # 12/16, +4.2; draw 1: 14/16, +2.3; 24 worlds: 0.92 and 0.75, +4.1 and +4.2). The worlds
    # where it fails lose little (-0.04 to -0.9), and a share over 16 worlds has a standard
    # error of about 0.11, so the margin asks for a clear majority (10 of 16), not 0.7.
    assert share(holds) >= 0.6, summary(holds, gain)
    assert gain.mean() > 1.0, summary(holds, gain)


@pytest.mark.xfail(strict=True, reason="conditional over worlds: at a tenth of the baseline's "
                   "risk liability lowers welfare in only 10 of 16 worlds (0.44, 0.54 and 0.42 "
                   "on the other draws) over five years, 12 of 16 over ten: the band's lower "
                   "edge moves with the world")
def test_liability_lowers_welfare_at_low_risk_over_worlds():
    holds, gain = regulation_low()
    assert share(holds) >= 0.8, summary(holds, gain)


# 10 ------------------------------------------------------------------------------- racing
@pytest.mark.xfail(strict=True, reason="fails over worlds: levelling the field raises safety "
                   "effort in 16 of 16 worlds, by 0.038 on average (it holds in 0.38, 0.21 and "
                   "0.04 of the other draws' worlds; over ten years 7 of 16, mean -0.010); "
                   "equal budgets and investors who ignore capability and growth change more "
                   "than the gaps between labs")
def test_closer_races_mean_less_safety_effort_over_worlds():
    holds, effect = level_field_safety()
    assert share(holds) >= 0.8, summary(holds, effect)


def test_more_enmity_means_less_safety_effort_over_worlds():
    holds, effect = enmity_safety()
    # Measured: 14/16 worlds (the other two: no change), mean -0.016 (draw 1: 13/16, -0.013;
    # 24 worlds: 0.92 and 0.92, -0.012 and -0.014).
    assert share(holds) >= 0.75, summary(holds, effect)
    assert effect.mean() < -0.006, summary(holds, effect)


def test_more_racing_labs_mean_less_safety_effort_over_worlds():
    holds, effect = crowded_race_safety()
    # Measured: 15/16 worlds, mean -0.019 (draw 1: 16/16, -0.037; 24 worlds: 1.00 and 0.96,
    # -0.032 and -0.028).
    assert share(holds) >= 0.8, summary(holds, effect)
    assert effect.mean() < -0.008, summary(holds, effect)


# 11 -------------------------------------------------------------------- compute subsidies
def test_compute_subsidy_raises_academic_output_over_worlds():
    holds, effect = academic_subsidy()
    # Measured: 16/16 worlds, mean log ratio +1.21, about 3.4 times the output (draw 1: 16/16,
    # +1.15; 24 worlds: 1.00 and 1.00, +1.08 and +1.23).
    assert share(holds) >= 0.9, summary(holds, effect)
    assert effect.mean() > 0.4, summary(holds, effect)


# 12 ------------------------------------------------------------------------- defenders
def test_open_access_helps_defenders_over_worlds():
    holds, effect = defenders_research()
    # Measured: 16/16 worlds, mean log ratio +0.62 (draw 1: 16/16, +0.55; 24 worlds: 1.00 and
    # 1.00, +0.66 and +0.61).
    assert share(holds) >= 0.9, summary(holds, effect)
    assert effect.mean() > 0.2, summary(holds, effect)
    holds, effect = defenders_capacity()
    # Measured: 16/16, +0.28 (draw 1: 16/16, +0.24; 24 worlds: 1.00 and 1.00, +0.28 and +0.27).
    assert share(holds) >= 0.9, summary(holds, effect)
    assert effect.mean() > 0.1, summary(holds, effect)


# 9c ----------------------------------------------------- the band on a continuous risk axis
RISK_LEVELS = np.array([0.1, 0.2, 0.4, 1.0, 2.0, 5.0, 10.0, 20.0])  # liability_scale <= 100
RISK_SEEDS = 5


def risk_axis_gains(seeds: range = range(RISK_SEEDS), steps: int = STEPS) -> np.ndarray:
    """Liability's welfare gain (USD bn a month over the run) at each of RISK_LEVELS for each
    seed, at the defaults, paired by seed: seeds x levels."""
    base = Scenario.baseline().with_overrides({"steps": steps})
    pairs = [(base.with_overrides(risk_world(float(level), **policy)), seed)
             for level in RISK_LEVELS for policy in (LIABILITY, NO_LIABILITY) for seed in seeds]
    welfare = np.array([frame["welfare"].to_numpy().mean() for frame in executor.evaluate(pairs)])
    welfare = welfare.reshape(len(RISK_LEVELS), 2, len(seeds))
    return (welfare[:, 0] - welfare[:, 1]).T


def test_regulation_helps_only_in_a_middle_band_of_a_continuous_risk_axis(record_property):
    """Fact 9 on a continuous axis at the defaults: developer liability of 0.5 raises welfare
    in a band of risk holding the baseline's and loses it at both ends; the edges are where
    the mean gain crosses zero (experiments.findings.risk_axis.band), each with a bootstrap
    interval over seeds. Over five years here; docs/findings.md (fact 9c) finds x0.22 to
    x6.6 over ten."""
    gain = risk_axis_gains()
    mean = gain.mean(axis=0)
    low, high = band(RISK_LEVELS, gain)
    low_ci = bootstrap_interval(gain, lambda g: band(RISK_LEVELS, g)[0], seed=9)
    high_ci = bootstrap_interval(gain, lambda g: band(RISK_LEVELS, g)[1], seed=9)
    record_property("risk_band", {"low": low, "low_ci": low_ci, "high": high, "high_ci": high_ci})
    print(f"liability helps from x{low:.3g} [x{low_ci[0]:.3g}, x{low_ci[1]:.3g}] to "
          f"x{high:.3g} [x{high_ci[0]:.3g}, x{high_ci[1]:.3g}] the baseline's risk; mean gain "
          f"by level {np.round(mean, 3)}")
    # Measured (seeds 0-4): gains -0.020, -0.034, +0.26, +1.6, +2.5, +2.2, -0.16, -0.94; band
    # x0.22 [x0.21, x0.23] to x9.5 [x8.5, x13]. Seeds 5-9: -0.021 at x0.1, +1.5 at x1, -0.96
    # at x20; band x0.21 [x0.15, x0.23] to x10 [x8.7, x13].
    assert mean[0] < 0 and mean[-1] < 0  # liability costs more than it saves at both ends
    assert mean[RISK_LEVELS == 1.0][0] > 0.5
    assert RISK_LEVELS[0] < low_ci[0] and low_ci[1] < 1.0 < high_ci[0]
    assert high_ci[1] < RISK_LEVELS[-1]  # the band ends inside the axis on both sides
