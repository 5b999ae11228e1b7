"""What the labs offer this month: the models populations can reach, and on what terms."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from aiecosim.model.kernels.misuse import marginal_uplift
from aiecosim.model.kernels.policy import liability_shares

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
    lab_state: tuple = ()  # what the per-lab arrays were built from (see ``lab_state``)
    best_api: int = -1  # index of the most capable API, or -1 when no API is available

    @property
    def open_available(self) -> bool:
        return math.isfinite(self.open_capability)

    def best_accessible(self) -> float:
        best = float(self.api_capability[self.best_api]) if self.best_api >= 0 else -np.inf
        return max(best, self.open_capability)


def lab_state(model) -> tuple:
    """Everything the per-lab arrays depend on. Labs change it only when they release, change
    safety effort, lose their API or exit, so most months reuse last month's arrays."""
    return (model.regulator.liability_strength,
            *((lab.serves_api, lab.capability, lab.evaluated, lab.safety_effort)
              for lab in model.labs))


def build_access(model, previous: Access | None = None) -> Access:
    """Summarise the labs for the populations (called once a month, after labs act), reusing
    ``previous``'s per-lab arrays when no lab changed."""
    world = model.world
    licence = model.labs[world.open_origin].spec.licence if world.open_licensed else None
    open_terms = dict(
        open_capability=world.open_capability,
        open_licence_penalty=licence.startup_penalty if licence else 0.0,
        open_user_cap=licence.mau_cap if licence else np.inf,
    )
    state = lab_state(model)
    if previous is not None and previous.lab_state == state:
        return replace(previous, **open_terms)
    return Access(**lab_terms(model), **open_terms, lab_state=state)


def lab_terms(model) -> dict[str, np.ndarray | int]:
    """The per-lab arrays: what each lab's API offers and how it guards against misuse."""
    sc = model.scenario
    labs = model.labs
    serving = np.array([lab.serves_api for lab in labs])
    capability = np.array([lab.capability for lab in labs])
    on_developer, _ = liability_shares(sc.policy.liability.bearer,
                                       model.regulator.liability_strength)
    risk = marginal_uplift(capability, sc.misuse.harm_threshold, sc.misuse.uplift_scale)
    fee = sc.populations.startups.api_fee_share * (1.0 + LIABILITY_PASS_THROUGH * on_developer * risk)
    evaluated = np.array([lab.evaluated for lab in labs])
    effort = np.array([lab.safety_effort for lab in labs])
    api_capability = np.where(serving, capability, -np.inf)
    return dict(
        api_capability=api_capability,
        api_fee=np.minimum(fee, 0.9),
        api_mitigation=np.where(evaluated, 1.0 - sc.policy.evaluation.effectiveness, 1.0),
        monitoring=np.array([lab.monitoring for lab in labs]),
        refusal=sc.misuse.api_refusal * effort,
        best_api=int(np.argmax(api_capability)) if serving.any() else -1,
    )
