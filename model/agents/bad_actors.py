"""Bad actors: a vectorized population in tiers that obtains capability and attempts misuse."""

from __future__ import annotations

import mesa
import numpy as np

from aiecosim.model.kernels.misuse import (
    API_ROUTE,
    OPEN_ROUTE,
    attack_success_probability,
    attempt_probability,
    choose_route,
    evasion,
    marginal_uplift,
    open_uplift_kept,
    route_cost_factor,
    split_by_attempts,
    strip_success,
    tail_probability,
    tier_members,
    tiers_joined,
)
from aiecosim.model.kernels.policy import watermark_block

F32 = np.float32


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
        self.tier = np.repeat(np.arange(len(p.tiers)), self.tier_size)
        self.joins_at = np.array([tier.joins_at for tier in p.tiers])
        tier_skill = np.array([tier.skill for tier in p.tiers])
        draws = rng.standard_normal((2, n))
        sigma = p.sophistication_sigma
        spread = np.exp(sigma * draws[0] - 0.5 * sigma**2)  # mean 1 within a tier
        self.skill = (tier_skill[self.tier] * spread).astype(F32)
        self.resources_usd = p.resources_usd_median * np.exp(p.resources_sigma * draws[1])
        self.evasion = evasion(self.skill, p.evasion_per_skill)
        self.banned_until = np.zeros(n, dtype=np.int32)
        mark = model.scenario.policy.watermark  # share of success it removes, by route
        self.watermark = watermark_block(mark.mandate, mark.api_effectiveness,
                                         mark.open_compliance).astype(F32)
        tech = model.scenario.technology
        self.flop_per_usd_month1 = tech.flop_per_usd * tech.flop_per_usd_growth ** (1 / 12)
        self.reset_month_totals()

    def reset_month_totals(self) -> None:
        self.attempts = np.zeros(3, dtype=np.int64)  # by route: none, open, API
        self.incidents = np.zeros(3, dtype=np.int64)
        self.harm_usd_bn = np.zeros(3)  # includes the catastrophic tail's expectation
        self.bans = 0
        self.api_lab = -1
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
        lab = access.best_api  # abusers go to the most capable API on offer
        self.api_lab = lab
        if lab >= 0:
            api_capability = float(access.api_capability[lab])
            api_uplift = float(marginal_uplift(api_capability, m.harm_threshold, m.uplift_scale,
                                               u_exp) * access.api_mitigation[lab])
            refusal, monitoring = float(access.refusal[lab]), float(access.monitoring[lab])
        else:
            api_capability, api_uplift, refusal, monitoring = -np.inf, 0.0, 1.0, 0.0

        # Access gets cheaper as compute does; cheaper access brings more attempts.
        factor = route_cost_factor(self.flop_per_usd_month1, model.world.flop_per_usd)
        strip_cost = m.strip_cost_usd * factor
        open_cost = strip_cost if access.open_available else np.inf
        api_cost = m.api_access_cost_usd * factor if lab >= 0 else np.inf
        p_attempt = attempt_probability(m.attempt_rate, m.attempt_reference_cost_usd,
                                        min(open_cost, api_cost), m.attempt_cost_elasticity)

        draw = model.rng.random(self.evasion.size, dtype=F32)
        who = np.flatnonzero((draw < p_attempt) & joined[self.tier])
        u = model.rng.random((2, who.size), dtype=F32)
        detect = F32(monitoring) * self.evasion[who]
        api_gain = api_uplift * (1.0 - refusal)
        api_expected = F32(api_gain) * (1.0 - detect)
        api_expected[self.banned_until[who] > month] = 0.0  # revoked access
        kept = open_uplift_kept(strip_success(self.resources_usd[who], strip_cost),
                                m.unstripped_uplift_share)
        route, uplift = choose_route(F32(open_uplift) * kept, api_expected, api_gain)

        p_success = attack_success_probability(uplift, self.skill[who],
                                               F32(model.world.defense), self.watermark[route])
        succeeded = u[0] < p_success
        detected = (route == API_ROUTE) & (u[1] < detect)
        self.banned_until[who[detected]] = month + m.ban_months  # the lab revokes their access
        self.bans = int(detected.sum())

        # Harm counts only the uplift over the no-AI baseline, in USD bn.
        per_incident = uplift * (m.harm_per_incident_usd_m / 1e3)
        self.attempts = np.bincount(route, minlength=3)
        self.attempts[0] = 0
        self.incidents = np.bincount(route[succeeded], minlength=3)
        self.incidents[0] = 0
        self.harm_usd_bn = np.bincount(route[succeeded], weights=per_incident[succeeded],
                                       minlength=3).astype(float)
        self.harm_usd_bn[0] = 0.0
        best_route = API_ROUTE if lab >= 0 and api_capability >= access.open_capability \
            else OPEN_ROUTE
        self.add_tail(best, best_route)

    def add_tail(self, best_accessible: float, best_route: int) -> None:
        """The catastrophic tail: its expectation joins this month's harm (by route, as the
        attempts went; on the best model's route when nobody attempted); one draw samples an
        event, reported for illustration only."""
        m = self.model.scenario.misuse
        tail = m.tail
        uplift = float(marginal_uplift(float(best_accessible), m.harm_threshold, m.uplift_scale,
                                       m.uplift_exponent))
        p_month = tail_probability(uplift, tail.annual_probability, tail.capability_elasticity) \
            if self.engaged else 0.0
        self.tail_expected_usd_bn = p_month * tail.harm_usd_bn
        self.harm_usd_bn += split_by_attempts(self.tail_expected_usd_bn, self.attempts,
                                              best_route)
        self.tail_events = int(self.model.rng.random() < p_month)
        self.tail_sampled_usd_bn = self.tail_events * tail.harm_usd_bn
