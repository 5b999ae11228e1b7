"""What the labs offer this month: the models populations can reach, and on what terms."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.kernels.misuse import marginal_uplift
from model.kernels.policy import liability_shares

LIABILITY_PASS_THROUGH = 0.5  # share of expected developer liability passed into API fees (assumption)


@dataclass(frozen=True)
class Access:
    """Per-lab arrays (index = lab) and the open-weight frontier, fixed for one month."""

    api_capability: np.ndarray  # -inf where the lab serves no API
    api_fee: np.ndarray  # share of a customer's revenue paid to the lab
    api_mitigation: np.ndarray  # share of uplift left after pre-release evaluation
    monitoring: np.ndarray  # chance per month an abuser is detected
    refusal: np.ndarray  # share of misuse attempts refused
    open_capability: float  # -inf when no weights are public
    open_licence_penalty: float  # quality cost of the best open model's licence terms
    open_user_cap: float  # users above which its licence binds (inf when unlicensed)

    @property
    def best_api(self) -> int:
        """Index of the most capable API, or -1 when no API is available."""
        if not np.isfinite(self.api_capability).any():
            return -1
        return int(np.argmax(self.api_capability))

    @property
    def open_available(self) -> bool:
        return bool(np.isfinite(self.open_capability))

    def best_accessible(self) -> float:
        best = self.api_capability.max() if self.api_capability.size else -np.inf
        return float(max(best, self.open_capability))


def build_access(model) -> Access:
    """Summarise the labs for the populations (called once a month, after labs act)."""
    sc = model.scenario
    labs = model.labs
    serving = np.array([lab.serves_api for lab in labs])
    capability = np.array([lab.capability for lab in labs])
    on_developer, _ = liability_shares(sc.policy.liability.bearer,
                                       model.regulator.liability_strength)
    risk = marginal_uplift(capability, sc.misuse.harm_threshold, sc.misuse.uplift_scale)
    fee = sc.populations.startups.api_fee_share * (1.0 + LIABILITY_PASS_THROUGH * on_developer * risk)
    evaluated = np.array([lab.evaluated for lab in labs])
    world = model.world
    licence = labs[world.open_origin].spec.licence if world.open_licensed else None
    effort = np.array([lab.safety_effort for lab in labs])
    return Access(
        api_capability=np.where(serving, capability, -np.inf),
        api_fee=np.minimum(fee, 0.9),
        api_mitigation=np.where(evaluated, 1.0 - sc.policy.evaluation.effectiveness, 1.0),
        monitoring=np.array([lab.monitoring for lab in labs]),
        refusal=sc.misuse.api_refusal * effort,
        open_capability=model.world.open_capability,
        open_licence_penalty=licence.startup_penalty if licence else 0.0,
        open_user_cap=licence.mau_cap if licence else np.inf,
    )
