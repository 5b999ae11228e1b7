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
OPEN = 0  # kind of a startup fine-tuning open weights; 1..L: built on lab L-1's API


class StartupPopulation(mesa.Agent):
    """All startups as arrays, one row per potential firm (a slot that may be active or not).

    Each slot has a ``kind``: open weights (0), the API of lab ``kind - 1``, or inactive
    (``self.inactive``). Per-kind quantities (reachable users, fees, premiums) are small tables
    indexed by ``kind``, so inactive slots need no masks: their row of every table is zero.
    """

    def __init__(self, model: mesa.Model) -> None:
        super().__init__(model)
        p = model.scenario.populations.startups
        self.params = p
        n = p.count
        rng = model.rng
        self.n_labs = len(model.scenario.labs)
        self.inactive = self.n_labs + 1
        active = rng.random(n) < p.initial_active_share
        self.taste = rng.logistic(size=n).astype(F32)  # fixed taste for open weights
        self.kind = np.where(active, OPEN, self.inactive).astype(np.int8)
        self.users = np.zeros(n, dtype=F32)
        self.cash = np.full(n, p.starting_cash_usd_k, dtype=F32)
        self.first_month = True  # every active startup picks its base in month 1
        self.active = int(active.sum())
        self.open_count = 0
        self.provider_users = np.zeros(self.n_labs)
        self.api_revenue = np.zeros(self.n_labs)
        self.premiums_usd_bn = self.public_compute_usd_bn = self.value_usd_bn = 0.0

    # ---------------------------------------------------------------------------------- step
    def step(self) -> None:
        """Enter, (re)choose a base model, grow users, pay costs, exit when cash runs out."""
        p, model = self.params, self.model
        access, world = model.access, model.world
        _, on_deployer = liability_shares(model.scenario.policy.liability.bearer,
                                          model.regulator.liability_strength)
        m = model.scenario.misuse

        # Per kind (open, each lab's API): reachable users, costs and margins (USD k/month).
        unit_revenue = p.value_per_user_usd * p.value_capture / 1000.0  # USD k per user-month
        open_quality = access.open_capability + p.customisation_bonus - access.open_licence_penalty
        reach_open = float(reachable_users(open_quality, world.reference_capability,
                                           p.users_mean, p.users_capability_elasticity))
        reach_api = reachable_users(access.api_capability, world.reference_capability,
                                    p.users_mean, p.users_capability_elasticity)
        premium_open = on_deployer * p.liability_premium_rate * float(
            marginal_uplift(access.open_capability, m.harm_threshold, m.uplift_scale))
        premium_api = on_deployer * p.liability_premium_rate * marginal_uplift(
            access.api_capability, m.harm_threshold, m.uplift_scale)
        subsidy_each = model.regulator.startup_pool_k / max(self.active, 1)
        revenue_open = reach_open * unit_revenue
        margin_open = float(expected_margin(
            revenue_open, p.open_compute_usd_k + p.open_serving_share * revenue_open,
            subsidy_each, premium_open, p.fixed_cost_usd_k))
        revenue_api = reach_api * unit_revenue
        offered = np.isfinite(access.api_capability)
        margin_api = np.where(
            offered,
            expected_margin(revenue_api, access.api_fee * revenue_api, subsidy_each, premium_api,
                            p.fixed_cost_usd_k) - p.platform_risk * p.starting_cash_usd_k,
            -np.inf,
        )
        best_api = float(margin_api.max()) if self.n_labs else -np.inf
        best = max(margin_open, best_api)

        # Who exits, switches, enters or must choose anew this month (one uniform draw each).
        kind, users = self.kind, self.users
        u = model.rng.random((2, kind.size), dtype=F32)
        alive = kind != self.inactive
        exiting = alive & ((self.cash < 0) | (u[0] < p.exit_hazard))
        choosing = alive & (u[0] < p.exit_hazard + p.switch_rate)
        if self.first_month:
            choosing |= alive
            self.first_month = False
        if self.n_labs and not offered.all():  # a cut API: its customers must move
            stranded = np.zeros(self.inactive + 1, dtype=bool)
            stranded[1:self.inactive] = ~offered
            choosing |= stranded[kind]
        if np.isfinite(access.open_user_cap):  # outgrew the licence (Llama 2: 700M users)
            choosing |= (kind == OPEN) & (users > access.open_user_cap)
        entering = ~alive & (u[0] < entry_probability(best, p.fixed_cost_usd_k, p.entry_rate))
        kind[exiting] = self.inactive
        users[exiting] = 0.0
        choosing &= ~exiting
        choosing |= entering
        self.cash[entering] = p.starting_cash_usd_k

        # Base-model choice: open weights or an API, and which API provider.
        chooser = np.flatnonzero(choosing)
        if chooser.size:
            if np.isfinite(best_api):
                goes_open = choose_open_base(self.taste[chooser], margin_open - best_api,
                                             p.choice_noise)
            else:
                goes_open = np.ones(chooser.size, dtype=bool)
            new_kind = np.zeros(chooser.size, dtype=np.int8)
            api_pick = ~goes_open
            new_kind[api_pick] = pick_provider(u[1, chooser[api_pick]], margin_api,
                                               p.choice_noise) + 1
            kind[chooser] = new_kind

        # One gather of the per-kind tables: reachable users, fee or serving share, fixed
        # compute, premium and fixed cost. Inactive slots get zeros, so they need no masks.
        lab_zero = np.zeros(self.n_labs)
        per_kind = np.stack([
            self.table(reach_open, reach_api),
            self.table(p.open_serving_share, access.api_fee),
            self.table(p.open_compute_usd_k, lab_zero),
            self.table(premium_open, premium_api),
            self.table(p.fixed_cost_usd_k, lab_zero + p.fixed_cost_usd_k),
        ], axis=1)
        reach, fee, own_compute, premium, fixed = per_kind[kind.astype(np.intp)].T

        # Users move toward what the base model can reach; API users face platform risk.
        users[entering] = 0.1 * reach[entering]
        grow_users(users, reach, p.user_growth_rate)
        on_api = (kind > OPEN) & (kind < self.inactive)
        users[on_api & ~choosing & (u[1] < p.platform_risk)] *= F32(0.5)

        # Cash flow.
        revenue = users * F32(unit_revenue)
        compute = revenue * fee + own_compute
        covered = np.minimum(compute, F32(subsidy_each))
        self.cash += expected_margin(revenue, compute, covered, premium, fixed)

        # Month totals for the model's metrics and the labs' books.
        self.active = int(np.count_nonzero(kind != self.inactive))
        self.open_count = int(np.count_nonzero(kind == OPEN))
        per_kind_users = np.bincount(kind, weights=users, minlength=self.inactive + 1)
        per_kind_compute = np.bincount(kind, weights=compute, minlength=self.inactive + 1)
        self.provider_users = per_kind_users[1:self.inactive]
        self.api_revenue = per_kind_compute[1:self.inactive] / 1e6
        self.premiums_usd_bn = float(np.dot(premium, revenue)) / 1e6
        self.public_compute_usd_bn = float(covered.sum(dtype=np.float64)) / 1e6
        self.value_usd_bn = float(per_kind_users.sum()) * p.value_per_user_usd / 1e9

    def table(self, open_value: float, api_values: np.ndarray) -> np.ndarray:
        """A float32 lookup indexed by kind: open, then each lab's API, then inactive (zero)."""
        return np.concatenate(([open_value], api_values, [0.0])).astype(F32)

    # ------------------------------------------------------------------------------- metrics
    @property
    def alive(self) -> np.ndarray:
        return self.kind != self.inactive

    @property
    def is_open(self) -> np.ndarray:
        return self.kind == OPEN

    @property
    def open_share(self) -> float:
        return self.open_count / self.active if self.active else 0.0

    def self_hosted_users(self) -> np.ndarray:
        return self.users[self.kind == OPEN]
