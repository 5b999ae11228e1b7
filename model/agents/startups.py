"""Startups: a vectorized population that enters segments, picks a base model, competes, exits.

A month runs in named phases, in order: ``enter``, ``choose_base``, ``compete_pay_exit``
(users, accounts and exits in one compiled pass, ``kernels.startup_month``). Potential
startups arrive in each segment at a rate that rises with the profit an entrant expects there;
firms in a segment share its users, so profits fall as firms enter and the number of firms
comes from demand (free entry), not from a pool of slots.
"""

from __future__ import annotations

import mesa
import numpy as np

from aiecosim.model.agents.market_terms import MEMBER, MarketTerms, Terms, unit_revenue_k
from aiecosim.model.kernels.events import event_rows, thinned_rows
from aiecosim.model.kernels.market import arrivals_within, as_float32
from aiecosim.model.kernels.places import draw_places
from aiecosim.model.kernels.startup_month import (
    choosers_by_place,
    compete_pay_exit,
    found_firms,
    segment_pulls,
)

F32 = np.float32
NO_ROWS = np.zeros(0, dtype=np.int64)


class StartupPopulation(mesa.Agent):
    """All startups as arrays, one row per firm; rows of exited firms are reused by entrants.

    Each row has a ``kind`` (see ``market_terms.Terms``), a ``segment`` and a ``place`` (its
    jurisdiction, whose deployer rules, API access and public compute it has). Segments'
    users are shared by firms from every jurisdiction. The arrays grow when entrants outnumber
    free rows, so no pool bounds the population.
    """

    def __init__(self, model: mesa.Model) -> None:
        super().__init__(model)
        p = model.scenario.populations.startups
        self.params = p
        self.market = market = MarketTerms(p, len(model.scenario.labs))
        self.n_labs, self.n_open, self.empty = market.n_labs, market.n_open, market.empty
        firms = p.segments * p.initial_per_segment
        self.kind = np.zeros(firms, dtype=np.int8)  # a placeholder until month 1's choice
        self.segment = np.repeat(np.arange(p.segments, dtype=np.int32), p.initial_per_segment)
        self.users = np.zeros(firms, dtype=F32)
        self.cash = np.full(firms, p.starting_cash_usd_k, dtype=F32)
        self.taste = model.rng.logistic(size=firms).astype(F32)  # fixed taste for open weights
        self.place_shares = np.array(model.scenario.population_shares())
        self.places = places = self.place_shares.size
        self.place = draw_places(model.rng, self.place_shares, firms).astype(np.int8)
        self.active_by_place = np.bincount(self.place, minlength=places)
        self.pending = np.ones(firms, dtype=bool)  # founded, base not chosen yet
        self.firms_at_start = firms  # rows 0..firms-1 start at their share of users
        self.starting = bool(firms)  # until month 1's firms have taken their share of users
        self.free = np.zeros(0, dtype=np.intp)  # empty rows, as the month's exits leave them
        self.self_hosted = np.zeros(0, dtype=F32)  # users of firms on public weights
        self.kind_counts = np.bincount(self.kind, minlength=market.kinds)
        self.kind_users = np.zeros(market.kinds)
        self.entrants = np.zeros(0, dtype=np.intp)  # rows founded this month
        self.segment_pull: np.ndarray | None = None  # each segment's pull, last month
        self.active, self.open_count, self.entered = firms, 0, 0
        self.at_limit = False  # entry was stopped at max_firms this month
        self.premiums_usd_bn = self.public_compute_usd_bn = self.value_usd_bn = 0.0
        self.premiums_by_place = np.zeros(self.places)
        self.serving_cost_usd_bn = 0.0

    # ---------------------------------------------------------------------------------- step
    def step(self) -> None:
        """One month: enter, choose a base, compete for users, pay costs, exit."""
        terms = self.market.month(self.model)
        if self.starting:  # the first month: firms at the start pick their bases
            self.choose_base(terms, NO_ROWS)
        self.enter(terms)
        reconsider, exits = self.draw_fates()
        self.choose_base(terms, reconsider)
        self.compete_pay_exit(terms, exits)

    # -------------------------------------------------------------------------------- phases
    def enter(self, terms: Terms) -> None:
        """Potential startups arrive in each segment, more where an entrant expects profit."""
        p = self.params
        if self.segment_pull is None:  # the first month: the firms at the start, as chosen
            self.segment_pull = np.bincount(self.segment, weights=terms.weight.take(self.kind),
                                            minlength=p.segments)
        # Entrants see the segments as last month's competition left them.
        # Arrivals per (jurisdiction, segment): each jurisdiction's potential startups arrive in
        # proportion to its population share, at the rate its own terms imply.
        weight, subsidy = self.mean_segment_weight(terms), self.subsidy_each()
        rates, best = zip(*(self.market.entry_rates(terms, j, self.segment_pull, weight,
                                                    subsidy[j]) for j in range(self.places)))
        rate = np.array(rates) * self.place_shares[:, None]
        room = max(p.max_firms - self.active, 0)
        arrivals, self.at_limit = arrivals_within(self.model.rng, rate, room)
        self.entered = count = int(arrivals.sum())
        self.entrants = rows = self.free_rows(count)
        if not count:
            return
        # Founded on the best base its jurisdiction offers; each firm chooses next.
        found_firms(rows, arrivals, p.segments, self.model.rng.logistic(size=count),
                    np.array(best, dtype=self.kind.dtype), F32(p.starting_cash_usd_k),
                    self.segment, self.place, self.taste, self.cash, self.users, self.pending,
                    self.kind)

    def draw_fates(self) -> tuple[np.ndarray, np.ndarray]:
        """This month's rare events by row (kernels.events): the firms that reconsider their
        base, switching or about to exit, and among them those that exit whatever their cash
        (``exit_hazard`` of the ``exit_hazard + switch_rate`` that reconsider)."""
        p, rng = self.params, self.model.rng
        rate = min(p.exit_hazard + p.switch_rate, 1.0)  # chances, so at most 1 each
        reconsider = event_rows(rng, rate, self.kind.size)
        if not reconsider.size:
            return reconsider, reconsider
        exit_share = min(p.exit_hazard, 1.0) / rate
        return reconsider, reconsider[rng.random(reconsider.size) < exit_share]

    def choose_base(self, terms: Terms, reconsider: np.ndarray) -> None:
        """New firms pick a base; others reconsider now and then, or when theirs is gone."""
        kind, empty = self.kind, self.empty
        stranded = ~np.isfinite(terms.offer)  # a cut API, a base not on offer, an export ban
        stranded[:, empty:] = False
        any_stranded = bool(self.kind_counts[stranded.any(axis=0)].any())  # someone may be
        user_cap = terms.user_cap
        check_cap = bool(self.users.size) and float(user_cap.min()) < float(self.users.max())
        rows, starts = choosers_by_place(kind, self.pending, self.users, reconsider, self.place,
                                         empty, stranded, any_stranded, user_cap, check_cap,
                                         self.places)
        if not rows.size:
            return
        picks = self.model.rng.random(rows.size, dtype=F32)  # each chooser's uniform
        weight, subsidy = self.mean_segment_weight(terms), self.subsidy_each()
        for place in range(self.places):
            group = slice(starts[place], starts[place + 1])
            chooser = rows[group]
            if chooser.size:
                kind[chooser] = self.market.choose(terms, place, weight, subsidy[place],
                                                   self.taste[chooser], picks[group])
        self.pending[rows] = False

    def compete_pay_exit(self, terms: Terms, exits: np.ndarray) -> None:
        """Firms in a segment share its users by the pull of their products; users move toward
        each firm's share; an API's change of terms costs its customers users. Then revenue
        less compute, premium and fixed costs, public compute paying part of the compute bill
        (up to an equal share of the pool each); firms out of cash leave, and a few leave for
        other reasons. One compiled pass over the firms (kernels.startup_month)."""
        p, kind = self.params, self.kind
        member = terms.member
        weight = member[MEMBER["weight"]]
        self.segment_pull = pull = segment_pulls(self.segment, kind, weight, p.segments)
        subsidy_each = self.subsidy_each()
        subsidised = subsidy_each.max() > 0.0
        covered = np.empty(kind.size if subsidised else 0, dtype=F32)
        risk = member[MEMBER["platform_risk"]]
        largest = float(risk.max())  # candidates for a change of terms at the largest risk
        shock_rows, shock_u = thinned_rows(self.model.rng, largest, kind.size)
        (counts, users_by_cell, self.active_by_place, hosted, hosting, free,
         freed) = compete_pay_exit(
            kind, self.segment, self.place, self.users, self.cash,
            self.firms_at_start if self.starting else 0, self.entrants, exits, shock_rows,
            shock_u, largest, pull, weight, risk, member[MEMBER["fixed"]],
            terms.member_margin, as_float32(terms.compute_per_user),
            as_float32(terms.own_compute), subsidy_each.astype(F32), covered, F32(terms.demand),
            F32(p.entrant_users_share), F32(p.user_growth_rate), F32(1.0 - p.platform_loss),
            self.empty, self.market.kinds, self.places, self.n_open)
        self.self_hosted, self.free = hosted[:hosting], free[:freed]
        self.starting = False  # firms at the start hold their share of users from month 1
        self.public_compute_usd_bn = float(covered.sum(dtype=np.float64)) / 1e6 \
            if subsidised else 0.0
        self.count_month(terms, counts, users_by_cell.reshape(self.places, -1))

    # ------------------------------------------------------------------------------ helpers
    def mean_segment_weight(self, terms: Terms) -> float:
        """Total pull of the firms in a typical segment, from last month's count of firms by
        kind. Before anyone has chosen a base (the first month), firms are taken to pull as the
        best product does."""
        if self.starting:
            return float(self.active) / self.params.segments
        return float(np.dot(self.kind_counts, terms.weight)) / self.params.segments

    def subsidy_each(self) -> np.ndarray:
        """Each jurisdiction's public compute per firm of its own (index = place)."""
        pools = np.array([regulator.startup_pool_k for regulator in self.model.regulators])
        return pools / np.maximum(self.active_by_place, 1)

    def free_rows(self, count: int) -> np.ndarray:
        """Indices of ``count`` empty rows, growing the arrays when too few are free."""
        free = self.free  # as last month's exits left them
        if free.size < count:
            grow = max(count - free.size, self.kind.size // 2)
            start = self.kind.size
            filler = {"kind": self.empty, "segment": 0, "place": 0, "users": 0.0, "cash": 0.0,
                      "taste": 0.0, "pending": False}
            for name, value in filler.items():
                column = getattr(self, name)
                setattr(self, name, np.concatenate([column, np.full(grow, value,
                                                                    dtype=column.dtype)]))
            free = np.concatenate([free, np.arange(start, start + grow)])
        return free[:count]

    # ------------------------------------------------------------------------------- totals
    def count_month(self, terms: Terms, kind_counts: np.ndarray,
                    users_by_place: np.ndarray) -> None:
        """Month totals for the model's metrics, from the firms by kind and the users by
        (jurisdiction, kind) the month's pass counted."""
        p = self.params
        self.kind_counts = kind_counts
        self.active = int(kind_counts.sum() - kind_counts[self.empty])
        self.open_count = int(kind_counts[:self.n_open].sum())
        self.kind_users = users_by_place.sum(axis=0)
        revenue = users_by_place * unit_revenue_k(p)
        self.premiums_by_place = np.array([float(np.dot(premium, place_revenue)) / 1e6
                                           for premium, place_revenue in zip(terms.premium,
                                                                             revenue)])
        self.premiums_usd_bn = float(self.premiums_by_place.sum())
        self.serving_cost_usd_bn = float(np.dot(terms.resource_per_user, self.kind_users)) / 1e9
        self.value_usd_bn = float(self.kind_users.sum()) * p.value_per_user_usd / 1e9

    @property
    def open_share(self) -> float:
        return self.open_count / self.active if self.active else 0.0

    @property
    def provider_users(self) -> np.ndarray:
        """Users of each lab's API, through startups."""
        return self.kind_users[self.n_open:self.empty]

    @property
    def open_users_by_origin(self) -> np.ndarray:
        """Users of startups on each origin's public weights (index = lab; last: earlier)."""
        return self.kind_users[:self.n_open]

    def self_hosted_users(self) -> np.ndarray:
        """Users of each firm on public weights (its own provider), in row order."""
        return self.self_hosted
