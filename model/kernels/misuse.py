"""Misuse by bad actors, counted as marginal risk over the no-AI baseline (mechanisms 7, 8, 11).

Routes: 0 none, 1 open weights (safeguards stripped, undetectable, irreversible), 2 an API
(refusals, monitoring, bans).
"""

from __future__ import annotations

import numpy as np

NO_ROUTE, OPEN_ROUTE, API_ROUTE = 0, 1, 2


def marginal_uplift(capability: np.ndarray | float, threshold: float, scale: float,
                    ) -> np.ndarray | float:
    """Uplift over the no-AI baseline, 0–1: near zero well below ``threshold``, rising above it.

    A logistic curve: RAND (2024) found no significant uplift from 2023 models, concern grows with
    capability (Kapoor et al. 2024's marginal-risk framing), and uplift is bounded because a
    model cannot lift an actor beyond what expert help would (assumption).
    """
    if isinstance(capability, (float, int)):  # one model: skip the array conversion
        return 0.5 * (1.0 + float(np.tanh(0.5 * ((capability - threshold) / scale))))
    x = (np.asarray(capability, dtype=float) - threshold) / scale
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def strip_success(resources_usd: np.ndarray, strip_cost_usd: float) -> np.ndarray:
    """Whether an actor can remove safety training from open weights (about $200: Lermen 2023)."""
    return resources_usd >= strip_cost_usd


def open_uplift_kept(can_strip: np.ndarray) -> np.ndarray:
    """Share of an open model's uplift an actor gets: all of it once safeguards are stripped
    (refusals then fall to about 1%, Gade et al. 2023); about 1% otherwise, since safety-tuned
    chat models refuse nearly all harmful requests (assumption)."""
    return np.where(can_strip, 1.0, 0.01).astype(np.float32)


def choose_route(open_gain: np.ndarray, api_expected: np.ndarray, api_gain: float,
                 ) -> tuple[np.ndarray, np.ndarray]:
    """Each actor's access route and the uplift it gives them.

    Args:
        open_gain: uplift each actor gets from the best open weights.
        api_expected: uplift each actor expects from the best API, after refusals and discounted
            by the chance of detection (zero for banned actors).
        api_gain: uplift an API gives after refusals, when not detected.
    """
    use_api = api_expected > open_gain
    route = np.where(use_api, API_ROUTE, OPEN_ROUTE).astype(np.int8)
    gain = np.where(use_api, np.float32(api_gain), open_gain)
    none = np.maximum(open_gain, api_expected) <= 0.0
    route[none] = NO_ROUTE
    gain[none] = 0.0
    return route, gain


def attack_success_probability(uplift: np.ndarray, sophistication: np.ndarray,
                               defense: float, watermark_block: np.ndarray) -> np.ndarray:
    """Chance an attempt succeeds: attacker uplift against the ecosystem's defence.

    "Good AI versus bad AI": a contest between the attacker's capability and the defence.
    ``watermark_block`` is the share of success removed by watermark detection on that route.
    """
    attack = uplift * sophistication
    return attack / (attack + defense) * (1.0 - watermark_block)


def evasion(sophistication: np.ndarray) -> np.ndarray:
    """Factor on a lab's monitoring: sophisticated actors are detected less often."""
    return (1.0 / (1.0 + 0.5 * sophistication)).astype(np.float32)
