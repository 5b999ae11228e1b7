"""Rare events drawn by skipping (kernels.events): the rows a uniform per row would pick, in
distribution, for a draw per event."""

from __future__ import annotations

import numpy as np
import pytest

from aiecosim.model.kernels import events
from aiecosim.model.kernels.events import event_rows, thinned_rows


@pytest.mark.parametrize("probability", [0.005, 0.025, 0.3])
def test_each_row_is_hit_with_the_probability_independently(probability):
    n, months = 40_000, 25
    rng = np.random.default_rng(11)
    hits = np.zeros(n)
    pairs = 0  # consecutive rows both hit: independence makes it p² of the pairs
    for _ in range(months):
        rows = event_rows(rng, probability, n)
        assert rows.dtype == np.int64 and rows.size and rows[0] >= 0 and rows[-1] < n
        assert np.all(np.diff(rows) > 0)  # ascending, each row once
        hits[rows] += 1
        pairs += int(np.sum(np.diff(rows) == 1))
    trials = n * months
    mean, sd = probability * trials, np.sqrt(trials * probability * (1 - probability))
    assert abs(hits.sum() - mean) < 5 * sd
    # No part of the rows is favoured: ten blocks each get their share.
    block = hits.reshape(10, -1).sum(axis=1)
    block_sd = np.sqrt(trials / 10 * probability * (1 - probability))
    assert np.all(np.abs(block - mean / 10) < 5 * block_sd)
    expected_pairs = (n - 1) * months * probability**2
    assert abs(pairs - expected_pairs) < 5 * np.sqrt(expected_pairs) + 5


def test_edges_and_short_batches(monkeypatch):
    rng = np.random.default_rng(0)
    assert event_rows(rng, 0.0, 100).size == 0
    assert event_rows(rng, 0.1, 0).size == 0
    assert np.array_equal(event_rows(rng, 1.0, 5), np.arange(5))
    # Gaps near int64's largest value (a tiny probability) must not overflow into a loop.
    assert event_rows(rng, 1e-300, 1_000_000).size == 0
    assert event_rows(rng, 1e-19, 10).size == 0
    # Batches too short to reach the last row draw more gaps; the rows are the same, since
    # the gaps come from the generator in order whatever the batch.
    whole = event_rows(np.random.default_rng(3), 0.02, 100_000)
    monkeypatch.setattr(events, "BATCH_SPREAD", -40.0)
    pieces = event_rows(np.random.default_rng(3), 0.02, 100_000)
    assert np.array_equal(pieces, whole)


def test_same_seed_same_rows():
    first = event_rows(np.random.default_rng(7), 0.03, 10_000)
    again = event_rows(np.random.default_rng(7), 0.03, 10_000)
    assert np.array_equal(first, again)


def test_thinning_gives_each_row_its_own_probability():
    n, largest = 200_000, 0.04
    risk = np.where(np.arange(n) % 2 == 0, largest, largest / 4)  # two kinds of row
    rows, u = thinned_rows(np.random.default_rng(5), largest, n)
    assert u.size == rows.size and np.all((u >= 0) & (u < 1))
    kept = rows[u < risk[rows] / largest]
    for parity, probability in ((0, largest), (1, largest / 4)):
        count = int(np.sum(kept % 2 == parity))
        mean = probability * n / 2
        assert abs(count - mean) < 5 * np.sqrt(mean)
