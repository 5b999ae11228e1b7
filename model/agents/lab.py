"""Frontier labs: train, choose how to release, set safety under race pressure, pay liability and
keep their accounts."""

from __future__ import annotations

import math
from dataclasses import dataclass

import mesa
import numpy as np

from aiecosim.model.kernels.finance import flagship_run_cost, implied_capital, monthly_burn, smooth
from aiecosim.model.kernels.frontier import run_capability
from aiecosim.model.kernels.market import saturating_users
from aiecosim.model.kernels.misuse import marginal_uplift
from aiecosim.model.kernels.policy import evaluation_applies
from aiecosim.model.kernels.release import (
    API,
    MODES,
    SERVED_BY_API,
    STAGED,
    WEIGHTS_PUBLIC,
    allowed_modes,
    choose_mode,
    leak_probability,
    release_payoffs,
)
from aiecosim.model.scenario import Lab as LabSpec

CHOICE_TEMPERATURE = 0.05  # spread of labs' idiosyncratic taste among release modes (assumption)


@dataclass
class TrainedModel:
    capability: float
    raw_capability: float  # what the same run would give with no safety effort
    flop: float
    evaluated: bool
    ready_month: int


class FrontierLab(mesa.Agent):
    """One frontier lab. Its flagship's capability, release mode and API decide what others get."""

    def __init__(self, model: mesa.Model, index: int, spec: LabSpec) -> None:
        super().__init__(model)
        self.index = index
        self.spec = spec
        self.place = model.scenario.jurisdiction_of(spec)  # whose regulator binds the lab
        self.regulator = model.regulators[self.place]
        self.policy = self.regulator.policy
        self.active = True
        self.api_open = True  # its API serves customers (an event can cut it)
        self.safety_effort = spec.safety
        self.safety_covered = 0.0  # share of its safety compute public money pays for
        self.plan = list(spec.release_plan)
        self.next_release = spec.first_release_month
        self.pending: TrainedModel | None = None
        self.liability_paid = 0.0  # USD bn, this month
        self.liability_yearly = 0.0  # USD bn, exponentially smoothed annual rate
        self.evaluation_cost = 0.0  # USD bn, this month
        self.flagship_flop = spec.budget_usd_m * 1e6 * model.scenario.technology.flop_per_usd
        self.capability, self.raw_capability = self.run_capabilities(
            spec.budget_usd_m * 1e6, model.scenario.technology.flop_per_usd, 0.0)
        self.mode = MODES.index(spec.initial_mode)
        self.leaked = False  # the current flagship's gated weights got out
        self.evaluated = False
        self.open_accounts(model.scenario.finance)

    # ---------------------------------------------------------------------------------- view
    @property
    def weights_public(self) -> bool:
        return bool(WEIGHTS_PUBLIC[self.mode]) or self.leaked

    @property
    def serves_api(self) -> bool:
        """Whether customers can reach the flagship by API: an API release, or released weights
        the lab also serves itself or through a cloud."""
        return self.active and self.api_open and bool(SERVED_BY_API[self.mode])

    @property
    def monitoring(self) -> float:
        """Effective abuse monitoring: the lab's capacity scaled by its safety effort."""
        floor = self.spec.monitoring_floor
        return self.spec.monitoring * (floor + (1.0 - floor) * self.safety_effort)

    def direct_users(self) -> float:
        """Users of the lab's own products: more capable flagships reach more people, up to
        the people any product could reach (``saturating_users``)."""
        if not self.active or self.spec.direct_users_m <= 0.0:
            return 0.0
        p, world = self.model.scenario.populations.startups, self.model.world
        gain = p.users_capability_elasticity * (self.capability - world.reference_capability)
        return saturating_users(math.log10(self.spec.direct_users_m * 1e6) + gain,
                                p.addressable_users)

    def run_cost_usd(self) -> float:
        """Cost of the lab's current flagship run: exogenous growth, or its share of the spending
        the lab committed to when it last started a run (``finance.form``)."""
        if self.capital_form:
            f = self.model.scenario.finance
            return float(flagship_run_cost(self.burn, f.flagship_share,
                                           self.spec.release_interval_months)) * 1e9
        return self.spec.budget_usd_m * 1e6 * self.model.world.run_cost_multiplier

    def training_spend_usd(self) -> float:
        """Training spending per month: a flagship run spread over the release interval."""
        return self.run_cost_usd() / self.spec.release_interval_months

    # ---------------------------------------------------------------------------------- step
    def step(self) -> None:
        """One month: set safety effort, train when due, release when ready, maybe leak."""
        if not self.active:
            return
        self.evaluation_cost = 0.0
        self.set_safety_effort()
        month = self.model.steps
        if self.pending is None and month >= self.next_release:
            self.train(month)
        if self.pending is not None and month >= self.pending.ready_month:
            self.release(self.pending)
        if self.mode == STAGED and not self.leaked and self.leaks():
            self.model.publish_weights(self)

    def set_safety_effort(self) -> None:
        """Safety effort as the lab's move in this month's race game (agents.race)."""
        choice = self.model.safety_choice()
        self.safety_effort = float(choice.effort[self.index])
        self.safety_covered = float(choice.covered[self.index])

    def run_capabilities(self, cost_usd: float, flop_per_usd: float,
                         algorithmic_log10: float) -> tuple[float, float]:
        """(capability, raw capability) of a run: with this month's safety effort, whose tax
        the safety subsidy partly pays, and with none."""
        tax = self.model.scenario.race.safety_tax * (1.0 - self.safety_covered)
        capability = float(run_capability(cost_usd, flop_per_usd, algorithmic_log10,
                                          self.spec.skill, self.safety_effort, tax))
        raw = float(run_capability(cost_usd, flop_per_usd, algorithmic_log10,
                                   self.spec.skill, 0.0, tax))
        return capability, raw

    # -------------------------------------------------------------------------- what's at stake
    def accident_harm_at_zero_safety_usd_bn(self) -> float:
        """Expected accident harm a month from the flagship with no safety effort: the misuse
        uplift curve times the accident rate, times the lab's share of the use of the labs'
        services (accidents happen in use, so a lab serving half the users has half the
        accidents of one serving all), less what an evaluation mitigated."""
        if not self.active:
            return 0.0
        sc = self.model.scenario
        m = sc.misuse
        uplift = float(marginal_uplift(self.capability, m.harm_threshold, m.uplift_scale,
                                       m.uplift_exponent))
        mitigated = self.policy.evaluation.effectiveness if self.evaluated else 0.0
        use = float(self.model.use_shares[self.index])
        return sc.accidents.harm_per_uplift_usd_bn * uplift * use * (1.0 - mitigated)

    def accident_harm_usd_bn(self) -> float:
        """Expected accident harm this month: falling with (1 - safety effort)^2, the same
        diminishing returns to safety the lab's choice assumes (kernels.race)."""
        return self.accident_harm_at_zero_safety_usd_bn() * (1.0 - self.safety_effort) ** 2

    def losses_at_stake_usd(self) -> float:
        """Monthly losses safety can avoid beyond what the lab's culture weighs (USD): its
        liability bills, and the share of its accidents it bears, on its own (reputation,
        damages) and through liability."""
        own_share = self.model.scenario.accidents.internalised_share
        borne = own_share + (1.0 - own_share) * self.regulator.liability_strength
        accidents = self.accident_harm_at_zero_safety_usd_bn() * borne
        return (self.liability_yearly / 12.0 + accidents) * 1e9

    def public_safety_compute_usd_bn(self) -> float:
        """Public compute this lab's safety work used this month."""
        if not self.active:
            return 0.0
        tax = self.model.scenario.race.safety_tax
        return self.safety_covered * tax * self.safety_effort * self.training_spend_usd() / 1e9

    def train(self, month: int) -> None:
        """Train the next flagship with this month's compute, algorithms and safety tax; with no
        money to spend (capital form), postpone the run to the next month."""
        sc, world = self.model.scenario, self.model.world
        if self.capital_form:  # what the lab can afford now: its capital and expected revenue
            self.burn = float(monthly_burn(self.capital, self.revenue, sc.finance.runway_months,
                                           self.liability_yearly / 12.0))
        cost = self.run_cost_usd()
        if cost <= 0.0:  # every dollar is held back for the bills it expects: the run waits
            return  # for a month the lab can fund one (a run of no compute has no capability)
        flop = cost * world.flop_per_usd
        capability, raw = self.run_capabilities(cost, world.flop_per_usd,
                                                world.algorithmic_log10)
        ev = self.policy.evaluation
        evaluated = evaluation_applies(flop, ev.mandate, ev.compute_threshold_flop)
        delay = ev.delay_months if evaluated else 0
        if evaluated:
            self.evaluation_cost = ev.cost_share * cost / 1e9
        self.pending = TrainedModel(capability, raw, flop, evaluated, month + delay)
        self.next_release = month + self.spec.release_interval_months

    def release(self, trained: TrainedModel) -> None:
        """Choose a release mode within the regime and make the new model the flagship."""
        self.pending = None
        self.capability, self.flagship_flop = trained.capability, trained.flop
        self.raw_capability = trained.raw_capability
        self.evaluated = trained.evaluated
        self.leaked = False
        self.mode = self.choose_release_mode(trained)
        self.model.world.note_models(np.array([self.capability]))
        if self.weights_public:
            self.model.publish_weights(self)

    def choose_release_mode(self, trained: TrainedModel) -> int:
        sc, regulator = self.model.scenario, self.regulator
        allowed = allowed_modes(regulator.regime, trained.capability,
                                self.policy.api_only_threshold)
        if self.plan:
            planned = MODES.index(self.plan.pop(0))
            if allowed[planned]:
                return planned
        m = sc.misuse
        # The uplift over the no-AI baseline that this model gives whoever misuses it: what its
        # developer is blamed and, under developer liability, billed for.
        risk = float(marginal_uplift(trained.capability, m.harm_threshold, m.uplift_scale,
                                     m.uplift_exponent))
        on_developer, _ = regulator.liability_split()
        ev = self.policy.evaluation
        payoffs = release_payoffs(
            openness=self.spec.openness,
            monitoring=self.monitoring,
            risk=risk,
            liability_on_developer=on_developer,
            reputation_weight=m.reputation_weight,
            liability_scale=m.liability_scale,
            safety_reward=regulator.safety_reward,
            safety_effort=self.safety_effort,
            # Above the threshold the EU AI Act's open-source exemption no longer applies.
            open_compliance_cost=ev.cost_share if trained.evaluated else 0.0,
        )
        return choose_mode(payoffs, allowed, CHOICE_TEMPERATURE, self.model.rng)

    def leaks(self) -> bool:
        """A staged release leaks with a hazard that grows with the number given access."""
        p = leak_probability(self.spec.staged_access,
                             self.model.scenario.diffusion.leak_rate_per_accessor)
        return bool(self.model.rng.random() < p)

    # ------------------------------------------------------------------------------ accounts
    def open_accounts(self, finance) -> None:
        """Capital at the start: what makes the burn rule buy the lab's 2023 run
        (``budget_usd_m``) with the revenue of its own products at the start."""
        self.capital_form = finance.form == "capital"
        self.capital = self.burn = self.investment = self.parent_funding = 0.0  # USD bn
        self.claims = self.liability_settled = 0.0  # USD bn: outstanding, and paid this month
        self.revenue = self.revenue_gross = 0.0  # USD bn a month: net of serving, and fees
        product = self.spec.direct_users_m * 1e6 * finance.product_revenue_per_user_usd / 1e9
        self.revenue_trend = product
        if self.capital_form:
            interval = self.spec.release_interval_months
            self.capital = float(implied_capital(self.spec.budget_usd_m / 1e3, product,
                                                 finance.flagship_share, interval,
                                                 finance.runway_months))
            self.revenue = product
            self.burn = float(monthly_burn(self.capital, product, finance.runway_months))

    def book(self, revenue: float, revenue_gross: float, investment: float,
             parent_funding: float) -> None:
        """This month's accounts: money in, the committed burn, the liability settled this month
        and evaluation costs out. Claims are paid as they are settled, a share
        1 / ``settlement_months`` of those outstanding each month, so bills reduce capital
        continuously; a lab whose capital runs out leaves."""
        self.revenue, self.revenue_gross = revenue, revenue_gross
        self.investment, self.parent_funding = investment, parent_funding
        f = self.model.scenario.finance
        self.revenue_trend = float(smooth(self.revenue_trend, revenue, f.revenue_trend_months))
        self.liability_settled = self.claims / f.settlement_months
        self.claims -= self.liability_settled
        self.capital += (revenue + investment + parent_funding - self.burn
                         - self.liability_settled - self.evaluation_cost)
        if self.capital <= 0.0:
            self.active = False

    def pay_liability(self, amount_usd_bn: float) -> None:
        """This month's liability. With capital, it becomes a claim that is paid out of capital
        as it is settled (``book``); in the exogenous form a lab whose yearly bill exceeds its
        depth exits."""
        self.liability_paid = amount_usd_bn
        self.liability_yearly += (12.0 * amount_usd_bn - self.liability_yearly) / 12.0
        if self.capital_form:
            self.claims += amount_usd_bn
            return
        yearly_budget = self.run_cost_usd() / 1e9 * 12.0 / self.spec.release_interval_months
        depth = self.model.scenario.finance.exogenous_exit_years
        if self.liability_yearly > depth * yearly_budget:
            self.active = False
