"""The regulator: holds the policy levers and, optionally, tightens them after harm spikes."""

from __future__ import annotations

import mesa

from aiecosim.model.kernels.policy import should_tighten, subsidy_pools


class Regulator(mesa.Agent):
    """One jurisdiction's regulator. Its levers start from the scenario's policy table."""

    def __init__(self, model: mesa.Model) -> None:
        super().__init__(model)
        policy = model.scenario.policy
        self.policy = policy
        self.regime = policy.release_regime
        self.liability_strength = policy.liability.strength
        self.safety_reward = policy.safety_reward.strength
        self.tightenings = 0
        self.last_tightened = -10**6
        self.academic_pool_k, self.startup_pool_k = subsidy_pools(
            policy.compute_subsidy.budget_usd_bn, policy.compute_subsidy.academic_share,
            policy.compute_subsidy.take_up,
        )

    def step(self) -> None:
        """Adapt policy to the harm seen ``lag`` months ago (when adaptive regulation is on)."""
        adaptive = self.policy.adaptive
        if not adaptive.enabled:
            return
        month = self.model.steps
        history = self.model.recorder.column("misuse_harm")
        if should_tighten(history, month, adaptive.lag_months, adaptive.harm_trigger_usd_bn,
                          self.last_tightened):
            self.liability_strength = min(1.0, self.liability_strength + adaptive.liability_step)
            self.tightenings += 1
            self.last_tightened = month
            if 0 < adaptive.restrict_release_after <= self.tightenings:
                self.regime = "api-only"
