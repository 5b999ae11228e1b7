"""Bad actors: a vectorized population that obtains capability and attempts misuse."""

from __future__ import annotations

import mesa
import numpy as np

from model.kernels.misuse import (
    API_ROUTE,
    OPEN_ROUTE,
    attack_success_probability,
    choose_route,
    detection_probability,
    marginal_uplift,
    strip_success,
)
from model.kernels.policy import watermark_block

F32 = np.float32


class BadActorPopulation(mesa.Agent):
    """All bad actors as arrays: sophistication, resources, and bans from API access."""

    def __init__(self, model: mesa.Model) -> None:
        super().__init__(model)
        p = model.scenario.populations.bad_actors
        self.params = p
        rng = model.rng
        n = p.count
        draws = rng.standard_normal((2, n))
        sigma = p.sophistication_sigma
        self.sophistication = np.exp(sigma * draws[0] - 0.5 * sigma**2).astype(F32)  # mean 1
        self.can_strip = strip_success(
            p.resources_usd_median * np.exp(1.5 * draws[1]),
            model.scenario.misuse.strip_cost_usd,
        )
        self.banned_until = np.zeros(n, dtype=np.int32)
        self.reset_month_totals()

    def reset_month_totals(self) -> None:
        self.attempts = np.zeros(3, dtype=np.int64)  # by route: none, open, API
        self.incidents = np.zeros(3, dtype=np.int64)
        self.harm_usd_bn = np.zeros(3)
        self.bans = 0
        self.severe = 0
        self.api_lab = -1

    def step(self) -> None:
        """Choose a route, attempt misuse, succeed against the defence, get detected and banned."""
        model = self.model
        m, policy = model.scenario.misuse, model.scenario.policy
        access, month = model.access, model.steps
        self.reset_month_totals()

        open_uplift = float(marginal_uplift(access.open_capability, m.harm_threshold,
                                            m.uplift_scale)) if access.open_available else 0.0
        lab = access.best_api
        self.api_lab = lab
        if lab >= 0:
            api_capability = float(access.api_capability[lab])
            api_uplift = float(marginal_uplift(api_capability, m.harm_threshold, m.uplift_scale)
                               * access.api_mitigation[lab])
            refusal, monitoring = float(access.refusal[lab]), float(access.monitoring[lab])
        else:
            api_capability, api_uplift, refusal, monitoring = -np.inf, 0.0, 1.0, 0.0
        detect = detection_probability(monitoring, self.sophistication)
        banned = self.banned_until > month
        route, uplift = choose_route(open_uplift, api_uplift, refusal, detect, self.can_strip,
                                     banned)

        u = model.rng.random((3, route.size), dtype=F32)
        attempted = (route > 0) & (u[0] < m.attempt_rate)
        blocked = watermark_block(policy.watermark.mandate, policy.watermark.api_effectiveness,
                                  policy.watermark.open_compliance).astype(F32)[route]
        p_success = attack_success_probability(uplift.astype(F32), self.sophistication,
                                               F32(model.world.defense), blocked)
        succeeded = attempted & (u[1] < p_success)
        detected = attempted & (route == API_ROUTE) & (u[2] < detect)
        self.banned_until[detected] = month + m.ban_months  # the lab revokes their access
        self.bans = int(detected.sum())

        # Harm counts only the uplift over the no-AI baseline, in USD bn.
        per_incident = uplift * (m.harm_per_incident_usd_m / 1e3)
        for r, capability in ((OPEN_ROUTE, access.open_capability), (API_ROUTE, api_capability)):
            on_route = route == r
            self.attempts[r] = int((attempted & on_route).sum())
            hits = succeeded & on_route
            self.incidents[r] = int(hits.sum())
            harm = float(per_incident[hits].sum())
            if capability >= m.severe_threshold and self.incidents[r]:
                severe = int(model.rng.binomial(self.incidents[r], m.severe_probability))
                self.severe += severe
                harm += severe * (m.severe_multiplier - 1.0) * harm / self.incidents[r]
            self.harm_usd_bn[r] = harm
