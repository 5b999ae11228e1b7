"""Misuse by bad actors, counted as marginal risk over the no-AI baseline (mechanisms 7, 8, 11).

Routes: 0 none, 1 open weights (safeguards stripped, undetectable, irreversible), 2 an API
(refusals, monitoring, bans). Every behavioural constant is a scenario parameter
(``misuse``, ``populations.bad_actors``); these functions only combine them.
"""

from __future__ import annotations

import math

import numpy as np

NO_ROUTE, OPEN_ROUTE, API_ROUTE = 0, 1, 2


def marginal_uplift(capability: np.ndarray | float, threshold: float, scale: float,
                    exponent: float) -> np.ndarray | float:
    """Uplift over the no-AI baseline: ``((capability - threshold)+ / scale) ** exponent``.

    Zero at or below ``threshold`` (RAND 2024 found no significant uplift from 2023 models), one
    unit at ``threshold + scale``, and growing without a ceiling above it, concave for an
    exponent below 1 (assumption: each order of magnitude of capability adds less, but nothing
    caps what a more capable model can help with). A model that does not exist (capability
    -inf) gives nothing. A float gives a float (labs and access call it for one model).
    """
    if isinstance(capability, (float, int)):  # one model: skip the array conversion
        excess = capability - threshold
        return (excess / scale) ** exponent if excess > 0.0 else 0.0
    excess = np.maximum(np.asarray(capability, dtype=float) - threshold, 0.0)
    return (excess / scale) ** exponent


def strip_success(resources_usd: np.ndarray, strip_cost_usd: float) -> np.ndarray:
    """Whether an actor can remove safety training from open weights (about $200: Lermen 2023)."""
    return resources_usd >= strip_cost_usd


def open_uplift_kept(can_strip: np.ndarray, unstripped_share: float) -> np.ndarray:
    """Share of an open model's uplift an actor gets: all of it once safeguards are stripped
    (refusals then fall to about 1%, Gade et al. 2023); ``unstripped_share`` otherwise, since
    safety-tuned chat models refuse nearly all harmful requests."""
    return np.where(can_strip, 1.0, unstripped_share).astype(np.float32)


def tier_members(shares: list[float] | np.ndarray, count: int) -> np.ndarray:
    """How many of ``count`` actors each tier has: ``share × count`` rounded so that the
    counts add up to ``count`` (largest remainders; a deterministic split, not a draw)."""
    exact = np.asarray(shares, dtype=float) * count
    members = np.floor(exact).astype(np.int64)
    short = count - int(members.sum())
    if short > 0:
        members[np.argsort(-(exact - members), kind="stable")[:short]] += 1
    return members


def tiers_joined(joins_at: np.ndarray, best_accessible: float) -> np.ndarray:
    """Which tiers attempt misuse this month: those whose entry capability the best model
    anyone can reach has attained."""
    return np.asarray(joins_at) <= best_accessible


def route_cost_factor(flop_per_usd_start: float, flop_per_usd: float) -> float:
    """What access costs now relative to the first month: it falls as compute gets cheaper
    (stripping safeguards is a fine-tuning run; a subscription tracks inference prices)."""
    return flop_per_usd_start / flop_per_usd


def attempt_probability(attempt_rate: float, reference_cost: float, access_cost: float,
                        elasticity: float) -> float:
    """Monthly chance an engaged actor attempts misuse:
    ``attempt_rate × (reference_cost / access_cost) ** elasticity``, at most 1.

    Cheaper access brings more attempts (assumption: a constant-elasticity response to the
    price of the cheapest route; at the reference cost the rate is ``attempt_rate``). With no
    route on offer (infinite cost) nobody attempts.
    """
    if not math.isfinite(access_cost):
        return 0.0
    if access_cost <= 0.0:
        return 1.0 if attempt_rate > 0.0 else 0.0
    try:
        return float(min(attempt_rate * (reference_cost / access_cost) ** elasticity, 1.0))
    except OverflowError:  # a route many orders of magnitude cheaper: everyone engaged tries
        return 1.0 if attempt_rate > 0.0 else 0.0


def choose_route(open_gain: np.ndarray, api_expected: np.ndarray,
                 api_gain: np.ndarray | float) -> tuple[np.ndarray, np.ndarray]:
    """Each actor's access route and the uplift it gives them.

    Args:
        open_gain: uplift each actor gets from the best open weights.
        api_expected: uplift each actor expects from the best API, after refusals and discounted
            by the chance of detection (zero for banned actors).
        api_gain: uplift an API gives after refusals, when not detected (each actor's API, or
            one for all).
    """
    use_api = api_expected > open_gain
    route = np.where(use_api, API_ROUTE, OPEN_ROUTE).astype(np.int8)
    gain = np.where(use_api, np.float32(api_gain), open_gain)
    none = np.maximum(open_gain, api_expected) <= 0.0
    route[none] = NO_ROUTE
    gain[none] = 0.0
    return route, gain


def attack_success_probability(uplift: np.ndarray, skill: np.ndarray,
                               defense: float, watermark_block: np.ndarray) -> np.ndarray:
    """Chance an attempt succeeds: ``uplift·skill / (uplift·skill + defence)``, less the share
    ``watermark_block`` that watermark detection removes on that route.

    "Good AI versus bad AI" (LeCun 2023): a contest between the attacker's AI-lifted skill and
    the ecosystem's defence.
    """
    attack = uplift * skill
    return attack / (attack + defense) * (1.0 - watermark_block)


def evasion(skill: np.ndarray, evasion_per_skill: float) -> np.ndarray:
    """Factor on a lab's monitoring, ``1 / (1 + evasion_per_skill · skill)``: skilled actors
    are detected less often."""
    return (1.0 / (1.0 + evasion_per_skill * skill)).astype(np.float32)


def tail_probability(uplift: float, annual_probability: float, elasticity: float) -> float:
    """Monthly chance of a catastrophic misuse event.

    The yearly chance is ``annual_probability × uplift ** elasticity`` (at most 1: it is a
    probability), with ``uplift`` that of the best model anyone can reach; zero without uplift.
    A month's chance is the one that compounds to it over twelve months.
    """
    if uplift <= 0.0:
        return 0.0
    annual = min(annual_probability * uplift**elasticity, 1.0)
    return float(-math.expm1(math.log1p(-annual) / 12.0)) if annual < 1.0 else 1.0


def split_by_attempts(total: float, attempts: np.ndarray, fallback_route: int) -> np.ndarray:
    """``total`` spread over routes (none, open, API) in proportion to this month's attempts;
    all on ``fallback_route`` when nobody attempted."""
    out = np.zeros(3)
    n = float(attempts[OPEN_ROUTE] + attempts[API_ROUTE])
    if n > 0:
        out[OPEN_ROUTE] = total * attempts[OPEN_ROUTE] / n
        out[API_ROUTE] = total * attempts[API_ROUTE] / n
    elif fallback_route != NO_ROUTE:
        out[fallback_route] = total
    return out
