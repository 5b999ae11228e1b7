"""Startups: a vectorized population that enters, picks a base model, grows and exits."""

from __future__ import annotations

import mesa
import numpy as np

from model.kernels.market import (
    choose_open_base,
    entry_probability,
    expected_margin,
    grow_users,
    pick_provider,
    reachable_users,
)
from model.kernels.misuse import marginal_uplift
from model.kernels.policy import liability_shares

F32 = np.float32


class StartupPopulation(mesa.Agent):
    """All startups as arrays, one row per potential firm (a slot that may be active or not)."""

    def __init__(self, model: mesa.Model) -> None:
        super().__init__(model)
        p = model.scenario.populations.startups
        self.params = p
        n = p.count
        rng = model.rng
        self.alive = rng.random(n) < p.initial_active_share
        self.taste = rng.logistic(size=n).astype(F32)  # fixed taste for open weights
        self.is_open = np.zeros(n, dtype=bool)
        self.provider = np.full(n, -1, dtype=np.int16)
        self.users = np.zeros(n, dtype=F32)
        self.cash = np.full(n, p.starting_cash_usd_k, dtype=F32)
        self.first_month = True
        self.reset_month_totals(model.scenario.labs)

    def reset_month_totals(self, labs) -> None:
        self.provider_users = np.zeros(len(labs))
        self.api_revenue = np.zeros(len(labs))
        self.premiums_usd_bn = 0.0
        self.public_compute_usd_bn = 0.0
        self.value_usd_bn = 0.0

    # ---------------------------------------------------------------------------------- step
    def step(self) -> None:
        """Enter, (re)choose a base model, grow users, pay costs, exit when cash runs out."""
        p, model = self.params, self.model
        access = model.access
        world = model.world
        n_labs = access.api_capability.size
        _, on_deployer = liability_shares(model.scenario.policy.liability.bearer,
                                          model.regulator.liability_strength)
        m = model.scenario.misuse

        # Reachable users and expected margins (USD k/month) on each possible base.
        open_quality = access.open_capability + p.customisation_bonus - access.open_licence_penalty
        k_open = float(reachable_users(open_quality, world.reference_capability, p.users_mean,
                                       p.users_capability_elasticity)) \
            if access.open_available else 0.0
        k_api = reachable_users(access.api_capability, world.reference_capability, p.users_mean,
                                p.users_capability_elasticity)
        premium_open = on_deployer * p.liability_premium_rate * float(
            marginal_uplift(access.open_capability, m.harm_threshold, m.uplift_scale))
        premium_api = on_deployer * p.liability_premium_rate * marginal_uplift(
            access.api_capability, m.harm_threshold, m.uplift_scale)
        active = int(self.alive.sum())
        subsidy_each = model.regulator.startup_pool_k / max(active, 1)
        unit_revenue = p.value_per_user_usd * p.value_capture / 1000.0  # USD k per user-month
        margin_open = float(expected_margin(
            k_open * unit_revenue, p.open_compute_usd_k + p.open_serving_share * k_open * unit_revenue,
            subsidy_each, premium_open,
            p.fixed_cost_usd_k)) if access.open_available else -np.inf
        api_revenue = k_api * unit_revenue
        margin_api = np.where(
            np.isfinite(access.api_capability),
            expected_margin(api_revenue, access.api_fee * api_revenue, subsidy_each, premium_api,
                            p.fixed_cost_usd_k) - p.platform_risk * p.starting_cash_usd_k,
            -np.inf,
        )
        best_api = float(margin_api.max()) if n_labs else -np.inf
        best = max(margin_open, best_api)

        # Who exits, switches, enters or must choose anew this month (one uniform draw each).
        u = model.rng.random((2, self.alive.size), dtype=F32)
        alive = self.alive
        exiting = alive & ((self.cash < 0) | (u[0] < p.exit_hazard))
        choosing = alive & ~exiting & (u[0] < p.exit_hazard + p.switch_rate)
        if self.first_month:
            choosing |= alive
            self.first_month = False
        on_api = alive & ~self.is_open
        if n_labs:
            api_gone = ~np.isfinite(access.api_capability)
            choosing |= on_api & api_gone[np.maximum(self.provider, 0)]
        if np.isfinite(access.open_user_cap):  # outgrew the licence (Llama 2: 700M users)
            choosing |= alive & self.is_open & (self.users > access.open_user_cap)
        entering = ~alive & (u[0] < entry_probability(best, p.fixed_cost_usd_k, p.entry_rate)) \
            if np.isfinite(best) else np.zeros_like(alive)
        alive[exiting] = False
        self.users[exiting] = 0.0
        if not np.isfinite(best):  # no model to build on: nobody can operate
            choosing[:] = False
            alive[:] = False
            self.users[:] = 0.0
        alive |= entering
        choosing |= entering
        self.cash[entering] = p.starting_cash_usd_k

        # Base-model choice: open weights or an API, and which API provider.
        chooser = np.flatnonzero(choosing)
        if chooser.size:
            if access.open_available and np.isfinite(best_api):
                goes_open = choose_open_base(self.taste[chooser], margin_open - best_api,
                                             p.choice_noise)
            else:
                goes_open = np.full(chooser.size, access.open_available)
            self.is_open[chooser] = goes_open
            api_pick = chooser[~goes_open]
            self.provider[chooser] = -1
            self.provider[api_pick] = pick_provider(u[1, api_pick], margin_api, p.choice_noise)

        # Users move toward what the base model can reach; API users face platform risk.
        on_api = alive & ~self.is_open
        target = np.where(self.is_open, F32(k_open), k_api.astype(F32)[np.maximum(self.provider, 0)])
        target[~alive] = 0.0
        self.users[entering] = 0.1 * target[entering]
        grow_users(self.users, target, p.user_growth_rate)
        shocked = on_api & ~choosing & (u[1] < p.platform_risk)
        self.users[shocked] *= F32(0.5)

        # Cash flow.
        revenue = self.users * F32(unit_revenue)
        compute = np.where(self.is_open, F32(p.open_compute_usd_k) + F32(p.open_serving_share) * revenue,
                           revenue * access.api_fee.astype(F32)[np.maximum(self.provider, 0)]
                           if n_labs else F32(0))
        premium = np.where(self.is_open, F32(premium_open),
                           premium_api.astype(F32)[np.maximum(self.provider, 0)] if n_labs else 0)
        covered = np.minimum(compute, F32(subsidy_each))
        margin = expected_margin(revenue, compute, covered, premium, p.fixed_cost_usd_k)
        self.cash += np.where(alive, margin, F32(0)).astype(F32)

        # Month totals for the model's metrics and the labs' books.
        self.reset_month_totals(model.scenario.labs)
        api_alive = np.flatnonzero(on_api)
        if n_labs and api_alive.size:
            providers = self.provider[api_alive]
            self.provider_users = np.bincount(providers, weights=self.users[api_alive],
                                              minlength=n_labs)
            self.api_revenue = np.bincount(providers, weights=compute[api_alive],
                                           minlength=n_labs) / 1e6
        self.premiums_usd_bn = float((premium * revenue)[alive].sum(dtype=np.float64)) / 1e6
        self.public_compute_usd_bn = float(covered[alive].sum(dtype=np.float64)) / 1e6
        self.value_usd_bn = float(self.users[alive].sum(dtype=np.float64)) \
            * p.value_per_user_usd / 1e9

    # ------------------------------------------------------------------------------- metrics
    @property
    def active(self) -> int:
        return int(self.alive.sum())

    @property
    def open_share(self) -> float:
        active = self.active
        return float((self.alive & self.is_open).sum()) / active if active else 0.0

    def self_hosted_users(self) -> np.ndarray:
        return self.users[self.alive & self.is_open]
