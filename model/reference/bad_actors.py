"""Bad actors the plain Mesa way: one ``mesa.Agent`` per actor, stepped in random order.

The rules are those of ``model.agents.bad_actors`` (the same misuse kernels, called with one
actor's scalars). What every actor faces alike this month (the uplift of the best open model and
of the best API, its refusals and monitoring, the defence) is computed once by the cohort.
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
    strip_success,
)
from aiecosim.model.kernels.policy import watermark_block


class BadActor(mesa.Agent):
    """One would-be misuser: sophistication, whether they can strip safeguards, any API ban."""

    def __init__(self, model: mesa.Model, cohort: "BadActorCohort") -> None:
        super().__init__(model)
        p = cohort.params
        self.cohort = cohort
        z_skill, z_money = model.rng.standard_normal(2)
        sigma = p.sophistication_sigma
        self.sophistication = math.exp(sigma * z_skill - 0.5 * sigma**2)  # mean 1
        can_strip = strip_success(p.resources_usd_median * math.exp(1.5 * z_money),
                                  model.scenario.misuse.strip_cost_usd)
        self.open_kept = float(open_uplift_kept(can_strip))
        self.evasion = float(evasion(np.float64(self.sophistication)))
        self.banned_until = 0

    def step(self) -> None:
        """Maybe attempt misuse: choose a route, meet the defence, risk detection and a ban."""
        c, rng = self.cohort, self.model.rng
        if rng.random() >= c.attempt_rate:
            return  # most actors do nothing in a given month
        detect = c.monitoring * self.evasion
        api_expected = 0.0 if self.banned_until > c.month else c.api_gain * (1.0 - detect)
        route, uplift = choose_route(c.open_uplift * self.open_kept, api_expected, c.api_gain)
        route, uplift = int(route), float(uplift)
        if route == NO_ROUTE:
            return
        p_success = float(attack_success_probability(uplift, self.sophistication, c.defense,
                                                     c.blocked[route]))
        succeeded = rng.random() < p_success
        detected = route == API_ROUTE and rng.random() < detect
        if detected:
            self.banned_until = c.month + c.ban_months  # the lab revokes their access
        c.count_attempt(route, succeeded, uplift, detected)


class BadActorCohort:
    """The model's view of the per-agent bad actors: this month's conditions and totals.

    Exposes what ``EcosystemModel`` and ``model.metrics`` read from ``BadActorPopulation``.
    """

    def __init__(self, model: mesa.Model) -> None:
        self.model = model
        self.params = model.scenario.populations.bad_actors
        for _ in range(self.params.count):
            BadActor(model, self)
        self.reset_totals()

    @property
    def actors(self) -> "mesa.agentset.AgentSet":
        return self.model.agents_by_type[BadActor]

    def reset_totals(self) -> None:
        self.attempts = np.zeros(3, dtype=np.int64)  # by route: none, open, API
        self.incidents = np.zeros(3, dtype=np.int64)
        self.harm_usd_bn = np.zeros(3)
        self.bans = 0
        self.severe = 0
        self.api_lab = -1

    def step(self) -> None:
        """Set this month's conditions, let every actor act in random order, add severe cases."""
        self.reset_totals()
        self.set_conditions()
        self.actors.shuffle_do("step")
        self.add_severe_incidents()

    def set_conditions(self) -> None:
        """What every actor faces alike: uplift on each route, refusals, monitoring, defence."""
        model = self.model
        m, policy, access = model.scenario.misuse, model.scenario.policy, model.access
        self.month = model.steps
        self.attempt_rate, self.ban_months = m.attempt_rate, m.ban_months
        self.harm_per_uplift = m.harm_per_incident_usd_m / 1e3  # USD bn per unit uplift
        self.open_uplift = float(marginal_uplift(access.open_capability, m.harm_threshold,
                                                 m.uplift_scale))
        lab = access.best_api  # abusers go to the most capable API on offer
        self.api_lab = lab
        if lab >= 0:
            api_capability = float(access.api_capability[lab])
            api_uplift = float(marginal_uplift(api_capability, m.harm_threshold, m.uplift_scale)
                               * access.api_mitigation[lab])
            refusal, self.monitoring = float(access.refusal[lab]), float(access.monitoring[lab])
        else:
            api_capability, api_uplift, refusal, self.monitoring = -np.inf, 0.0, 1.0, 0.0
        self.api_gain = api_uplift * (1.0 - refusal)
        self.blocked = watermark_block(policy.watermark.mandate, policy.watermark.api_effectiveness,
                                       policy.watermark.open_compliance)
        self.defense = model.world.defense
        self.route_capability = (-np.inf, access.open_capability, api_capability)

    def count_attempt(self, route: int, succeeded: bool, uplift: float, detected: bool) -> None:
        """Add one attempt to the month's totals; harm counts only the uplift over no AI."""
        self.attempts[route] += 1
        self.bans += detected
        if succeeded:
            self.incidents[route] += 1
            self.harm_usd_bn[route] += uplift * self.harm_per_uplift

    def add_severe_incidents(self) -> None:
        """Above the severe threshold each incident may be severe, multiplying its harm."""
        m, rng = self.model.scenario.misuse, self.model.rng
        for route in (OPEN_ROUTE, API_ROUTE):
            incidents = int(self.incidents[route])
            if self.route_capability[route] < m.severe_threshold or not incidents:
                continue
            # One draw per incident (the vectorized model draws their binomial sum at once).
            severe = sum(rng.random() < m.severe_probability for _ in range(incidents))
            self.severe += severe
            self.harm_usd_bn[route] *= 1.0 + severe * (m.severe_multiplier - 1.0) / incidents
