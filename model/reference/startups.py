"""Startups the plain Mesa way: one ``mesa.Agent`` per firm, stepped in random order.

The rules are those of ``model.agents.startups`` (same kernels, called with one firm's scalars);
only the data layout and the loop differ. Conditions every firm faces alike this month (reachable
users, margins, the entry probability) are computed once by the cohort, as a Mesa modeller would
keep market-wide state on the model rather than recompute it in every agent.
"""

from __future__ import annotations

import mesa
import numpy as np

from aiecosim.model.kernels.market import (
    choose_open_base,
    entry_probability,
    expected_margin,
    pick_provider,
    reachable_users,
)
from aiecosim.model.kernels.misuse import marginal_uplift
from aiecosim.model.kernels.policy import liability_shares


class Startup(mesa.Agent):
    """One potential firm: a slot that may be active (``alive``) or not."""

    def __init__(self, model: mesa.Model, cohort: "StartupCohort") -> None:
        super().__init__(model)
        p = cohort.params
        self.cohort = cohort
        self.alive = model.rng.random() < p.initial_active_share
        self.taste = model.rng.logistic()  # fixed taste for open weights
        self.is_open = False
        self.provider = -1  # index of the lab whose API it builds on; -1 when open
        self.users = 0.0
        self.cash = p.starting_cash_usd_k

    def step(self) -> None:
        """Exit or enter, (re)choose a base model, grow users, pay this month's costs."""
        c, p, rng = self.cohort, self.cohort.params, self.model.rng
        u_fate = rng.random()  # one draw decides exit, reconsidering and entry, as in the model
        entering = choosing = False
        if self.alive:
            choosing = (c.first_month or u_fate < p.exit_hazard + p.switch_rate
                        or (not self.is_open and not c.offered[self.provider])
                        or (self.is_open and self.users > c.open_user_cap))
            if self.cash < 0 or u_fate < p.exit_hazard:
                self.alive, self.users = False, 0.0
        elif u_fate < c.entry_probability:
            self.alive = entering = choosing = True
            self.cash = p.starting_cash_usd_k
        if not self.alive:
            return  # an inactive slot has no users, costs or revenue
        if choosing:
            self.choose_base()
        reach = c.reach_open if self.is_open else c.reach_api[self.provider]
        if entering:
            self.users = 0.1 * reach
        # kernels.market.grow_users updates arrays in place; this is its rule for one firm.
        self.users += p.user_growth_rate * (reach - self.users)
        if not self.is_open and not choosing and rng.random() < p.platform_risk:
            self.users *= 0.5
        self.pay_month()

    def choose_base(self) -> None:
        """Fine-tune open weights or build on an API, and pick the provider."""
        c, p = self.cohort, self.cohort.params
        if np.isfinite(c.best_api):
            self.is_open = bool(choose_open_base(self.taste, c.margin_open - c.best_api,
                                                 p.choice_noise))
        else:
            self.is_open = True
        self.provider = -1 if self.is_open else int(
            pick_provider(self.model.rng.random(), c.margin_api, p.choice_noise))

    def pay_month(self) -> None:
        """Revenue less fees or own compute, premiums and fixed costs; report to the cohort."""
        c, p = self.cohort, self.cohort.params
        revenue = self.users * c.unit_revenue
        if self.is_open:
            compute = p.open_compute_usd_k + p.open_serving_share * revenue
            premium = c.premium_open
        else:
            compute = revenue * c.api_fee[self.provider]
            premium = c.premium_api[self.provider]
        covered = min(compute, c.subsidy_each)
        self.cash += float(expected_margin(revenue, compute, covered, premium,
                                           p.fixed_cost_usd_k))
        c.count_firm(self, revenue, compute, premium, covered)


class StartupCohort:
    """The model's view of the per-agent startups: this month's market and its totals.

    Exposes what ``EcosystemModel`` and ``model.metrics`` read from ``StartupPopulation``.
    """

    def __init__(self, model: mesa.Model) -> None:
        self.model = model
        self.params = model.scenario.populations.startups
        self.n_labs = len(model.scenario.labs)
        for _ in range(self.params.count):
            Startup(model, self)
        self.first_month = True  # every active startup picks its base in month 1
        self.active = sum(firm.alive for firm in self.firms)
        self.open_count = 0
        self.reset_totals()

    @property
    def firms(self) -> "mesa.agentset.AgentSet":
        return self.model.agents_by_type[Startup]

    def reset_totals(self) -> None:
        self.provider_users = np.zeros(self.n_labs)
        self.premiums_usd_bn = self.public_compute_usd_bn = self.value_usd_bn = 0.0
        self.self_hosted: list[float] = []

    def step(self) -> None:
        """Set this month's market, let every firm act in random order, keep the totals."""
        self.set_market()
        self.active = self.open_count = 0
        self.reset_totals()
        self.firms.shuffle_do("step")
        self.first_month = False

    def set_market(self) -> None:
        """What every firm faces alike: reachable users, fees, premiums, margins, entry odds."""
        model, p = self.model, self.params
        access, world, m = model.access, model.world, model.scenario.misuse
        _, on_deployer = liability_shares(model.scenario.policy.liability.bearer,
                                          model.regulator.liability_strength)
        self.unit_revenue = p.value_per_user_usd * p.value_capture / 1000.0
        open_quality = access.open_capability + p.customisation_bonus - access.open_licence_penalty
        self.reach_open = float(reachable_users(open_quality, world.reference_capability,
                                                p.users_mean, p.users_capability_elasticity))
        self.reach_api = reachable_users(access.api_capability, world.reference_capability,
                                         p.users_mean, p.users_capability_elasticity)
        self.premium_open = on_deployer * p.liability_premium_rate * float(
            marginal_uplift(access.open_capability, m.harm_threshold, m.uplift_scale))
        self.premium_api = on_deployer * p.liability_premium_rate * marginal_uplift(
            access.api_capability, m.harm_threshold, m.uplift_scale)
        self.api_fee = access.api_fee
        self.subsidy_each = model.regulator.startup_pool_k / max(self.active, 1)
        revenue_open = self.reach_open * self.unit_revenue
        self.margin_open = float(expected_margin(
            revenue_open, p.open_compute_usd_k + p.open_serving_share * revenue_open,
            self.subsidy_each, self.premium_open, p.fixed_cost_usd_k))
        revenue_api = self.reach_api * self.unit_revenue
        self.offered = np.isfinite(access.api_capability)
        self.margin_api = np.where(
            self.offered,
            expected_margin(revenue_api, access.api_fee * revenue_api, self.subsidy_each,
                            self.premium_api, p.fixed_cost_usd_k)
            - p.platform_risk * p.starting_cash_usd_k,
            -np.inf,
        )
        self.best_api = float(self.margin_api.max()) if self.n_labs else -np.inf
        best = max(self.margin_open, self.best_api)
        self.entry_probability = entry_probability(best, p.fixed_cost_usd_k, p.entry_rate)
        self.open_user_cap = access.open_user_cap

    def count_firm(self, firm: Startup, revenue: float, compute: float, premium: float,
                   covered: float) -> None:
        """Add one active firm's month to the totals."""
        self.active += 1
        if firm.is_open:
            self.open_count += 1
            self.self_hosted.append(firm.users)
        else:
            self.provider_users[firm.provider] += firm.users
        self.premiums_usd_bn += premium * revenue / 1e6
        self.public_compute_usd_bn += covered / 1e6
        self.value_usd_bn += firm.users * self.params.value_per_user_usd / 1e9

    # ------------------------------------------------------------------------------- metrics
    @property
    def open_share(self) -> float:
        return self.open_count / self.active if self.active else 0.0

    def self_hosted_users(self) -> np.ndarray:
        return np.array(self.self_hosted)
