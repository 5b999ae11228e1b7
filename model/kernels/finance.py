"""Lab finance: what a lab can spend, and how investors share out a capital market (mechanism 14).

Money is in USD bn; flows are per month. A lab's spending is a burn rate out of its capital:
at each new training run it commits to spending a share of its capital per month plus the
revenue it expects, and its flagship run is a fixed share of that spending (the rest is staff,
research compute and the running of the firm).
"""

from __future__ import annotations

import numpy as np

REVENUE_FLOOR_USD_BN = 1e-6  # USD 1,000 a month: keeps the log of a lab with no revenue finite


def monthly_burn(capital: np.ndarray | float, expected_revenue: np.ndarray | float,
                 runway_months: float, expected_bills: np.ndarray | float = 0.0) -> np.ndarray:
    """Spending a lab commits to per month: the capital left after the liability bills it
    expects over its runway, spread over that runway, plus the revenue it expects. Debt is not
    modelled, so negative capital or revenue funds nothing."""
    free = np.maximum(capital, 0.0) - np.maximum(expected_bills, 0.0) * runway_months
    return np.maximum(free, 0.0) / runway_months + np.maximum(expected_revenue, 0.0)


def flagship_run_cost(burn: np.ndarray | float, flagship_share: float,
                      interval_months: np.ndarray | float) -> np.ndarray:
    """Cost of the next flagship run: its share of the spending over the release interval. A
    float gives a float: labs ask for their own run's cost many times a month."""
    return flagship_share * burn * interval_months


def implied_capital(run_cost: np.ndarray | float, revenue: np.ndarray | float,
                    flagship_share: float, interval_months: np.ndarray | float,
                    runway_months: float) -> np.ndarray:
    """Capital at the start at which the burn rule buys the lab's 2023 run (the inverse of
    ``monthly_burn`` and ``flagship_run_cost``); 0 when revenue alone pays for more."""
    burn = np.asarray(run_cost, dtype=float) / (flagship_share * interval_months)
    return np.maximum(burn - np.asarray(revenue, dtype=float), 0.0) * runway_months


def revenue_growth(revenue: np.ndarray, trend: np.ndarray) -> np.ndarray:
    """Log growth of revenue over its slow trend: investors chase labs whose revenue grows."""
    floor = REVENUE_FLOOR_USD_BN
    return np.log((np.maximum(revenue, 0.0) + floor) / (np.maximum(trend, 0.0) + floor))


def smooth(trend: np.ndarray, value: np.ndarray, months: float) -> np.ndarray:
    """Exponential smoothing with a time constant of ``months``."""
    return trend + (value - trend) / months


def investor_shares(capability: np.ndarray, growth: np.ndarray, active: np.ndarray,
                    capability_pull: float, growth_pull: float) -> np.ndarray:
    """Each lab's share of this month's investment: a softmax over its capability lead (log10
    FLOP-eq behind the best active lab) and its revenue growth; 0 for labs that left."""
    if not active.any():
        return np.zeros(capability.size)
    lead = capability - capability[active].max()
    score = np.where(active, capability_pull * lead + growth_pull * growth, -np.inf)
    weight = np.exp(score - score[active].max())  # the best active lab scores 0: no overflow
    return weight / weight.sum()


def market_flow(size_usd_bn_year: float, growth_per_year: float, month: int) -> float:
    """Monthly flow at ``month`` (1 = the run's first) of money that grows geometrically and
    adds up to ``size_usd_bn_year`` over the first twelve months (the year a source reports)."""
    step = growth_per_year ** (1.0 / 12.0)
    first_month = size_usd_bn_year * (step - 1.0) / (growth_per_year - 1.0) \
        if growth_per_year > 1.0 else size_usd_bn_year / 12.0
    return first_month * step ** (month - 1)
