"""Release choice on Solaiman's gradient, leaks of gated releases (mechanisms 2, 3, 9, 11).

Modes are indexed in the order of ``MODES``; a lab weighs each mode's commercial and strategic
value against the harm it would be exposed to (through liability and reputation).
"""

from __future__ import annotations

import numpy as np

MODES = ("closed", "staged", "api", "open-weights-licensed", "open-weights")
CLOSED, STAGED, API, LICENSED, OPEN = range(5)
WEIGHTS_PUBLIC = np.array([False, False, False, True, True])
# Modes whose model customers can use through the developer's API: an API release, and released
# weights, which their developer may also serve directly or through a cloud.
SERVED_BY_API = np.array([False, False, True, True, True])

# Value of each mode to a purely commercial lab and to a purely openness-minded one (assumption:
# API revenue versus the ecosystem, free research and talent that openness brings; The Atlantic
# 2023 on "open-washing", Zuckerberg 2023 on open infrastructure).
COMMERCIAL_VALUE = np.array([0.5, 0.6, 1.0, 0.35, 0.2])
ECOSYSTEM_VALUE = np.array([0.0, 0.4, 0.1, 0.9, 1.0])
# Share of the harm a model enables that stays attributable to its developer: an API can be
# monitored, rate-limited and cut; released weights cannot be recalled (Kapoor et al. 2024).
HARM_EXPOSURE = np.array([0.02, 0.3, 0.15, 1.0, 1.0])


def allowed_modes(regime: str, capability: float, threshold: float) -> np.ndarray:
    """Boolean mask of the modes a release regime permits for a model of this capability."""
    if regime == "open-weights":
        return WEIGHTS_PUBLIC.copy()
    if regime == "api-only" and capability > threshold:
        return ~WEIGHTS_PUBLIC & (np.arange(len(MODES)) != STAGED)
    return np.ones(len(MODES), dtype=bool)


def release_payoffs(
    openness: float,
    monitoring: float,
    risk: float,
    liability_on_developer: float,
    reputation_weight: float,
    liability_scale: float,
    safety_reward: float,
    safety_effort: float,
    open_compliance_cost: float,
) -> np.ndarray:
    """Payoff of each release mode for one lab (dimensionless, per unit of a release's value).

    Args:
        openness: the lab's preference for open release, 0–1.
        monitoring: effective API monitoring, 0–1; lowers the API's harm exposure.
        risk: marginal misuse uplift of the model (see ``misuse.marginal_uplift``).
        liability_on_developer: liability strength times the developer's share.
        reputation_weight: harm the lab internalises without liability (self-regulation).
        liability_scale: expected attributable harm at unit uplift, relative to the value.
        safety_reward: public reward for safe releases (Han et al. 2021).
        safety_effort: the lab's current safety effort, 0–1.
        open_compliance_cost: extra cost of releasing weights (e.g. lost open-source exemption).
    """
    value = (1.0 - openness) * COMMERCIAL_VALUE + openness * ECOSYSTEM_VALUE
    exposure = HARM_EXPOSURE.copy()
    exposure[API] *= 1.0 - 0.5 * monitoring
    expected_cost = exposure * risk * liability_scale * (liability_on_developer + reputation_weight)
    reward = safety_reward * safety_effort * (1.0 - exposure)
    return value - expected_cost + reward - open_compliance_cost * WEIGHTS_PUBLIC


def choose_mode(payoffs: np.ndarray, allowed: np.ndarray, temperature: float,
                rng: np.random.Generator) -> int:
    """Logit choice among allowed modes: argmax of payoff plus Gumbel taste noise."""
    noisy = payoffs + temperature * rng.gumbel(size=payoffs.shape)
    return int(np.argmax(np.where(allowed, noisy, -np.inf)))


def leak_probability(accessors: np.ndarray | float, rate_per_accessor: float) -> np.ndarray:
    """Monthly chance a gated release leaks: each person with access adds a small hazard.

    Calibrated so that thousands of approved researchers leak within about a week (LLaMA, 2023).
    """
    return 1.0 - np.exp(-rate_per_accessor * np.asarray(accessors, dtype=float))
