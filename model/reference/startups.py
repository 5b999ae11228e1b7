"""Startups the plain Mesa way: one ``mesa.Agent`` per firm, created on entry, removed on exit.

The rules are those of ``model.agents.startups``: the cohort reads the month's market through
the same ``MarketTerms`` and each firm applies the same kernels to its own scalars. A month is
staged as in the vectorized model: entrants arrive, every firm chooses (in random order), the
cohort sums each segment's pull, then every firm competes, pays and perhaps exits (in random
order).
"""

from __future__ import annotations

import mesa
import numpy as np

from aiecosim.model.agents.market_terms import MarketTerms, Terms
from aiecosim.model.kernels.market import arrivals_within
from aiecosim.model.kernels.places import draw_places


class Startup(mesa.Agent):
    """One firm: its jurisdiction (``place``), segment, base model (``kind``), users, cash and
    taste for open weights."""

    def __init__(self, model: mesa.Model, cohort: "StartupCohort", segment: int,
                 kind: int, place: int, established: bool = False) -> None:
        super().__init__(model)
        self.cohort = cohort
        self.segment = segment
        self.place = place
        self.kind = kind
        self.users = 0.0
        self.cash = cohort.params.starting_cash_usd_k
        self.taste = float(model.rng.logistic())
        self.pending = True  # founded; chooses its base this month
        self.entrant = not established
        self.established = established
        self.u_fate = self.u_pick = 0.0

    def choose(self) -> None:
        """Draw this month's two uniforms; pick a base when new, reconsidering, or stranded."""
        c, p = self.cohort, self.cohort.params
        self.u_fate, self.u_pick = self.model.rng.random(2)
        terms = c.terms
        if (self.pending or self.u_fate < p.exit_hazard + p.switch_rate
                or (self.kind < c.empty and not np.isfinite(terms.offer[self.place, self.kind]))
                or self.users > terms.user_cap[self.kind]):
            self.kind = int(c.market.choose(terms, self.place, c.segment_weight,
                                            c.subsidy_each[self.place], np.array([self.taste]),
                                            np.array([self.u_pick]))[0])
            self.pending = False

    def compete_and_pay(self) -> None:
        """Move toward this firm's share of its segment, pay the month's costs, maybe exit."""
        c, p, terms = self.cohort, self.cohort.params, self.cohort.terms
        pull = c.segment_pull[self.segment]
        target = terms.demand * terms.weight[self.kind] / pull if pull > 0 else 0.0
        if self.established:
            self.users, self.established = target, False
        elif self.entrant:
            self.users, self.entrant = p.entrant_users_share * target, False
        # kernels.market.grow_users updates arrays in place; this is its rule for one firm.
        self.users += p.user_growth_rate * (target - self.users)
        if self.u_pick < terms.platform_risk[self.kind]:
            self.users *= 1.0 - p.platform_loss
        revenue_margin = self.users * terms.unit_margin[self.place, self.kind]
        compute = self.users * terms.compute_per_user[self.kind] + terms.own_compute[self.kind]
        subsidy = c.subsidy_each[self.place]
        covered = min(compute, subsidy) if subsidy > 0 else 0.0
        self.cash += revenue_margin - terms.fixed[self.kind] + covered
        c.public_compute_usd_bn += covered / 1e6
        if self.cash < 0 or self.u_fate < p.exit_hazard:
            self.remove()
        else:
            c.count_firm(self)


class StartupCohort:
    """The model's view of the per-agent startups: this month's market and its totals.

    Exposes what ``EcosystemModel`` and ``model.recorder`` read from ``StartupPopulation``.
    """

    def __init__(self, model: mesa.Model) -> None:
        self.model = model
        self.params = p = model.scenario.populations.startups
        self.market = MarketTerms(p, len(model.scenario.labs))
        self.n_open, self.empty = self.market.n_open, self.market.empty
        self.place_shares = np.array(model.scenario.population_shares())
        self.places = self.place_shares.size
        for segment in range(p.segments):
            for _ in range(p.initial_per_segment):
                Startup(model, self, segment, kind=0, place=self.draw_place(), established=True)
        self.active = p.segments * p.initial_per_segment
        self.active_by_place = np.bincount([firm.place for firm in self.firms],
                                           minlength=self.places)
        self.kind_counts: np.ndarray | None = None  # none chosen before the first month
        self.segment_pull: np.ndarray | None = None
        self.entered = self.open_count = 0
        self.at_limit = False
        self.reset_totals()

    @property
    def firms(self) -> "mesa.agentset.AgentSet":
        return self.model.agents_by_type.get(Startup, mesa.agentset.AgentSet([], self.model.random))

    def draw_place(self) -> int:
        """A firm's jurisdiction, by population share."""
        return int(draw_places(self.model.rng, self.place_shares, 1)[0])

    def reset_totals(self) -> None:
        self.kind_users = np.zeros(self.market.kinds)
        self.month_counts = np.zeros(self.market.kinds, dtype=np.int64)
        self.place_counts = np.zeros(self.places, dtype=np.int64)
        self.premiums_by_place = np.zeros(self.places)
        self.premiums_usd_bn = self.public_compute_usd_bn = self.value_usd_bn = 0.0
        self.serving_cost_usd_bn = 0.0
        self.self_hosted: list[float] = []

    def step(self) -> None:
        """Entry, choices, then competition and payment, each stage over all firms in turn."""
        p = self.params
        self.terms = terms = self.market.month(self.model)
        pools = np.array([regulator.startup_pool_k for regulator in self.model.regulators])
        self.subsidy_each = pools / np.maximum(self.active_by_place, 1)
        first = self.kind_counts is None
        if first:  # the first month: the firms at the start choose, then entry follows
            self.segment_weight = self.active / p.segments
            self.firms.shuffle_do("choose")
            self.segment_pull = self.pull_by_segment()
        else:
            self.segment_weight = float(np.dot(self.kind_counts, terms.weight)) / p.segments
        rates, best = zip(*(self.market.entry_rates(terms, j, self.segment_pull,
                                                    self.segment_weight, self.subsidy_each[j])
                            for j in range(self.places)))
        rate = np.array(rates) * self.place_shares[:, None]
        room = max(p.max_firms - self.active, 0)
        arrivals, self.at_limit = arrivals_within(self.model.rng, rate, room)
        self.entered = int(arrivals.sum())
        for cell in np.flatnonzero(arrivals):  # cell = place * segments + segment
            place, segment = divmod(int(cell), p.segments)
            for _ in range(int(arrivals[cell])):
                Startup(self.model, self, segment, kind=best[place], place=place)
        self.firms.shuffle_do("choose")
        self.segment_pull = self.pull_by_segment()
        self.reset_totals()
        self.firms.shuffle_do("compete_and_pay")
        self.kind_counts = self.month_counts
        self.active = int(self.month_counts.sum())
        self.active_by_place = self.place_counts
        self.open_count = int(self.month_counts[:self.n_open].sum())

    def pull_by_segment(self) -> np.ndarray:
        pull = np.zeros(self.params.segments)
        for firm in self.firms:
            pull[firm.segment] += self.terms.weight[firm.kind]
        return pull

    def count_firm(self, firm: Startup) -> None:
        """Add one surviving firm's month to the totals."""
        p, terms = self.params, self.terms
        self.month_counts[firm.kind] += 1
        self.place_counts[firm.place] += 1
        self.kind_users[firm.kind] += firm.users
        if firm.kind < self.n_open:
            self.self_hosted.append(firm.users)
        revenue = firm.users * p.value_per_user_usd * p.value_capture / 1000.0
        premium = terms.premium[firm.place, firm.kind] * revenue / 1e6
        self.premiums_by_place[firm.place] += premium
        self.premiums_usd_bn += premium
        self.serving_cost_usd_bn += terms.resource_per_user[firm.kind] * firm.users / 1e9
        self.value_usd_bn += firm.users * p.value_per_user_usd / 1e9

    # ------------------------------------------------------------------------------- metrics
    @property
    def open_share(self) -> float:
        return self.open_count / self.active if self.active else 0.0

    @property
    def provider_users(self) -> np.ndarray:
        return self.kind_users[self.n_open:self.empty]

    @property
    def open_users_by_origin(self) -> np.ndarray:
        return self.kind_users[:self.n_open]

    def self_hosted_users(self) -> np.ndarray:
        return np.array(self.self_hosted)
