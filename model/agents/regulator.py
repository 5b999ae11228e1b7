"""The regulator: holds the policy levers and, optionally, tightens them after harm spikes."""

from __future__ import annotations

import mesa
import numpy as np

from aiecosim.model.kernels.policy import liability_shares, should_tighten, subsidy_pools


class Regulator(mesa.Agent):
    """One jurisdiction's regulator. Its levers start from that jurisdiction's policy table; it
    binds the labs (and their APIs) of its jurisdiction only."""

    def __init__(self, model: mesa.Model, place: int = 0) -> None:
        super().__init__(model)
        self.place = place
        jurisdiction = model.scenario.jurisdictions[place]
        self.name = jurisdiction.name
        policy = jurisdiction.policy
        self.policy = policy
        self.regime = policy.release_regime
        self.liability_strength = policy.liability.strength
        self.safety_reward = policy.safety_reward.strength
        self.tightenings = 0
        self.last_tightened = -10**6
        # Misuse harm by month (USD bn), as the regulator saw it at each month's end. A month not
        # seen yet reads 0, which is what a lag of 0 looks at: harm that has not happened yet.
        self.harm_seen = np.zeros(model.scenario.steps)
        subsidy = policy.compute_subsidy
        self.lab_safety_pool_k, self.academic_pool_k, self.startup_pool_k = subsidy_pools(
            subsidy.budget_usd_bn, subsidy.lab_safety_share, subsidy.academic_share,
            subsidy.take_up,
        )

    def liability_split(self) -> tuple[float, float]:
        """Shares of attributable harm that developers and deployers pay under the liability
        in force here (the bearer and today's strength)."""
        return liability_shares(self.policy.liability.bearer, self.liability_strength)

    def observe(self, harm_usd_bn: float) -> None:
        """Note this month's misuse harm, once it is known; policy reacts to it later."""
        self.harm_seen[self.model.steps - 1] = harm_usd_bn

    def step(self) -> None:
        """Adapt policy to the harm seen ``lag`` months ago (when adaptive regulation is on)."""
        adaptive = self.policy.adaptive
        if not adaptive.enabled:
            return
        month = self.model.steps
        if should_tighten(self.harm_seen, month, adaptive.lag_months, adaptive.harm_trigger_usd_bn,
                          self.last_tightened):
            self.liability_strength = min(1.0, self.liability_strength + adaptive.liability_step)
            self.tightenings += 1
            self.last_tightened = month
            if 0 < adaptive.restrict_release_after <= self.tightenings:
                self.regime = "api-only"
