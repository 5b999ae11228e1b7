"""The compiled kernels against the numpy rules they fuse: the same numbers, bit for bit.

Each test builds a small random population (empty rows, several jurisdictions, kinds or routes
not on offer, banned actors) and compares a kernel's output with the array expressions the
month used before the loops were fused (kernels.market.user_targets and grow_users for
startups; kernels.misuse.choose_route and attack_success_probability for bad actors).
"""

from __future__ import annotations

import numpy as np
import pytest

from aiecosim.model.kernels.market import (
    choose_open_base,
    grow_users,
    option_cumulative,
    pick_option,
    user_targets,
)
from aiecosim.model.kernels.misuse import (
    API_ROUTE,
    attack_success_probability,
    choose_route,
    open_uplift_kept,
    strip_success,
)
from aiecosim.model.kernels.misuse_month import attempt_outcomes, attempters
from aiecosim.model.kernels.research import research_output
from aiecosim.model.kernels.research_month import groups_output
from aiecosim.model.kernels.startup_month import (
    API_ONLY,
    BY_TASTE,
    OPEN_ONLY,
    choosers_by_place,
    compete_pay_exit,
    found_firms,
    pick_kinds,
    segment_pulls,
)

F32 = np.float32
KINDS, EMPTY, SEGMENTS, PLACES, N_OPEN = 6, 5, 7, 2, 3


def population(seed: int, n: int = 400):
    rng = np.random.default_rng(seed)
    kind = rng.integers(0, KINDS, n).astype(np.int8)  # EMPTY (5) marks a free row
    return {
        "kind": kind,
        "segment": rng.integers(0, SEGMENTS, n).astype(np.int32),
        "place": rng.integers(0, PLACES, n).astype(np.int8),
        "users": (rng.random(n) * 1e4).astype(F32) * (kind != EMPTY),
        "cash": (rng.normal(200.0, 300.0, n)).astype(F32),
        "pending": rng.random(n) < 0.1,
        "draws": rng.random((2, n), dtype=F32),
        "weight": np.append(rng.random(KINDS - 1), 0.0).astype(F32),
        "rng": rng,
    }


@pytest.mark.parametrize("seed", range(5))
def test_segment_pulls_equal_bincount(seed):
    p = population(seed)
    expected = np.bincount(p["segment"], weights=p["weight"].take(p["kind"]), minlength=SEGMENTS)
    got = segment_pulls(p["segment"], p["kind"], p["weight"], SEGMENTS)
    assert np.array_equal(got, expected)


@pytest.mark.parametrize("seed", range(5))
def test_found_firms_equals_the_array_rules(seed):
    """Entrants written row by row land as the array assignments wrote them (cells in order,
    place * segments + segment); rows that nobody founds are left as they were."""
    p = population(seed)
    rng = p["rng"]
    arrivals = rng.poisson(0.4, PLACES * SEGMENTS)
    count = int(arrivals.sum())
    rows = rng.permutation(p["kind"].size)[:count]
    tastes, best = rng.logistic(size=count), np.array([2, 4], dtype=np.int8)
    columns = ("segment", "place", "cash", "users", "pending", "kind")
    expected = {name: p[name].copy() for name in columns}
    taste = rng.logistic(size=p["kind"].size).astype(F32)
    expected["taste"] = taste.copy()
    cell = np.repeat(np.arange(arrivals.size), arrivals)
    expected["segment"][rows] = (cell % SEGMENTS).astype(np.int32)
    expected["place"][rows] = cell // SEGMENTS
    expected["taste"][rows] = tastes
    expected["cash"][rows] = 150.0
    expected["users"][rows] = 0.0
    expected["pending"][rows] = True
    expected["kind"][rows] = best.take(expected["place"][rows])
    got = {name: p[name].copy() for name in columns}
    got["taste"] = taste.copy()
    found_firms(rows, arrivals, SEGMENTS, tastes, best, F32(150.0), got["segment"],
                got["place"], got["taste"], got["cash"], got["users"], got["pending"],
                got["kind"])
    assert count > 0
    for name, column in expected.items():
        assert column.dtype == got[name].dtype and np.array_equal(got[name], column), name


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("stranded_kind", [None, 2])
def test_choosers_are_the_masked_rows_grouped_by_place(seed, stranded_kind):
    p = population(seed)
    kind, users, place = p["kind"], p["users"], p["place"]
    stranded = np.zeros((PLACES, KINDS), dtype=bool)
    if stranded_kind is not None:
        stranded[1, stranded_kind] = True
    user_cap = np.array([np.inf, 5e3, np.inf, np.inf, 8e3, np.inf])
    reconsider = np.flatnonzero(p["draws"][0] < 0.07)  # empty rows among them too
    rows, starts = choosers_by_place(kind, p["pending"], users, reconsider, place, EMPTY,
                                     stranded, stranded.any(), user_cap, True, PLACES)
    alive = kind != EMPTY
    choosing = alive & (np.isin(np.arange(kind.size), reconsider) | p["pending"])
    choosing |= alive & stranded[place, kind]
    choosing |= alive & (users > user_cap.take(kind))
    for j in range(PLACES):
        assert np.array_equal(rows[starts[j]:starts[j + 1]],
                              np.flatnonzero(choosing & (place == j)))
    assert starts[-1] == choosing.sum() > 0
    assert (kind[reconsider] == EMPTY).any()  # and those were left out


def numpy_month(p, pull, entrants, established, margin, subsidy, demand, share, growth,
                kept, hazard, risk, fixed, compute, own):
    """The startups' compete, pay, exit and counts as array expressions (the rules before
    fusion), on copies. ``hazard`` is the mask of rows whose exit event fell this month; a
    row's platform shock falls when its uniform ``p["draws"][1]`` is below its kind's risk."""
    kind, users, cash = p["kind"].copy(), p["users"].copy(), p["cash"].copy()
    segment, place, draws = p["segment"], p["place"], p["draws"]
    weight = p["weight"].take(kind)
    target = user_targets(demand, weight, segment, pull)
    users[entrants] = share * target[entrants]
    users[established] = target[established]
    grow_users(users, target, growth)
    users[draws[1] < risk.take(kind)] *= F32(kept)
    cash += users * margin[place, kind]
    cash -= fixed.take(kind)
    covered = None
    if subsidy.max() > 0.0:
        bill = users * compute.take(kind) + own.take(kind)
        covered = np.minimum(bill, subsidy.take(place))
        cash += covered
    leaving = (kind != EMPTY) & ((cash < 0) | hazard)
    kind[leaving] = EMPTY
    users[leaving] = 0.0
    counts = np.bincount(kind, minlength=KINDS)
    cells = np.bincount(place.astype(np.intp) * KINDS + kind, weights=users,
                        minlength=PLACES * KINDS)
    live = np.bincount(place[kind != EMPTY], minlength=PLACES)
    return kind, users, cash, covered, counts, cells, live


@pytest.mark.parametrize("seed", range(6))
def test_compete_pay_exit_equals_the_array_rules(seed):
    p = population(seed)
    rng, n = p["rng"], p["kind"].size
    p["kind"][p["segment"] == 0] = EMPTY  # an empty segment: its pull is floored, not 0
    p["users"][p["segment"] == 0] = 0.0
    pull = segment_pulls(p["segment"], p["kind"], p["weight"], SEGMENTS)
    assert pull[0] == 0.0
    entrants = np.flatnonzero(rng.random(n) < 0.05)
    established_below = n // 3 if seed % 2 else 0  # month 1: the firms at the start
    established = np.arange(n) < established_below
    margin = rng.normal(0.02, 0.01, (PLACES, KINDS)).astype(F32)
    subsidy = (np.array([0.0, 30.0]) if seed % 3 else np.zeros(PLACES)).astype(F32)
    risk = np.array([0, 0, 0, 0.05, 0.05, 0], dtype=F32)
    fixed = np.array([60, 60, 60, 40, 40, 0], dtype=F32)
    compute = np.array([0.004, 0.003, 0.0, 0.006, 0.007, 0], dtype=F32)
    own = np.array([20, 20, 20, 0, 0, 0], dtype=F32)
    demand, share, growth, kept = 3.1e5, 0.2, 0.35, 0.9
    hazard = p["draws"][0] < 0.015
    # Shocks as thinned candidates: every row is a candidate at the largest risk (0.05) whose
    # uniform is its draw scaled up, so a candidate is kept exactly when its draw is below its
    # kind's risk, as the array rule has it.
    largest = float(risk.max())
    candidates = np.flatnonzero(p["draws"][1] < largest)
    shock_u = p["draws"][1][candidates].astype(np.float64) / largest
    expected = numpy_month(p, pull, entrants, established, margin, subsidy, demand, share,
                           growth, kept, hazard, risk, fixed, compute, own)
    kind, users, cash = p["kind"].copy(), p["users"].copy(), p["cash"].copy()
    covered = np.empty(n if subsidy.max() > 0 else 0, dtype=F32)
    counts, cells, live, hosted, hosting, free, freed = compete_pay_exit(
        kind, p["segment"], p["place"], users, cash, established_below, entrants,
        np.flatnonzero(hazard), candidates, shock_u, largest, pull, p["weight"], risk, fixed,
        margin, compute, own, subsidy, covered, F32(demand), F32(share), F32(growth), F32(kept),
        EMPTY, KINDS, PLACES, N_OPEN)
    e_kind, e_users, e_cash, e_covered, e_counts, e_cells, e_live = expected
    assert np.array_equal(kind, e_kind)
    assert np.array_equal(users, e_users)
    assert np.array_equal(cash, e_cash)
    assert np.array_equal(counts, e_counts)
    assert np.array_equal(cells, e_cells)
    assert np.array_equal(live, e_live)
    assert np.array_equal(hosted[:hosting], e_users[e_kind < N_OPEN])
    assert np.array_equal(free[:freed], np.flatnonzero(e_kind == EMPTY))
    if e_covered is not None:
        assert np.array_equal(covered, e_covered)
    assert (kind == EMPTY).sum() > (p["kind"] == EMPTY).sum()  # some firms left


# ------------------------------------------------------------------------------- bad actors
LABS = 3


def actors(seed: int, n: int = 600):
    rng = np.random.default_rng(seed)
    skill = (rng.lognormal(0.0, 0.5, n)).astype(F32)
    return {
        "rng": rng, "place": rng.integers(0, PLACES, n).astype(np.int8),  # as the population's
        "tier": rng.integers(0, 3, n).astype(np.int8), "skill": skill,
        "evasion": (1.0 / (1.0 + 0.3 * skill)).astype(F32),
        "resources": rng.lognormal(5.0, 1.5, n),
        "banned_until": np.where(rng.random(n) < 0.1, 12, 0).astype(np.int32),
    }


@pytest.mark.parametrize("seed", range(5))
def test_attempters_are_the_masked_rows(seed):
    a = actors(seed)
    draw = a["rng"].random(a["place"].size, dtype=F32)
    p_attempt, joined = np.array([0.3, 0.05]), np.array([True, False, True])
    expected = np.flatnonzero((draw < p_attempt.take(a["place"])) & joined[a["tier"]])
    got = attempters(draw, a["place"], p_attempt, a["tier"], joined)
    assert np.array_equal(got, expected) and got.size > 0


def numpy_outcomes(a, who, u, monitoring, api_gain_by_place, month, strip_cost, share,
                   open_uplift, api_lab_by_place, lab_place, blocked, defense, harm_scale):
    """The attempts as the array rules of kernels.misuse play them (before fusion)."""
    place = a["place"][who]
    banned = a["banned_until"].copy()
    detect = monitoring.take(place) * a["evasion"][who]
    api_gain = api_gain_by_place.take(place)
    api_expected = api_gain * (1.0 - detect)
    api_expected[banned[who] > month] = 0.0
    kept = open_uplift_kept(strip_success(a["resources"][who], strip_cost), share)
    route, uplift = choose_route(F32(open_uplift) * kept, api_expected, api_gain)
    api_lab = api_lab_by_place.take(place)
    mark_place = np.where(route == API_ROUTE, lab_place.take(np.maximum(api_lab, 0)), place)
    block = blocked[mark_place, route].astype(F32)
    p_success = attack_success_probability(uplift, a["skill"][who], defense, block)
    succeeded = u[0] < p_success
    detected = (route == API_ROUTE) & (u[1] < detect)
    banned[who[detected]] = month + 6
    per_incident = uplift * harm_scale
    attempts = np.bincount(route, minlength=3)
    attempts[0] = 0
    incidents = np.bincount(route[succeeded], minlength=3)
    incidents[0] = 0
    harm = np.bincount(route[succeeded], weights=per_incident[succeeded], minlength=3)
    harm[0] = 0.0
    by_api = route == API_ROUTE
    hit = by_api & succeeded
    return (attempts, incidents, harm, int(detected.sum()),
            int((lab_place.take(api_lab[by_api]) != place[by_api]).sum()),
            np.bincount(api_lab[hit], weights=per_incident[hit], minlength=LABS),
            np.bincount(api_lab[by_api], minlength=LABS)), banned


@pytest.mark.parametrize("seed", range(6))
def test_attempt_outcomes_equal_the_array_rules(seed):
    a = actors(seed)
    rng = a["rng"]
    who = np.flatnonzero(rng.random(a["place"].size) < 0.4)
    u = rng.random((2, who.size), dtype=F32)
    monitoring = np.array([0.6, 0.3], dtype=F32)
    api_gain = np.array([0.8, 0.5] if seed % 3 else [0.8, 0.0], dtype=F32)
    api_lab_by_place = np.array([0, 2] if seed % 3 else [0, -1])
    lab_place = np.array([0, 0, 1])
    blocked = np.array([[0.0, 0.1, 0.3], [0.0, 0.0, 0.2]]) if seed % 2 else np.zeros((2, 3))
    open_uplift = 0.0 if seed == 4 else 1.1
    args = (a, who, u, monitoring, api_gain, 10, 200.0, F32(0.05), F32(open_uplift),
            api_lab_by_place, lab_place, blocked, F32(1.7), F32(0.02))
    expected, expected_banned = numpy_outcomes(*args)
    banned = a["banned_until"].copy()
    got = attempt_outcomes(who, a["place"], u[0], u[1], monitoring, a["evasion"], api_gain,
                           banned, 10, 16, a["resources"], 200.0, F32(0.05), F32(open_uplift),
                           api_lab_by_place, lab_place, blocked, a["skill"], F32(1.7),
                           F32(0.02), LABS)
    for mine, theirs in zip(got, expected):
        assert np.array_equal(mine, theirs), (mine, theirs)
    assert np.array_equal(banned, expected_banned)
    assert got[0].sum() > 0 and got[1].sum() > 0  # attempts made, some succeeded


# -------------------------------------------------------------------------------- academics
@pytest.mark.parametrize("seed", range(4))
def test_groups_output_equals_research_output(seed):
    rng = np.random.default_rng(seed)
    n = 500
    productivity = np.exp(0.5 * rng.standard_normal(n) - 0.125).astype(F32)
    compute_k = (40.0 * np.exp(rng.standard_normal(n))).astype(F32)
    place = rng.integers(0, PLACES, n)
    is_safety = rng.random(n) < 0.2
    subsidy = np.array([0.0, 12.5] if seed % 2 else [0.0, 0.0], dtype=F32)
    noise = rng.random(n, dtype=F32)
    access = np.where(is_safety, F32(0.55), F32(0.8))
    expected = research_output(productivity, compute_k, subsidy.take(place), access, 40.0, noise)
    got = groups_output(productivity, compute_k, subsidy, place, is_safety, F32(0.55), F32(0.8),
                        40.0, noise)
    assert got.dtype == expected.dtype == F32
    assert np.array_equal(got, expected)


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("side", [BY_TASTE, OPEN_ONLY, API_ONLY])
def test_pick_kinds_follows_choose_open_base_and_pick_option(seed, side):
    rng = np.random.default_rng(seed)
    n, n_open, noise = 800, 4, 35.0
    taste = rng.logistic(size=n).astype(F32)
    u = rng.random(n, dtype=F32)
    open_margins = np.array([12.0, -np.inf, 30.0, 29.0])
    api_margins = np.array([25.0, -np.inf, 40.0]) if seed % 2 else np.full(3, -np.inf)
    advantage = float(open_margins.max() - api_margins.max()) if seed % 2 else 0.0
    got = pick_kinds(taste, u, F32(noise), F32(advantage), side,
                     option_cumulative(open_margins, noise),
                     option_cumulative(api_margins, noise), n_open)
    goes_open = np.full(n, side == OPEN_ONLY)
    if side == BY_TASTE:
        goes_open = choose_open_base(taste, advantage, noise)
    expected = np.empty(n, dtype=np.int16)
    expected[goes_open] = pick_option(u[goes_open], open_margins, noise)
    expected[~goes_open] = n_open + pick_option(u[~goes_open], api_margins, noise)
    assert np.array_equal(got, expected)
    assert 1 not in got  # an option not on offer is never picked
