"""The startups' month, member by member, as compiled loops (mechanism 5, downstream market).

Each loop does in one pass over the firms what ``agents.startups`` once did with a dozen numpy
calls: who reconsiders its base, each segment's pull, and then users, accounts, exits and the
month's counts. The rules are ``kernels.market``'s (``user_targets``, ``grow_users``,
``expected_margin``), written out per firm, in float32 where the population's arrays are, and
in the same order of operations, so each firm's numbers round exactly as the array version's.
Every constant comes in as an argument; none lives here.
"""

from __future__ import annotations

import numpy as np

from aiecosim.model.kernels.compiled import fused

# A segment's total pull is at least any of its firms' own; floored at float32's smallest
# normal number so a share never divides by zero (see kernels.market.user_targets).
PULL_FLOOR = float(np.finfo(np.float32).tiny)
BY_TASTE, API_ONLY, OPEN_ONLY = -1, 0, 1  # how firms pick open weights or an API (pick_kinds)


@fused
def pick_kinds(taste, u, noise, open_advantage, side, open_cumulative, api_cumulative, n_open):
    """Each choosing firm's kind: open weights or an API (``side``; ``BY_TASTE``: open when
    ``taste · noise + open_advantage > 0``, kernels.market.choose_open_base), then the option its
    uniform draw ``u`` falls on in that side's cumulative logit shares (kernels.market.
    pick_option: the first share above ``u``; -1 when the side offers nothing). API kinds start
    at ``n_open``. ``noise`` and ``open_advantage`` are float32, as ``taste`` is."""
    kinds = np.empty(taste.size, dtype=np.int16)
    for i in range(taste.size):
        goes_open = side == OPEN_ONLY or (side == BY_TASTE
                                          and taste[i] * noise + open_advantage > 0.0)
        cumulative = open_cumulative if goes_open else api_cumulative
        pick = -1
        if cumulative.size:
            draw = np.float64(u[i])
            pick = 0
            while pick < cumulative.size - 1 and cumulative[pick] <= draw:
                pick += 1
        kinds[i] = pick if goes_open else n_open + pick
    return kinds


@fused
def found_firms(rows, arrivals, segments, tastes, best_by_place, starting_cash, segment, place,
                taste, cash, users, pending, kind):
    """Write this month's entrants into their ``rows``, in place: ``arrivals[cell]`` firms per
    cell (``place * segments + segment``, in cell order), each with its ``tastes`` draw (float64,
    stored as float32), ``starting_cash``, no users yet, a base still to choose (``pending``)
    and, until it chooses, the best base its jurisdiction offers (``best_by_place``)."""
    r = 0
    for cell in range(arrivals.size):
        j = cell // segments
        for _ in range(arrivals[cell]):
            i = rows[r]
            segment[i] = cell % segments
            place[i] = j
            taste[i] = np.float32(tastes[r])
            cash[i] = starting_cash
            users[i] = 0.0
            pending[i] = True
            kind[i] = best_by_place[j]
            r += 1


@fused
def choosers_by_place(kind, pending, users, reconsider, place, empty, stranded, any_stranded,
                      user_cap, check_cap, places):
    """Rows of the firms that choose a base this month, grouped by jurisdiction (ascending
    within each), and where each jurisdiction's group starts (``starts[j]:starts[j + 1]``).

    A live firm chooses when it is new (``pending``), when it is among the rows that
    ``reconsider`` this month (switching, or about to exit; ``kernels.events``), when its base
    is not on offer to it (``stranded[place, kind]``), or when it has outgrown its base's
    licence (``user_cap``)."""
    n = kind.size
    chosen = np.zeros(n, dtype=np.bool_)
    for r in reconsider:
        chosen[r] = True
    counts = np.zeros(places + 1, dtype=np.int64)
    for i in range(n):
        k = kind[i]
        choose = chosen[i] | pending[i]
        if any_stranded:
            choose |= stranded[place[i], k]
        if check_cap:
            choose |= np.float64(users[i]) > user_cap[k]
        choose &= k != empty
        chosen[i] = choose
        if choose:  # rare: a branch, not an add to the same counter for every row
            counts[place[i] + 1] += 1
    starts = np.cumsum(counts)
    rows = np.empty(starts[places], dtype=np.int64)
    fill = starts[:places].copy()
    for i in range(n):
        if chosen[i]:
            j = place[i]
            rows[fill[j]] = i
            fill[j] += 1
    return rows, starts


@fused
def segment_pulls(segment, kind, weight_by_kind, segments):
    """Each segment's total pull: the sum of its firms' attraction (float64, in row order)."""
    pull = np.zeros(segments)
    for i in range(kind.size):
        pull[segment[i]] += weight_by_kind[kind[i]]
    return pull


@fused
def compete_pay_exit(kind, segment, place, users, cash, established_below, entrants,
                     exit_rows, shock_rows, shock_u, shock_largest, pull, weight_by_kind,
                     risk_by_kind, fixed_by_kind, margin, compute_by_kind, own_compute_by_kind,
                     subsidy_by_place, covered, demand, entrant_share, growth, kept_after_shock,
                     empty, kinds, places, n_open):
    """One month of every firm, in place: users move toward its share of its segment, revenue
    less costs (public compute covering part of the compute bill when ``covered`` has a row per
    firm), exits, then the month's counts. Rows below ``established_below`` (the firms at the
    start, in month 1) take their share of users at once.

    Random events arrive as rows, ascending (``kernels.events``): ``exit_rows`` leave whatever
    their cash; ``shock_rows`` are candidates for a change of an API's terms, at the largest
    risk of any kind (``shock_largest``), each kept with chance ``risk / shock_largest`` by its
    uniform ``shock_u`` (thinning).

    Float32 scalars (``demand``, ``entrant_share``, ``growth``, ``kept_after_shock``) keep the
    arithmetic in float32, as the population's arrays are.
    Returns firms by kind, users by (jurisdiction, kind) as a flat float64 array, live firms by
    jurisdiction, the users of each firm on public weights (kinds below ``n_open``, in row
    order) and the empty rows (ascending), each as a buffer and the count of its entries."""
    one = np.float32(1.0)
    per_pull = np.empty(pull.size, dtype=np.float32)
    for s in range(pull.size):
        per_pull[s] = one / np.float32(max(pull[s], PULL_FLOOR))
    for r in entrants:  # entrants start at a share of what they will grow toward
        users[r] = entrant_share * (weight_by_kind[kind[r]] * per_pull[segment[r]] * demand)
    subsidised = covered.size > 0
    kind_counts = np.zeros(kinds, dtype=np.int64)
    users_by_cell = np.zeros(places * kinds)
    live_by_place = np.zeros(places, dtype=np.int64)
    self_hosted = np.empty(kind.size, dtype=np.float32)
    free = np.empty(kind.size, dtype=np.int64)
    hosting = freed = 0
    n = kind.size
    exits = shocks = 0  # the next event row of each list, as a position in it
    next_exit = exit_rows[0] if exit_rows.size else n
    next_shock = shock_rows[0] if shock_rows.size else n
    for i in range(n):
        k, j = kind[i], place[i]
        target = weight_by_kind[k] * per_pull[segment[i]] * demand
        u = target if i < established_below else users[i]
        u = u + growth * (target - u)
        if i == next_shock:
            if shock_u[shocks] < np.float64(risk_by_kind[k]) / shock_largest:
                u = u * kept_after_shock
            shocks += 1
            next_shock = shock_rows[shocks] if shocks < shock_rows.size else n
        hazard = i == next_exit
        if hazard:
            exits += 1
            next_exit = exit_rows[exits] if exits < exit_rows.size else n
        c = cash[i] + u * margin[j, k]
        c = c - fixed_by_kind[k]
        if subsidised:
            bill = u * compute_by_kind[k] + own_compute_by_kind[k]
            cover = min(bill, subsidy_by_place[j])
            covered[i] = cover
            c = c + cover
        cash[i] = c
        if k != empty and (c < 0 or hazard):
            k = empty
            kind[i] = empty
            u = np.float32(0.0)
        users[i] = u
        kind_counts[k] += 1
        users_by_cell[j * kinds + k] += u
        # Without branches: free rows and kinds are mixed at random, so a branch on them would
        # be mispredicted often. Each row is written to the next slot, which only counts when
        # the row belongs there (entries past a count are never read).
        live = k != empty
        free[freed] = i
        freed += not live
        live_by_place[j] += live
        self_hosted[hosting] = u
        hosting += live and k < n_open
    return kind_counts, users_by_cell, live_by_place, self_hosted, hosting, free, freed
