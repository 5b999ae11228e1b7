"""Startups: a vectorized population that enters, picks a base model, grows and exits."""

from __future__ import annotations

from typing import NamedTuple

import mesa
import numpy as np

from aiecosim.model.kernels.market import (
    choose_open_base,
    entry_probability,
    expected_margin,
    grow_users,
    pick_provider,
    reachable_users,
)
from aiecosim.model.kernels.misuse import marginal_uplift
from aiecosim.model.kernels.policy import liability_shares

F32 = np.float32
OPEN = 0  # kind of a startup fine-tuning open weights; 1..L: built on lab L-1's API


class KindTerms(NamedTuple):
    """This month's terms per kind (open, each lab's API, inactive), as small float32 tables.

    Every member faces the terms of its kind, so a member's value is ``table[kind]``; the
    inactive kind's row is zero, so inactive slots need no masks.
    """

    reach: np.ndarray  # users reachable at maturity
    net_per_user: np.ndarray  # USD k a month per user, after fee or serving cost and premium
    fixed: np.ndarray  # USD k a month: fixed cost plus own compute (open only)
    compute_per_user: np.ndarray  # USD k a month per user paid for compute (fee or serving)
    own_compute: np.ndarray  # USD k a month of fixed compute (fine-tuning open weights)
    platform_risk: np.ndarray  # monthly chance an API changes under a startup (API kinds only)
    premium: np.ndarray  # deployer liability premium, share of revenue


ROW = {name: row for row, name in enumerate(KindTerms._fields)}  # a field's row in the table


class StartupPopulation(mesa.Agent):
    """All startups as arrays, one row per potential firm (a slot that may be active or not).

    Each slot has a ``kind``: open weights (0), the API of lab ``kind - 1``, or inactive
    (``self.inactive``). Per-kind quantities (reachable users, fees, premiums) are small tables
    indexed by ``kind`` (see ``KindTerms``).
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
        self.kind_counts = np.bincount(self.kind, minlength=self.inactive + 1)
        self.provider_users = np.zeros(self.n_labs)
        self.premiums_usd_bn = self.public_compute_usd_bn = self.value_usd_bn = 0.0
        self.constant_terms()

    # ---------------------------------------------------------------------------------- step
    def step(self) -> None:
        """Enter, (re)choose a base model, grow users, pay costs, exit when cash runs out."""
        p, model = self.params, self.model
        subsidy_each = model.regulator.startup_pool_k / max(self.active, 1)
        terms, margins = self.kind_terms(subsidy_each)
        margin_open, margin_api = margins[OPEN], margins[1:self.inactive]
        best_api = float(margin_api.max()) if self.n_labs else -np.inf

        # Who exits, switches, enters or must choose anew this month (one uniform draw each).
        kind, users = self.kind, self.users
        u = model.rng.random((2, kind.size), dtype=F32)
        alive = kind != self.inactive
        exiting = alive & ((self.cash < 0) | (u[0] < p.exit_hazard))
        choosing = alive & (u[0] < p.exit_hazard + p.switch_rate)
        if self.first_month:
            choosing |= alive
            self.first_month = False
        stranded = ~np.isfinite(margins)  # a cut API: its customers must move
        stranded[self.inactive] = False
        if self.kind_counts[stranded].any():
            choosing |= stranded[kind]
        if np.isfinite(model.access.open_user_cap):  # outgrew the licence (Llama 2: 700M users)
            choosing |= (kind == OPEN) & (users > model.access.open_user_cap)
        best = max(margin_open, best_api)
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
            api_pick = chooser[~goes_open]
            kind[chooser[goes_open]] = OPEN
            kind[api_pick] = pick_provider(u[1, api_pick], margin_api, p.choice_noise) + 1

        # Users move toward what the base model can reach; API users face platform risk.
        kind_index = kind.astype(np.intp)
        reach = terms.reach.take(kind_index)
        users[entering] = 0.1 * reach[entering]
        grow_users(users, reach, p.user_growth_rate)
        shaken = u[1] < terms.platform_risk.take(kind_index)
        users[shaken & ~choosing] *= F32(0.5)

        # Cash flow: revenue less fee or serving cost, premium, fixed costs; public compute
        # pays part of the compute bill, up to an equal share of the pool each.
        self.cash += users * terms.net_per_user.take(kind_index)
        self.cash -= terms.fixed.take(kind_index)
        if subsidy_each > 0.0:
            compute = users * terms.compute_per_user.take(kind_index)
            compute += terms.own_compute.take(kind_index)
            covered = np.minimum(compute, F32(subsidy_each))
            self.cash += covered
            self.public_compute_usd_bn = float(covered.sum(dtype=np.float64)) / 1e6
        else:
            self.public_compute_usd_bn = 0.0

        # Month totals for the model's metrics.
        self.kind_counts = np.bincount(kind_index, minlength=self.inactive + 1)
        self.active = int(kind.size - self.kind_counts[self.inactive])
        self.open_count = int(self.kind_counts[OPEN])
        per_kind_users = np.bincount(kind_index, weights=users, minlength=self.inactive + 1)
        self.provider_users = per_kind_users[1:self.inactive]
        revenue = per_kind_users * (p.value_per_user_usd * p.value_capture / 1000.0)
        self.premiums_usd_bn = float(np.dot(terms.premium, revenue)) / 1e6
        self.value_usd_bn = float(per_kind_users.sum()) * p.value_per_user_usd / 1e9

    def kind_terms(self, subsidy_each: float) -> tuple[KindTerms, np.ndarray]:
        """This month's terms per kind, and each kind's expected margin (USD k/month; -inf for
        an API not on offer and for the inactive kind)."""
        p, model = self.params, self.model
        access, world, m = model.access, model.world, model.scenario.misuse
        _, on_deployer = liability_shares(model.scenario.policy.liability.bearer,
                                          model.regulator.liability_strength)
        # Capability per kind: open weights (as customised, less licence terms), each API,
        # and -inf for the inactive kind, which reaches no one and carries no risk.
        capability, quality, fee = self._capability, self._quality, self._fee
        capability[OPEN] = access.open_capability
        capability[1:self.inactive] = access.api_capability
        quality[:] = capability
        quality[OPEN] = access.open_capability + p.customisation_bonus - access.open_licence_penalty
        fee[1:self.inactive] = access.api_fee
        reach = reachable_users(quality, world.reference_capability, p.users_mean,
                                p.users_capability_elasticity)
        premium = on_deployer * p.liability_premium_rate * marginal_uplift(
            capability, m.harm_threshold, m.uplift_scale)

        unit_revenue = p.value_per_user_usd * p.value_capture / 1000.0  # USD k per user-month
        revenue = reach * unit_revenue
        margins = expected_margin(revenue, fee * revenue + self._own_compute, subsidy_each,
                                  premium, p.fixed_cost_usd_k) - self._platform_cost
        margins[~self._always_offered & ~np.isfinite(quality)] = -np.inf  # API not on offer
        table = self._terms
        table[ROW["reach"]] = reach
        table[ROW["net_per_user"]] = unit_revenue * (1.0 - premium - fee)
        table[ROW["compute_per_user"]] = unit_revenue * fee
        table[ROW["premium"]] = premium
        return KindTerms(*table.astype(F32)), margins

    def constant_terms(self) -> None:
        """Per-kind terms that do not change over a run, and buffers for those that do."""
        p, kinds = self.params, self.inactive + 1
        self._capability = np.full(kinds, -np.inf)  # the inactive kind never has a model
        self._quality = np.empty(kinds)
        self._fee = np.zeros(kinds)
        self._fee[OPEN] = p.open_serving_share
        self._always_offered = np.zeros(kinds, dtype=bool)
        self._always_offered[OPEN] = True  # some open base always exists (initial_open_capability)
        own_compute = np.zeros(kinds)
        own_compute[OPEN] = p.open_compute_usd_k
        fixed = np.full(kinds, p.fixed_cost_usd_k)
        fixed[self.inactive] = 0.0
        risk = np.zeros(kinds)
        risk[1:self.inactive] = p.platform_risk
        self._own_compute = own_compute
        self._platform_cost = risk * p.starting_cash_usd_k  # expected loss of a platform shock
        # One row per KindTerms field (converted to float32 in one go); the rest change monthly.
        self._terms = np.zeros((len(ROW), kinds))
        self._terms[ROW["fixed"]] = fixed + own_compute
        self._terms[ROW["own_compute"]] = own_compute
        self._terms[ROW["platform_risk"]] = risk

    # ------------------------------------------------------------------------------- metrics
    @property
    def open_share(self) -> float:
        return self.open_count / self.active if self.active else 0.0

    def self_hosted_users(self) -> np.ndarray:
        return self.users[self.kind == OPEN]
