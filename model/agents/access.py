"""What the labs offer this month: the models populations can reach, and on what terms."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from aiecosim.model.kernels.market import api_markups, serving_cost
from aiecosim.model.kernels.misuse import marginal_uplift


@dataclass(frozen=True)
class Access:
    """Per-lab arrays (index = lab) and the open-weight frontier, fixed for one month."""

    api_capability: np.ndarray  # -inf where the lab serves no API
    api_cost: np.ndarray  # USD per user-month of serving the lab's API (inf where none)
    api_price: np.ndarray  # USD per user-month a customer pays (inf where none)
    api_price_factor: np.ndarray  # api_price / api_cost: markup and liability loading
    api_mitigation: np.ndarray  # share of uplift left after pre-release evaluation
    monitoring: np.ndarray  # chance per month an abuser is detected
    refusal: np.ndarray  # share of misuse attempts refused
    open_capability: float  # -inf when no weights are public
    open_licence_penalty: float  # quality cost of the best open model's licence terms
    open_user_cap: float  # users above which its licence binds (inf when unlicensed)
    public_quality: np.ndarray = None  # best public base by origin (index = lab; last: earlier)
    public_cost: np.ndarray = None  # USD per user-month of serving each public base
    public_licence_penalty: np.ndarray = None  # quality cost of each base's licence terms
    public_user_cap: np.ndarray = None  # users above which each base's licence binds
    liability_loading: np.ndarray = None  # share added to API prices for expected liability
    lab_state: tuple = ()  # what the per-lab arrays were built from (see ``lab_state``)
    best_api: int = -1  # index of the most capable API, or -1 when no API is available
    # By jurisdiction (index = jurisdiction): the most capable API its residents may use (an
    # API is geo-restricted when its lab's jurisdiction forbids export), or -1.
    best_api_from: np.ndarray = None
    lab_place: np.ndarray = None  # index of each lab's jurisdiction
    api_reach: np.ndarray = None  # [jurisdiction, lab]: its residents may use the lab's API

    def lab_arrays(self) -> dict:
        """The per-lab arrays that depend only on ``lab_state`` (reused while it holds)."""
        return {name: getattr(self, name) for name in LAB_ARRAYS}

    @property
    def open_available(self) -> bool:
        return math.isfinite(self.open_capability)

    def best_accessible(self) -> float:
        best = float(self.api_capability[self.best_api]) if self.best_api >= 0 else -np.inf
        return max(best, self.open_capability)


LAB_ARRAYS = ("api_capability", "api_mitigation", "monitoring", "refusal", "best_api",
              "liability_loading", "best_api_from", "lab_place", "api_reach")


def lab_state(model) -> tuple:
    """Everything the per-lab arrays depend on. Labs change it only when they release, change
    safety effort, lose their API or exit, so most months reuse last month's arrays."""
    return (*(regulator.liability_strength for regulator in model.regulators),
            *((lab.serves_api, lab.capability, lab.evaluated, lab.safety_effort)
              for lab in model.labs))


def build_access(model, previous: Access | None = None) -> Access:
    """Summarise the labs for the populations (called once a month, after labs act), reusing
    ``previous``'s per-lab arrays when no lab changed."""
    world = model.world
    licence = model.labs[world.open_origin].spec.licence if world.open_licensed else None
    state = lab_state(model)
    lab_arrays = previous.lab_arrays() if previous is not None and previous.lab_state == state \
        else lab_terms(model)
    public = public_terms(model)
    return Access(
        **lab_arrays, **public, **api_prices(model, lab_arrays, public["public_quality"]),
        open_capability=world.open_capability,
        open_licence_penalty=licence.startup_penalty if licence else 0.0,
        open_user_cap=licence.mau_cap if licence else np.inf,
        lab_state=state,
    )


def serving_costs(model, capability: np.ndarray) -> np.ndarray:
    """This month's serving cost (USD per user-month) of models of these capabilities."""
    p = model.scenario.populations.startups
    return serving_cost(capability, model.world.reference_capability, model.steps,
                        p.serving_cost_usd, p.serving_capability_elasticity,
                        p.inference_cost_decline)


def public_terms(model) -> dict[str, np.ndarray]:
    """Every public base by origin: quality with derivatives, serving cost and licence terms."""
    world = model.world
    quality = world.public_quality()
    penalty, cap = np.zeros(quality.size), np.full(quality.size, np.inf)
    for lab in model.labs:
        if world.public_licensed[lab.index]:
            penalty[lab.index] = lab.spec.licence.startup_penalty
            cap[lab.index] = lab.spec.licence.mau_cap
    return dict(public_quality=quality, public_cost=serving_costs(model, quality),
                public_licence_penalty=penalty, public_user_cap=cap)


def api_prices(model, lab_arrays: dict, public_quality: np.ndarray) -> dict[str, np.ndarray]:
    """Serving cost and price of each API this month: cost times one plus a markup that
    competition with rival APIs and hosted public models allows, plus passed-on liability."""
    p = model.scenario.populations.startups
    capability = lab_arrays["api_capability"]
    cost = serving_costs(model, capability)
    markup = api_markups(capability, float(public_quality.max()), p.api_markup,
                         p.markup_lead_scale)
    factor = (1.0 + markup) * (1.0 + lab_arrays["liability_loading"])
    price = cost * factor
    return dict(api_cost=cost, api_price=np.where(np.isfinite(capability), price, np.inf),
                api_price_factor=factor)


def lab_terms(model) -> dict[str, np.ndarray | int]:
    """The per-lab arrays: what each lab's API offers and how it guards against misuse."""
    sc = model.scenario
    labs = model.labs
    serving = np.array([lab.serves_api for lab in labs])
    capability = np.array([lab.capability for lab in labs])
    # Each lab answers to its own jurisdiction's liability rules and evaluation mandate.
    on_developer = np.array([lab.regulator.liability_split()[0] for lab in labs])
    effectiveness = np.array([lab.policy.evaluation.effectiveness for lab in labs])
    risk = marginal_uplift(capability, sc.misuse.harm_threshold, sc.misuse.uplift_scale,
                           sc.misuse.uplift_exponent)
    pass_through = sc.populations.startups.api_liability_pass_through
    evaluated = np.array([lab.evaluated for lab in labs])
    effort = np.array([lab.safety_effort for lab in labs])
    api_capability = np.where(serving, capability, -np.inf)
    place = np.array([lab.place for lab in labs], dtype=np.intp)
    exports = np.array([lab.policy.api_export for lab in labs])
    # An API serves its own jurisdiction, and others unless its jurisdiction forbids export.
    api_reach = (place[None, :] == np.arange(len(sc.jurisdictions))[:, None]) | exports[None, :]
    return dict(
        api_capability=api_capability,
        liability_loading=pass_through * on_developer * risk,
        api_mitigation=np.where(evaluated, 1.0 - effectiveness, 1.0),
        monitoring=np.array([lab.monitoring for lab in labs]),
        refusal=sc.misuse.api_refusal * effort,
        best_api=best_api(api_capability, serving),
        best_api_from=np.array([best_api(api_capability, serving & reach)
                                for reach in api_reach], dtype=np.intp),
        lab_place=place,
        api_reach=api_reach,
    )


def best_api(api_capability: np.ndarray, reachable: np.ndarray) -> int:
    """Index of the most capable API among the reachable ones, or -1 when none is."""
    if not reachable.any():
        return -1
    return int(np.argmax(np.where(reachable, api_capability, -np.inf)))
