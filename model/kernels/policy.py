"""Policy levers as pure functions: liability, subsidies, evaluations, watermarks, adaptation.

Mechanisms 9–12 of docs/ODD.md (liability, compute subsidies, evaluation and watermark
mandates, adaptive regulation).
"""

from __future__ import annotations

import numpy as np

BEARER_SHARES = {"developer": (1.0, 0.0), "deployer": (0.0, 1.0), "shared": (0.5, 0.5)}


def liability_shares(bearer: str, strength: float) -> tuple[float, float]:
    """(developer, deployer) shares of attributable harm each must pay."""
    developer, deployer = BEARER_SHARES[bearer]
    return strength * developer, strength * deployer


def open_harm_shares(rule: str, users_by_origin: np.ndarray, best_origin: int) -> np.ndarray:
    """Share of open-weight harm charged to each origin of public weights (index = lab; the
    last entry, bases from before the run, is charged to nobody in the run).

    ``market-share``: in proportion to each origin's share of deployed open-weight use; with no
    use yet, all to the best base. ``best-base``: all to the developer of the best base.
    """
    shares = np.zeros(users_by_origin.size)
    total = float(users_by_origin.sum())
    if rule == "market-share" and total > 0.0:
        return users_by_origin / total
    if best_origin >= 0:
        shares[best_origin] = 1.0
    return shares


def subsidy_pools(budget_usd_bn: float, lab_safety_share: float, academic_share: float,
                  take_up: float) -> tuple[float, float, float]:
    """Monthly public compute (USD k) for labs' safety work, for academics and for startups.

    The labs' share comes first; academics and startups split the rest.
    """
    monthly_k = budget_usd_bn * 1e6 / 12.0 * take_up
    rest_k = monthly_k * (1.0 - lab_safety_share)
    return monthly_k * lab_safety_share, rest_k * academic_share, rest_k * (1.0 - academic_share)


def safety_cover(pool_usd: float, safety_tax: float, training_spend_usd: np.ndarray,
                 weights: np.ndarray) -> np.ndarray:
    """Share of each lab's safety compute (its tax at full effort) a subsidy pool pays for.

    The pool goes to the eligible labs (``weights``: 0 for the ineligible) in proportion to their
    weights; a lab cannot be paid more than its whole safety compute, so the share stops at 1.
    """
    spend = np.asarray(training_spend_usd, dtype=float)
    total = float(np.sum(weights))
    need = safety_tax * spend
    if pool_usd <= 0.0 or total <= 0.0:
        return np.zeros(spend.size)
    granted = pool_usd * np.asarray(weights, dtype=float) / total
    # Cap the grant at the need before dividing, so a tiny need cannot overflow the ratio.
    return np.where(need > 0.0, np.minimum(granted, need) / np.where(need > 0.0, need, 1.0), 0.0)


def evaluation_applies(training_flop: float, mandate: bool, threshold_flop: float) -> bool:
    """Whether a training run must be evaluated before release (EU AI Act: 10^25 FLOP)."""
    return bool(mandate and training_flop >= threshold_flop)


def watermark_block(mandate: bool, api_effectiveness: float, open_compliance: float,
                    ) -> np.ndarray:
    """Share of misuse success removed by watermarks, indexed by route (none, open, API).

    A mandate binds API outputs fully and open weights only as far as users keep the mark.
    """
    if not mandate:
        return np.zeros(3)
    return np.array([0.0, api_effectiveness * open_compliance, api_effectiveness])


def should_tighten(harm_history: np.ndarray, month: int, lag: int, trigger: float,
                   last_tightened: int) -> bool:
    """The regulator tightens when harm ``lag`` months ago exceeded the trigger.

    At most once a year (the time a rule takes to pass), looking at a three-month average.
    """
    seen = month - lag
    if seen < 1 or month - last_tightened < 12:
        return False
    window = harm_history[max(seen - 3, 0):seen]
    return bool(window.size and window.mean() > trigger)
