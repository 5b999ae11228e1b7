"""Misuse by bad actors, counted as marginal risk over the no-AI baseline (mechanisms 7, 8, 11).

Routes: 0 none, 1 open weights (safeguards stripped, undetectable, irreversible), 2 an API
(refusals, monitoring, bans).
"""

from __future__ import annotations

import numpy as np

NO_ROUTE, OPEN_ROUTE, API_ROUTE = 0, 1, 2


def marginal_uplift(capability: np.ndarray | float, threshold: float, scale: float) -> np.ndarray:
    """Uplift over the no-AI baseline, 0–1: near zero well below ``threshold``, rising above it.

    A logistic curve: RAND (2024) found no significant uplift from 2023 models, concern grows with
    capability (Kapoor et al. 2024's marginal-risk framing), and uplift is bounded because a
    model cannot lift an actor beyond what expert help would (assumption).
    """
    x = (np.asarray(capability, dtype=float) - threshold) / scale
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def strip_success(resources_usd: np.ndarray, strip_cost_usd: float) -> np.ndarray:
    """Chance that an actor removes safety training from open weights (about $200: Lermen 2023)."""
    return resources_usd >= strip_cost_usd


def choose_route(
    open_uplift: float, api_uplift: float, api_refusal: float, detect: float,
    can_strip: np.ndarray, banned: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Each actor's access route and the uplift it gives them.

    Open weights give their full uplift to actors who can strip safeguards (about 1% refusals
    remain otherwise, Gade et al. 2023). An API gives its uplift minus refusals, discounted by the
    chance of being detected; banned actors cannot use it.
    """
    open_gain = np.where(can_strip, open_uplift, 0.01 * open_uplift)
    api_gain = np.where(banned, 0.0, api_uplift * (1.0 - api_refusal) * (1.0 - detect))
    route = np.where(open_gain >= api_gain, OPEN_ROUTE, API_ROUTE).astype(np.int8)
    route[np.maximum(open_gain, api_gain) <= 0.0] = NO_ROUTE
    gain = np.where(route == OPEN_ROUTE, open_gain, api_uplift * (1.0 - api_refusal))
    gain[route == NO_ROUTE] = 0.0
    return route, gain


def attack_success_probability(uplift: np.ndarray, sophistication: np.ndarray,
                               defense: float, watermark_block: np.ndarray) -> np.ndarray:
    """Chance an attempt succeeds: attacker uplift against the ecosystem's defence.

    "Good AI versus bad AI": a contest between the attacker's capability and the defence.
    ``watermark_block`` is the share of success removed by watermark detection on that route.
    """
    attack = uplift * sophistication
    return attack / (attack + defense) * (1.0 - watermark_block)


def detection_probability(monitoring: float, sophistication: np.ndarray) -> np.ndarray:
    """Chance an API abuser is detected this month; sophisticated actors evade more often."""
    return monitoring / (1.0 + 0.5 * sophistication)
