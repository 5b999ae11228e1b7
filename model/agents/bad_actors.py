"""Bad actors: a vectorized population that obtains capability and attempts misuse."""

from __future__ import annotations

import mesa
import numpy as np

from aiecosim.model.kernels.misuse import (
    API_ROUTE,
    OPEN_ROUTE,
    attack_success_probability,
    choose_route,
    evasion,
    marginal_uplift,
    open_uplift_kept,
    strip_success,
)
from aiecosim.model.kernels.policy import watermark_block

F32 = np.float32


class BadActorPopulation(mesa.Agent):
    """All bad actors as arrays: sophistication, resources, and bans from API access.

    Each month only the actors who attempt misuse (a small share) choose a route and meet the
    defence, so the work per month scales with attempts, not with the population.
    """

    def __init__(self, model: mesa.Model) -> None:
        super().__init__(model)
        p = model.scenario.populations.bad_actors
        self.params = p
        rng = model.rng
        n = p.count
        draws = rng.standard_normal((2, n))
        sigma = p.sophistication_sigma
        self.sophistication = np.exp(sigma * draws[0] - 0.5 * sigma**2).astype(F32)  # mean 1
        can_strip = strip_success(p.resources_usd_median * np.exp(1.5 * draws[1]),
                                  model.scenario.misuse.strip_cost_usd)
        self.open_kept = open_uplift_kept(can_strip)
        self.evasion = evasion(self.sophistication)
        self.banned_until = np.zeros(n, dtype=np.int32)
        mark = model.scenario.policy.watermark  # share of success it removes, by route
        self.watermark = watermark_block(mark.mandate, mark.api_effectiveness,
                                         mark.open_compliance).astype(F32)
        self.reset_month_totals()

    def reset_month_totals(self) -> None:
        self.attempts = np.zeros(3, dtype=np.int64)  # by route: none, open, API
        self.incidents = np.zeros(3, dtype=np.int64)
        self.harm_usd_bn = np.zeros(3)
        self.bans = 0
        self.severe = 0
        self.api_lab = -1

    def step(self) -> None:
        """Attempt misuse, choosing a route; succeed against the defence; get detected, banned."""
        model = self.model
        m = model.scenario.misuse
        access, month = model.access, model.steps
        self.reset_month_totals()

        open_uplift = float(marginal_uplift(access.open_capability, m.harm_threshold,
                                            m.uplift_scale))
        lab = access.best_api  # abusers go to the most capable API on offer
        self.api_lab = lab
        if lab >= 0:
            api_capability = float(access.api_capability[lab])
            api_uplift = float(marginal_uplift(api_capability, m.harm_threshold, m.uplift_scale)
                               * access.api_mitigation[lab])
            refusal, monitoring = float(access.refusal[lab]), float(access.monitoring[lab])
        else:
            api_capability, api_uplift, refusal, monitoring = -np.inf, 0.0, 1.0, 0.0

        who = np.flatnonzero(model.rng.random(self.evasion.size, dtype=F32) < m.attempt_rate)
        u = model.rng.random((2, who.size), dtype=F32)
        detect = F32(monitoring) * self.evasion[who]
        api_gain = api_uplift * (1.0 - refusal)
        api_expected = F32(api_gain) * (1.0 - detect)
        api_expected[self.banned_until[who] > month] = 0.0  # revoked access
        route, uplift = choose_route(F32(open_uplift) * self.open_kept[who], api_expected, api_gain)

        p_success = attack_success_probability(uplift, self.sophistication[who],
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
        self.harm_usd_bn = np.bincount(route[succeeded], weights=per_incident[succeeded],
                                       minlength=3)
        for r, capability in ((OPEN_ROUTE, access.open_capability), (API_ROUTE, api_capability)):
            if capability >= m.severe_threshold and self.incidents[r]:
                severe = int(model.rng.binomial(self.incidents[r], m.severe_probability))
                self.severe += severe
                self.harm_usd_bn[r] *= 1.0 + severe * (m.severe_multiplier - 1.0) / self.incidents[r]
        self.incidents[0] = 0
        self.harm_usd_bn[0] = 0.0
