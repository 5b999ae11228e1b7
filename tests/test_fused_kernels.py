"""The compiled kernels against the numpy rules they fuse: the same numbers, bit for bit.

Each test builds a small random population (empty rows, several jurisdictions, kinds not on
offer) and compares a kernel's output with the array expressions the startups' month used
before the loops were fused (kernels.market.user_targets, grow_users, bincount).
"""

from __future__ import annotations

import numpy as np
import pytest

from aiecosim.model.kernels.market import grow_users, user_targets
from aiecosim.model.kernels.startup_month import (
    choosers_by_place,
    compete_pay_exit,
    segment_pulls,
)

F32 = np.float32
KINDS, EMPTY, SEGMENTS, PLACES = 6, 5, 7, 2


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
@pytest.mark.parametrize("stranded_kind", [None, 2])
def test_choosers_are_the_masked_rows_grouped_by_place(seed, stranded_kind):
    p = population(seed)
    kind, users, draw, place = p["kind"], p["users"], p["draws"][0], p["place"]
    stranded = np.zeros((PLACES, KINDS), dtype=bool)
    if stranded_kind is not None:
        stranded[1, stranded_kind] = True
    user_cap = np.array([np.inf, 5e3, np.inf, np.inf, 8e3, np.inf])
    reconsider = F32(0.07)
    rows, starts = choosers_by_place(kind, p["pending"], users, draw, place, reconsider, EMPTY,
                                     stranded, stranded.any(), user_cap, True, PLACES)
    alive = kind != EMPTY
    choosing = alive & ((draw < 0.07) | p["pending"])
    choosing |= alive & stranded[place, kind]
    choosing |= alive & (users > user_cap.take(kind))
    for j in range(PLACES):
        assert np.array_equal(rows[starts[j]:starts[j + 1]],
                              np.flatnonzero(choosing & (place == j)))
    assert starts[-1] == choosing.sum() > 0


def numpy_month(p, pull, entrants, established, margin, subsidy, demand, share, growth,
                kept, hazard, risk, fixed, compute, own):
    """The startups' compete, pay, exit and counts as array expressions (the rules before
    fusion), on copies."""
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
    leaving = (kind != EMPTY) & ((cash < 0) | (draws[0] < hazard))
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
    established = (rng.random(n) < 0.3) if seed % 2 else np.zeros(n, dtype=bool)
    margin = rng.normal(0.02, 0.01, (PLACES, KINDS)).astype(F32)
    subsidy = (np.array([0.0, 30.0]) if seed % 3 else np.zeros(PLACES)).astype(F32)
    risk = np.array([0, 0, 0, 0.05, 0.05, 0], dtype=F32)
    fixed = np.array([60, 60, 60, 40, 40, 0], dtype=F32)
    compute = np.array([0.004, 0.003, 0.0, 0.006, 0.007, 0], dtype=F32)
    own = np.array([20, 20, 20, 0, 0, 0], dtype=F32)
    demand, share, growth, kept, hazard = 3.1e5, 0.2, 0.35, 0.9, 0.015
    expected = numpy_month(p, pull, entrants, established, margin, subsidy, demand, share,
                           growth, kept, hazard, risk, fixed, compute, own)
    kind, users, cash = p["kind"].copy(), p["users"].copy(), p["cash"].copy()
    covered = np.empty(n if subsidy.max() > 0 else 0, dtype=F32)
    counts, cells, live = compete_pay_exit(
        kind, p["segment"], p["place"], users, cash, established, entrants, p["draws"][0],
        p["draws"][1], pull, p["weight"], risk, fixed, margin, compute, own, subsidy, covered,
        F32(demand), F32(share), F32(growth), F32(kept), F32(hazard), EMPTY, KINDS, PLACES)
    e_kind, e_users, e_cash, e_covered, e_counts, e_cells, e_live = expected
    assert np.array_equal(kind, e_kind)
    assert np.array_equal(users, e_users)
    assert np.array_equal(cash, e_cash)
    assert np.array_equal(counts, e_counts)
    assert np.array_equal(cells, e_cells)
    assert np.array_equal(live, e_live)
    if e_covered is not None:
        assert np.array_equal(covered, e_covered)
    assert (kind == EMPTY).sum() > (p["kind"] == EMPTY).sum()  # some firms left
