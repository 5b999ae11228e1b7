"""Bad actors the plain Mesa way: one ``mesa.Agent`` per actor, stepped in random order.

The rules are those of ``model.agents.bad_actors`` (the same misuse kernels, called with one
actor's scalars). What every actor faces alike this month (which tiers have joined, the chance
of an attempt, the uplift of the best open model and of the best API, its refusals and
monitoring, the defence, the catastrophic tail) is computed once by the cohort.
"""

from __future__ import annotations

import math

import mesa
import numpy as np

from aiecosim.model.kernels.misuse import (
    API_ROUTE,
    NO_ROUTE,
    OPEN_ROUTE,
    attack_success_probability,
    choose_route,
    evasion,
    marginal_uplift,
    open_uplift_kept,
    split_by_attempts,
    strip_success,
    tail_probability,
    tier_members,
    tiers_joined,
)
from aiecosim.model.agents.bad_actors import reach_by_place, tail_by_api


class BadActor(mesa.Agent):
    """One would-be misuser: tier, skill, money (can they strip safeguards?), any API ban."""

    def __init__(self, model: mesa.Model, cohort: "BadActorCohort", tier: int) -> None:
        super().__init__(model)
        p = cohort.params
        self.cohort = cohort
        self.tier = tier
        z_skill, z_money = model.rng.standard_normal(2)
        sigma = p.sophistication_sigma
        # The tier's skill, spread lognormally with mean 1 within the tier.
        self.skill = p.tiers[tier].skill * math.exp(sigma * z_skill - 0.5 * sigma**2)
        self.resources_usd = p.resources_usd_median * math.exp(p.resources_sigma * z_money)
        self.evasion = float(evasion(np.float64(self.skill), p.evasion_per_skill))
        self.banned_until = 0
        shares = model.scenario.population_shares()
        self.place = 0 if len(shares) == 1 else int(model.rng.choice(len(shares), p=shares))

    def step(self) -> None:
        """Maybe attempt misuse: choose a route, meet the defence, risk detection and a ban."""
        c, rng = self.cohort, self.model.rng
        if not c.joined[self.tier]:
            return  # capability has not yet reached what this tier acts on
        reach, here = c.reach, self.place
        if rng.random() >= reach.p_attempt[here]:
            return  # most actors do nothing in a given month
        detect = reach.monitoring[here] * self.evasion
        api_gain = reach.api_gain[here]
        api_expected = 0.0 if self.banned_until > c.month else api_gain * (1.0 - detect)
        kept = float(open_uplift_kept(strip_success(self.resources_usd, reach.strip_cost),
                                      c.unstripped_share))
        route, uplift = choose_route(c.open_uplift * kept, api_expected, api_gain)
        route, uplift = int(route), float(uplift)
        if route == NO_ROUTE:
            return
        lab = int(reach.lab[here])
        p_success = float(attack_success_probability(uplift, self.skill, c.defense,
                                                     float(reach.watermark(here, route))))
        succeeded = rng.random() < p_success
        detected = route == API_ROUTE and rng.random() < detect
        if detected:
            self.banned_until = c.month + c.ban_months  # the lab revokes their access
        c.count_attempt(route, succeeded, uplift, detected,
                        lab if route == API_ROUTE else -1, here)


class BadActorCohort:
    """The model's view of the per-agent bad actors: this month's conditions and totals.

    Exposes what ``EcosystemModel`` and ``model.metrics`` read from ``BadActorPopulation``.
    """

    def __init__(self, model: mesa.Model) -> None:
        self.model = model
        self.params = p = model.scenario.populations.bad_actors
        self.tier_size = tier_members([tier.share for tier in p.tiers], p.count)
        self.joins_at = np.array([tier.joins_at for tier in p.tiers])
        for tier, size in enumerate(self.tier_size):
            for _ in range(int(size)):
                BadActor(model, self, tier)
        tech = model.scenario.technology
        self.flop_per_usd_month1 = tech.flop_per_usd * tech.flop_per_usd_growth ** (1 / 12)
        self.reset_totals()

    @property
    def actors(self) -> "mesa.agentset.AgentSet":
        return self.model.agents_by_type[BadActor]

    def reset_totals(self) -> None:
        self.attempts = np.zeros(3, dtype=np.int64)  # by route: none, open, API
        self.incidents = np.zeros(3, dtype=np.int64)
        self.harm_usd_bn = np.zeros(3)  # includes the catastrophic tail's expectation
        self.bans = 0
        self.api_harm_by_lab = np.zeros(len(self.model.labs))  # USD bn through each API
        self.api_labs: list[int] = []  # the lab of each API attempt this month
        self.api_attempts_abroad = 0
        self.engaged = 0
        self.tail_expected_usd_bn = 0.0
        self.tail_sampled_usd_bn = 0.0
        self.tail_events = 0

    def step(self) -> None:
        """Set this month's conditions, let every actor act in random order, add the tail."""
        self.reset_totals()
        self.set_conditions()
        self.actors.shuffle_do("step")
        self.add_tail()

    def set_conditions(self) -> None:
        """What every actor faces alike: who has joined, the chance of an attempt, uplift on
        each route, refusals, monitoring, defence."""
        model = self.model
        m, access = model.scenario.misuse, model.access
        self.month = model.steps
        self.ban_months = m.ban_months
        self.unstripped_share = m.unstripped_uplift_share
        self.harm_per_uplift = m.harm_per_incident_usd_m / 1e3  # USD bn per unit uplift
        self.best = access.best_accessible()
        self.joined = tiers_joined(self.joins_at, self.best)
        self.engaged = int(self.tier_size[self.joined].sum())
        self.open_uplift = float(marginal_uplift(access.open_capability, m.harm_threshold,
                                                 m.uplift_scale, m.uplift_exponent))
        self.reach = reach_by_place(model, self.flop_per_usd_month1)
        self.defense = model.world.defense
        lab = access.best_api
        self.best_api = lab
        self.best_route = API_ROUTE if lab >= 0 and access.api_capability[lab] >= \
            access.open_capability else OPEN_ROUTE

    def count_attempt(self, route: int, succeeded: bool, uplift: float, detected: bool,
                      lab: int, place: int) -> None:
        """Add one attempt to the month's totals; harm counts only the uplift over no AI."""
        self.attempts[route] += 1
        self.bans += detected
        if lab >= 0:
            self.api_labs.append(lab)
            self.api_attempts_abroad += int(self.reach.lab_place[lab] != place)
        if succeeded:
            self.incidents[route] += 1
            self.harm_usd_bn[route] += uplift * self.harm_per_uplift
            if lab >= 0:
                self.api_harm_by_lab[lab] += uplift * self.harm_per_uplift

    def add_tail(self) -> None:
        """The catastrophic tail's expectation joins the harm by route; one draw samples it."""
        m = self.model.scenario.misuse
        tail = m.tail
        uplift = float(marginal_uplift(float(self.best), m.harm_threshold, m.uplift_scale,
                                       m.uplift_exponent))
        p_month = tail_probability(uplift, tail.annual_probability, tail.capability_elasticity) \
            if self.engaged else 0.0
        self.tail_expected_usd_bn = p_month * tail.harm_usd_bn
        by_route = split_by_attempts(self.tail_expected_usd_bn, self.attempts, self.best_route)
        self.harm_usd_bn += by_route
        labs = len(self.model.labs)
        attempts_by_lab = np.bincount(np.array(self.api_labs, dtype=np.intp), minlength=labs)
        self.api_harm_by_lab += tail_by_api(float(by_route[API_ROUTE]), attempts_by_lab,
                                            self.best_api)
        self.tail_events = int(self.model.rng.random() < p_month)
        self.tail_sampled_usd_bn = self.tail_events * tail.harm_usd_bn
