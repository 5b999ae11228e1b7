"""Bad actors: a vectorized population in tiers that obtains capability and attempts misuse."""

from __future__ import annotations

from dataclasses import dataclass

import mesa
import numpy as np

from aiecosim.model.kernels.misuse import (
    API_ROUTE,
    OPEN_ROUTE,
    attempt_probability,
    evasion,
    marginal_uplift,
    route_cost_factor,
    split_by_attempts,
    tail_probability,
    tier_members,
    tiers_joined,
)
from aiecosim.model.kernels.misuse_month import attempt_outcomes, attempters
from aiecosim.model.kernels.places import draw_places
from aiecosim.model.kernels.policy import watermark_block

F32 = np.float32


@dataclass(frozen=True)
class Reach:
    """What bad actors in each jurisdiction can reach this month (index = jurisdiction)."""

    lab: np.ndarray  # the most capable API open to them (-1: none)
    api_gain: np.ndarray  # uplift through that API after mitigation and refusals
    monitoring: np.ndarray  # its chance per month of detecting an abuser
    p_attempt: np.ndarray  # chance an engaged actor attempts misuse this month
    strip_cost: float  # USD to strip safeguards from open weights (the same everywhere)
    blocked: np.ndarray  # share of success watermarks remove, [jurisdiction, route]
    lab_place: np.ndarray  # index of each lab's jurisdiction

    def watermark(self, place, route):
        """Share of success watermarks remove for actors living in ``place`` on ``route``
        (arrays or single values): the open route's mandate is the actor's jurisdiction's, the
        API's the jurisdiction of the lab serving that actor's jurisdiction."""
        api_lab = np.maximum(self.lab.take(place), 0)
        mark_place = np.where(route == API_ROUTE, self.lab_place.take(api_lab), place)
        return self.blocked[mark_place, route]


def reach_by_place(model, flop_per_usd_month1: float) -> Reach:
    """Each jurisdiction's route to capability. Public weights are usable everywhere; an API
    serves a jurisdiction unless its lab's jurisdiction forbids export. Watermark mandates bind
    the open route where the actor lives and the API route where the API's lab is."""
    m, access = model.scenario.misuse, model.access
    labs = access.best_api_from
    api_capability = np.where(labs >= 0, access.api_capability.take(labs), -np.inf)
    mitigation = np.where(labs >= 0, access.api_mitigation.take(labs), 1.0)
    refusal = np.where(labs >= 0, access.refusal.take(labs), 1.0)
    uplift = np.where(labs >= 0, marginal_uplift(api_capability, m.harm_threshold,
                                                 m.uplift_scale, m.uplift_exponent), 0.0)
    factor = route_cost_factor(flop_per_usd_month1, model.world.flop_per_usd)
    strip_cost = m.strip_cost_usd * factor
    open_cost = strip_cost if access.open_available else np.inf
    p_attempt = np.array([
        attempt_probability(m.attempt_rate, m.attempt_reference_cost_usd,
                            min(open_cost, m.api_access_cost_usd * factor if lab >= 0 else np.inf),
                            m.attempt_cost_elasticity) for lab in labs])
    marks = np.array([watermark_block(j.policy.watermark.mandate,
                                      j.policy.watermark.api_effectiveness,
                                      j.policy.watermark.open_compliance)
                      for j in model.scenario.jurisdictions])
    return Reach(lab=labs, api_gain=uplift * mitigation * (1.0 - refusal),
                 monitoring=np.where(labs >= 0, access.monitoring.take(labs), 0.0),
                 p_attempt=p_attempt, strip_cost=strip_cost, blocked=marks,
                 lab_place=access.lab_place)


class BadActorPopulation(mesa.Agent):
    """All bad actors as arrays: tier, skill, resources, and bans from API access.

    Members are split into tiers (``populations.bad_actors.tiers``) in fixed proportions; a
    tier attempts misuse only once the best model anyone can reach is as capable as its
    ``joins_at``. Each month only the actors who attempt misuse (a small share) choose a route
    and meet the defence, so the work per month scales with attempts, not with the population.
    """

    def __init__(self, model: mesa.Model) -> None:
        super().__init__(model)
        p = model.scenario.populations.bad_actors
        self.params = p
        rng = model.rng
        n = p.count
        self.tier_size = tier_members([tier.share for tier in p.tiers], n)
        # Small integer types: the month's passes read these for every actor (memory bandwidth).
        self.tier = np.repeat(np.arange(len(p.tiers), dtype=np.int8), self.tier_size)
        self.joins_at = np.array([tier.joins_at for tier in p.tiers])
        tier_skill = np.array([tier.skill for tier in p.tiers])
        draws = rng.standard_normal((2, n))
        sigma = p.sophistication_sigma
        spread = np.exp(sigma * draws[0] - 0.5 * sigma**2)  # mean 1 within a tier
        self.skill = (tier_skill[self.tier] * spread).astype(F32)
        self.resources_usd = p.resources_usd_median * np.exp(p.resources_sigma * draws[1])
        self.evasion = evasion(self.skill, p.evasion_per_skill)
        self.banned_until = np.zeros(n, dtype=np.int32)
        self.place = draw_places(rng, model.scenario.population_shares(), n).astype(np.int8)
        tech = model.scenario.technology
        self.flop_per_usd_month1 = tech.flop_per_usd * tech.flop_per_usd_growth ** (1 / 12)
        self.reset_month_totals()

    def reset_month_totals(self) -> None:
        self.attempts = np.zeros(3, dtype=np.int64)  # by route: none, open, API
        self.incidents = np.zeros(3, dtype=np.int64)
        self.harm_usd_bn = np.zeros(3)  # includes the catastrophic tail's expectation
        self.bans = 0
        self.api_harm_by_lab = np.zeros(len(self.model.labs))  # USD bn through each API
        self.api_attempts_abroad = 0  # API attempts by actors outside the API's jurisdiction
        self.engaged = 0
        self.tail_expected_usd_bn = 0.0
        self.tail_sampled_usd_bn = 0.0
        self.tail_events = 0

    def step(self) -> None:
        """Attempt misuse, choosing a route; succeed against the defence; get detected, banned;
        add the catastrophic tail."""
        model = self.model
        m = model.scenario.misuse
        access, month = model.access, model.steps
        self.reset_month_totals()
        u_exp = m.uplift_exponent

        best = access.best_accessible()
        joined = tiers_joined(self.joins_at, best)
        self.engaged = int(self.tier_size[joined].sum())
        open_uplift = float(marginal_uplift(access.open_capability, m.harm_threshold,
                                            m.uplift_scale, u_exp))
        reach = reach_by_place(model, self.flop_per_usd_month1)  # each jurisdiction's API

        draw = model.rng.random(self.evasion.size, dtype=F32)
        who = attempters(draw, self.place, reach.p_attempt, self.tier, joined)
        u = model.rng.random((2, who.size), dtype=F32)
        (self.attempts, self.incidents, harm, self.bans, self.api_attempts_abroad,
         self.api_harm_by_lab, api_attempts_by_lab) = attempt_outcomes(
            who, self.place, u[0], u[1], reach.monitoring.astype(F32), self.evasion,
            reach.api_gain.astype(F32), self.banned_until, month, month + m.ban_months,
            self.resources_usd, float(reach.strip_cost), F32(m.unstripped_uplift_share),
            F32(open_uplift), reach.lab, reach.lab_place, reach.blocked, self.skill,
            F32(model.world.defense), F32(m.harm_per_incident_usd_m / 1e3), len(model.labs))
        # Harm counts only the uplift over the no-AI baseline, in USD bn.
        self.harm_usd_bn = harm
        lab = access.best_api
        best_route = API_ROUTE if lab >= 0 and access.api_capability[lab] >= \
            access.open_capability else OPEN_ROUTE
        tail = self.add_tail(best, best_route)
        self.api_harm_by_lab += tail_by_api(float(tail[API_ROUTE]), api_attempts_by_lab, lab)

    def add_tail(self, best_accessible: float, best_route: int) -> np.ndarray:
        """The catastrophic tail: its expectation joins this month's harm (by route, as the
        attempts went; on the best model's route when nobody attempted); one draw samples an
        event, reported for illustration only. Returns the expectation by route."""
        m = self.model.scenario.misuse
        tail = m.tail
        uplift = float(marginal_uplift(float(best_accessible), m.harm_threshold, m.uplift_scale,
                                       m.uplift_exponent))
        p_month = tail_probability(uplift, tail.annual_probability, tail.capability_elasticity) \
            if self.engaged else 0.0
        self.tail_expected_usd_bn = p_month * tail.harm_usd_bn
        by_route = split_by_attempts(self.tail_expected_usd_bn, self.attempts, best_route)
        self.harm_usd_bn += by_route
        self.tail_events = int(self.model.rng.random() < p_month)
        self.tail_sampled_usd_bn = self.tail_events * tail.harm_usd_bn
        return by_route


def tail_by_api(total: float, api_attempts_by_lab: np.ndarray, best_api: int) -> np.ndarray:
    """The tail's share on the API route, by lab: as this month's API attempts went; on the
    most capable API when nobody attempted through one."""
    out = np.zeros(api_attempts_by_lab.size)
    attempts = int(api_attempts_by_lab.sum())
    if attempts:
        out += total * api_attempts_by_lab / attempts
    elif best_api >= 0:
        out[best_api] = total
    return out
