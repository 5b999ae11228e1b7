"""What each kind of base model offers startups this month, and the choices it implies.

Both the vectorized ``StartupPopulation`` and the per-agent reference read the market through
``MarketTerms``, so the two simulate the same rules by construction of one code path.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from aiecosim.model.kernels.market import (
    as_float32,
    attraction,
    entry_rate,
    expected_margin,
    in_precision,
    option_cumulative,
    segment_demand,
    serving_cost,
)
from aiecosim.model.kernels.misuse import marginal_uplift
from aiecosim.model.kernels.startup_month import API_ONLY, BY_TASTE, OPEN_ONLY, pick_kinds

F32 = np.float32
USD_PER_K = 1000.0  # unit conversion: startups' accounts are in USD thousands
MEMBER = {"weight": 0, "fixed": 1, "platform_risk": 2}  # rows of Terms.member


def unit_revenue_k(params) -> float:
    """A startup's revenue per user-month, USD k: the value it creates times its capture."""
    return params.value_per_user_usd * params.value_capture / USD_PER_K


class Terms(NamedTuple):
    """This month's terms per kind of base model, as small float64 tables indexed by kind,
    or by [jurisdiction, kind] where a deployer's own jurisdiction sets them.

    Kinds: ``0..L`` fine-tune the public base from origin ``k`` (lab ``k``; ``L`` is releases
    from before the run), ``L+1..2L`` build on lab ``k-L-1``'s API, ``2L+1`` is an empty row.
    Public weights are on offer everywhere; an API only where it may serve (export controls).
    """

    quality: np.ndarray  # what the product can do (log10 FLOP-eq); -inf where not on offer
    offer: np.ndarray  # [jurisdiction, kind]: quality where its deployers may use it, else -inf
    weight: np.ndarray  # pull on a segment's users (see kernels.market.attraction)
    unit_margin: np.ndarray  # [jurisdiction, kind]: USD k a month per user, after compute and
    # the premium of that jurisdiction's deployer liability
    compute_per_user: np.ndarray  # USD k a month per user paid for compute (price or own cost)
    resource_per_user: np.ndarray  # USD a month per user of serving, at cost (for welfare)
    fixed: np.ndarray  # USD k a month: fixed cost plus fine-tuning (open bases only)
    own_compute: np.ndarray  # USD k a month of fine-tuning compute (open bases only)
    platform_risk: np.ndarray  # monthly chance an API changes under a startup
    premium: np.ndarray  # [jurisdiction, kind]: deployer liability premium, share of revenue
    user_cap: np.ndarray  # users above which a base's licence binds
    demand: float  # users a segment can have this month
    member: np.ndarray  # float32 rows (see MEMBER) for per-member lookups by kind
    member_margin: np.ndarray  # float32 unit_margin for per-member lookups by place and kind


class MarketTerms:
    """Builds each month's ``Terms`` from the labs' offers and prices the choices they imply."""

    def __init__(self, params, n_labs: int) -> None:
        p = self.params = params
        self.n_labs = n_labs
        self.n_open = n_open = n_labs + 1
        self.empty = empty = 2 * n_labs + 1
        self.kinds = kinds = 2 * n_labs + 2
        self._capability = np.full(kinds, -np.inf)  # the empty row never has a model
        self._resource = np.zeros(kinds)
        self._compute = np.zeros(kinds)
        self._own_compute = np.zeros(kinds)  # fine-tuning, set monthly (open bases only)
        self._user_cap = np.full(kinds, np.inf)
        self._fixed_base = np.full(kinds, p.fixed_cost_usd_k)
        self._fixed_base[empty:] = 0.0
        self.risk = np.zeros(kinds)
        self.risk[n_open:empty] = p.platform_risk
        self.platform_cost = self.risk * p.platform_loss * p.starting_cash_usd_k
        self._margins_terms, self._margins = None, {}  # choice_margins for this month's terms

    def month(self, model) -> Terms:
        """What each kind of base offers this month (see ``Terms``)."""
        p = self.params
        access, world, m = model.access, model.world, model.scenario.misuse
        # Each deployer answers to its own jurisdiction's liability rules (index = place).
        on_deployer = np.array([[regulator.liability_split()[1]]
                                for regulator in model.regulators])
        n_open, empty = self.n_open, self.empty
        capability = self._capability
        capability[:n_open] = access.public_quality
        capability[n_open:empty] = access.api_capability
        quality = capability.copy()
        quality[:n_open] += p.customisation_bonus - access.public_licence_penalty
        offered = np.isfinite(quality)
        best_quality = float(quality.max())
        resource = self._resource
        resource[:n_open] = access.public_cost * (1.0 + p.self_hosting_overhead)
        resource[n_open:empty] = access.api_cost
        # Fine-tuning is compute on the same model: it gets cheaper as serving does.
        own_compute = self._own_compute
        cost_scale = access.public_cost / p.serving_cost_usd if p.serving_cost_usd > 0 \
            else np.ones(n_open)
        own_compute[:n_open] = 0.0  # a base not on offer costs nothing (its cost reads inf)
        np.multiply(p.open_compute_usd_k, cost_scale, out=own_compute[:n_open],
                    where=offered[:n_open])
        fixed = self._fixed_base + own_compute
        compute = self._compute
        compute[:n_open] = resource[:n_open] / USD_PER_K
        compute[n_open:empty] = access.api_price / USD_PER_K
        compute = np.where(offered, compute, 0.0)
        premium = np.where(offered, on_deployer * p.liability_premium_rate * marginal_uplift(
            capability, m.harm_threshold, m.uplift_scale, m.uplift_exponent), 0.0)
        unit_revenue = unit_revenue_k(p)
        unit_margin = np.where(offered, unit_revenue * (1.0 - premium) - compute, 0.0)
        offer = np.repeat(quality[None, :], len(model.regulators), axis=0)
        offer[:, n_open:empty][~access.api_reach] = -np.inf
        user_cap = self._user_cap.copy()
        user_cap[:n_open] = access.public_user_cap
        # Demand grows with the best product on offer and with cheaper inference.
        price_index = float(serving_cost(world.reference_capability, world.reference_capability,
                                         model.steps, 1.0, 0.0, p.inference_cost_decline))
        demand = segment_demand(best_quality, world.reference_capability, p.segment_users,
                                p.users_capability_elasticity, price_index,
                                p.users_price_elasticity, p.addressable_users)
        weight = attraction(quality, best_quality, p.quality_pull)
        return Terms(
            quality=quality, offer=offer, weight=weight, unit_margin=unit_margin,
            compute_per_user=compute,
            resource_per_user=np.where(offered, resource, 0.0), fixed=fixed,
            own_compute=own_compute.copy(), platform_risk=self.risk, premium=premium,
            user_cap=user_cap, demand=demand,
            member=as_float32(np.array([weight, fixed, self.risk])),
            member_margin=as_float32(unit_margin),
        )

    # ------------------------------------------------------------------------------ choices
    def choice_margins(self, terms: Terms, place: int, segment_weight: float,
                       subsidy_each: float) -> np.ndarray:
        """Expected monthly profit (USD k) of a firm of jurisdiction ``place`` on each kind, in
        a segment whose firms pull ``segment_weight``; -inf for a base not on offer there and
        for the empty row. Kept for the month: entry and the choice of a base ask alike."""
        key = (place, segment_weight, subsidy_each)
        if self._margins_terms is terms and key in self._margins:
            return self._margins[key]
        pull = segment_weight + terms.weight
        share = np.divide(terms.weight, pull, out=np.zeros(pull.size), where=pull > 0.0)
        users = terms.demand * share
        margins = expected_margin(users, terms.unit_margin[place],
                                  users * terms.compute_per_user + terms.own_compute,
                                  subsidy_each, terms.fixed) - self.platform_cost
        margins = np.where(np.isfinite(terms.offer[place]), margins, -np.inf)
        margins[self.empty:] = -np.inf
        if self._margins_terms is not terms:
            self._margins_terms, self._margins = terms, {}
        self._margins[key] = margins
        return margins

    def typical_revenue(self, terms: Terms, segment_weight: float) -> float:
        """Monthly revenue (USD k) of a firm on the best product in a typical segment: the scale
        of startups' idiosyncratic tastes, so that choices depend on relative margins."""
        p = self.params
        share = 1.0 / (segment_weight + 1.0)
        return max(terms.demand * share * p.value_per_user_usd * p.value_capture / USD_PER_K,
                   1e-9)

    def choose(self, terms: Terms, place: int, segment_weight: float, subsidy_each: float,
               taste: np.ndarray, u: np.ndarray) -> np.ndarray:
        """Kinds chosen by firms of jurisdiction ``place`` with these tastes and uniform draws:
        open weights or an API by taste and margin, then which base or provider by logit
        shares."""
        margins = self.choice_margins(terms, place, segment_weight, subsidy_each)
        noise = self.params.choice_noise * self.typical_revenue(terms, segment_weight)
        open_margins, api_margins = margins[:self.n_open], margins[self.n_open:self.empty]
        best_api = float(api_margins.max()) if self.n_labs else -np.inf
        best_open = float(open_margins.max())
        side = OPEN_ONLY if not np.isfinite(best_api) else \
            API_ONLY if not np.isfinite(best_open) else BY_TASTE
        advantage = best_open - best_api if side == BY_TASTE else 0.0
        # The rules of kernels.market.choose_open_base and pick_option, one firm at a time; the
        # scalars in the tastes' precision, as numpy would take them (float32 for the
        # population, float64 for the per-agent reference's one-firm arrays).
        dtype = taste.dtype
        return pick_kinds(taste, u, in_precision(noise, dtype), in_precision(advantage, dtype),
                          side,
                          option_cumulative(open_margins, noise),
                          option_cumulative(api_margins, noise), self.n_open)

    def best_kind(self, terms: Terms, place: int, segment_weight: float,
                  subsidy_each: float) -> int:
        return int(np.argmax(self.choice_margins(terms, place, segment_weight, subsidy_each)))

    def entry_rates(self, terms: Terms, place: int, segment_pull: np.ndarray,
                    segment_weight: float, subsidy_each: float) -> tuple[np.ndarray, int]:
        """Poisson means of arrivals per segment of potential startups of jurisdiction
        ``place`` (before its population share), and the base an entrant would start on."""
        best = self.best_kind(terms, place, segment_weight, subsidy_each)
        # Public compute pays part of the compute bill, up to a firm's share of the pool: for an
        # entrant of typical size, a lower fixed cost (never below its costs other than compute).
        weight = terms.weight[best]
        users = terms.demand * weight / (segment_weight + weight) if weight > 0 else 0.0
        bill = users * terms.compute_per_user[best] + terms.own_compute[best]
        cost = terms.fixed[best] + self.platform_cost[best] - min(subsidy_each, bill)
        rate = entry_rate(terms.demand, terms.unit_margin[place, best], cost, terms.weight[best],
                          segment_pull, self.params.entry_flow)
        return rate, best

