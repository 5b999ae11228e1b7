"""The downstream market: startups' entry, base-model choice, growth, exit; concentration.

Mechanisms 5 (downstream market), 9 (deployer liability), 10 (subsidies). All amounts are in
USD thousands per month; users are people.
"""

from __future__ import annotations

import numpy as np


def reachable_users(capability: np.ndarray | float, reference: float, users_mean: float,
                    elasticity: float) -> np.ndarray:
    """Users a product built on a model of this capability can reach at maturity.

    A more capable base model enables more products and users: ``elasticity`` orders of magnitude
    of users per order of magnitude of effective compute (assumption).
    """
    capability = np.asarray(capability, dtype=float)
    reachable = np.isfinite(capability)  # -inf: no model offered, no users
    gap = np.where(reachable, capability - reference, 0.0)
    return np.where(reachable, users_mean * np.power(10.0, elasticity * gap), 0.0)


def expected_margin(revenue_k: np.ndarray | float, compute_k: np.ndarray | float,
                    subsidy_k: np.ndarray | float, premium_share: np.ndarray | float,
                    fixed_cost_k: float) -> np.ndarray:
    """Monthly profit (USD k) of a startup: revenue less premium, fixed costs and compute.

    API startups' compute is the fee they pay their provider; open ones pay for their own.
    Public compute covers part of the compute bill; deployer liability adds a premium as a share
    of revenue.
    """
    compute_bill = np.maximum(compute_k - subsidy_k, 0.0)
    return revenue_k * (1.0 - premium_share) - fixed_cost_k - compute_bill


def entry_probability(best_margin_k: float, fixed_cost_k: float, entry_rate: float) -> float:
    """Monthly chance that an inactive slot enters: proportional to the expected margin.

    ``entry_rate`` is the chance when the margin equals the fixed cost (a 100% return on the
    monthly burn); no one enters a market that does not pay, and the response saturates at 5x.
    """
    attractiveness = min(max(best_margin_k / max(fixed_cost_k, 1e-9), 0.0), 5.0)
    return float(min(entry_rate * attractiveness, 1.0))


def choose_open_base(taste: np.ndarray, open_advantage_k: float, noise_k: float) -> np.ndarray:
    """Fine-tune open weights (True) or build on an API (False): a logit choice.

    ``taste`` is each startup's fixed idiosyncratic preference for open weights (standard
    logistic); ``open_advantage_k`` the expected margin of open over the best API.
    """
    return taste * noise_k + open_advantage_k > 0.0


def pick_provider(u: np.ndarray, margins_k: np.ndarray, noise_k: float) -> np.ndarray:
    """Index of the API provider chosen by each uniform draw ``u``: logit shares by margin."""
    best = margins_k.max()
    if best == -np.inf:  # no API on offer
        return np.full(u.shape, -1, dtype=np.int16)
    shares = np.exp((margins_k - best) / noise_k)  # an API not on offer (-inf) gets no share
    cumulative = np.cumsum(shares / shares.sum())
    cumulative[-1] = 1.0
    return cumulative.searchsorted(u, side="right").astype(np.int16)


def grow_users(users: np.ndarray, target: np.ndarray, rate: float) -> None:
    """Move each startup's users toward its reachable market (in place)."""
    users += rate * (target - users)


def hhi(provider_usage: np.ndarray, self_hosted_usage: np.ndarray) -> float:
    """Herfindahl–Hirschman index (0–10,000) of model-provider usage shares.

    API usage counts toward its lab; each startup serving its own fine-tuned open weights is its
    own provider.
    """
    total = float(provider_usage.sum()) + float(self_hosted_usage.sum(dtype=np.float64))
    if total <= 0.0:
        return 0.0
    squares = float(np.square(provider_usage).sum())
    squares += float(np.square(self_hosted_usage, dtype=np.float64).sum())
    return 10_000.0 * squares / (total * total)
