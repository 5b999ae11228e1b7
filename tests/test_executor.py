"""The executor: one call for (scenario, seed) pairs, the same frames on every backend, each run
computed once when cached, progress to the end, and a pool that survives a dead worker."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from concurrent.futures.process import BrokenProcessPool

import polars as pl
import psutil
import pytest

from aiecosim.experiments.cluster import local_cluster
from aiecosim.experiments.executor import Executor, stack
from aiecosim.model import Scenario, simulate

SEEDS = [1, 2, 3]


@pytest.fixture(scope="module")
def short() -> Scenario:
    return Scenario.baseline().with_overrides({"steps": 12})


@pytest.fixture(scope="module")
def pairs(short) -> list[tuple[Scenario, int]]:
    other = short.with_overrides({"policy.liability.strength": 0.5})
    return [(short, s) for s in SEEDS] + [(other, s) for s in SEEDS[:2]]


@pytest.fixture(scope="module")
def expected(pairs) -> list[pl.DataFrame]:
    return [simulate(scenario, seed=seed) for scenario, seed in pairs]


def test_in_process_frames_are_the_simulations_and_stack_under_a_leading_seed(short, pairs,
                                                                               expected):
    with Executor("in-process") as executor:
        frames = executor.evaluate(pairs)
        stacked = executor.run_seeds(short, SEEDS)
    assert all(a.equals(b) for a, b in zip(frames, expected))
    assert stacked.columns[0] == "seed" and stacked["seed"].dtype == pl.Int64
    by_hand = pl.concat([simulate(short, seed=s).select(pl.lit(s, dtype=pl.Int64).alias("seed"),
                                                         pl.all()) for s in SEEDS])
    assert stacked.equals(by_hand) and stack(frames[:3], SEEDS).equals(by_hand)


@pytest.mark.timeout(120)
def test_a_process_pool_gives_the_same_frames(pairs, expected):
    with Executor("process-pool", workers=2) as executor:
        frames = executor.evaluate(pairs)
    assert all(a.equals(b) for a, b in zip(frames, expected))


@pytest.mark.timeout(120)
def test_dask_gives_the_same_frames_on_a_local_cluster_or_through_a_client(pairs, expected):
    with Executor("dask", workers=1) as executor:
        assert executor.workers == 1
        frames = executor.evaluate(pairs)
    assert all(a.equals(b) for a, b in zip(frames, expected))

    from distributed import Client

    with local_cluster(2) as cluster, Client(cluster, set_as_default=False) as client:
        assert cluster.scheduler_address.startswith("tcp://127.0.0.1:")
        with Executor("dask", client=client) as executor:
            assert executor.workers == 2
            frames = executor.evaluate(pairs, window=2)
        assert client.status == "running"  # a client it was given is not its to close
    assert all(a.equals(b) for a, b in zip(frames, expected))


def test_progress_reaches_the_total_and_can_stop_the_rest(pairs):
    seen: list[tuple[int, int]] = []
    with Executor("in-process") as executor:
        executor.evaluate(pairs, progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (len(pairs), len(pairs))
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)

    class Stop(Exception):
        pass

    def stop_after_two(done: int, total: int) -> None:
        if done == 2:
            raise Stop

    with Executor("in-process") as executor, pytest.raises(Stop):
        executor.evaluate(pairs, progress=stop_after_two, window=1)
    assert executor.computed == 2  # the pairs after the stop never ran


def test_a_cached_run_is_returned_without_recomputing(short, pairs):
    with Executor("in-process", cache=2) as executor:
        first = executor.evaluate(pairs[:2])
        again = executor.evaluate(pairs[:2])
        assert executor.computed == 2 and executor.hits == 2
        assert all(a is b for a, b in zip(first, again))
        assert executor.cached(short, 1) is first[0]
        executor.evaluate(pairs[2:3])  # a third run: the least recently used one goes
        assert executor.cached(short, 1) is None and executor.cached(short, 3) is not None
    with Executor("in-process") as executor:  # no cache: runs are not kept
        executor.evaluate(pairs[:1])
        executor.evaluate(pairs[:1])
        assert executor.computed == 2 and executor.cached(short, 1) is None


def test_the_cache_is_bounded_by_memory_as_well_as_by_count(short, pairs):
    one_run = Executor("in-process").evaluate(pairs[:1])[0].estimated_size()
    with Executor("in-process", cache=1000, cache_bytes=int(2.5 * one_run)) as executor:
        executor.evaluate(pairs[:3])  # three runs' frames would take 3x: the oldest goes
        assert executor.cached(short, 1) is None
        assert executor.cached(short, 2) is not None and executor.cached(short, 3) is not None
        assert executor.cached_bytes == 2 * one_run <= executor.max_cached_bytes
        executor.clear()
        assert executor.cached_bytes == 0


@pytest.mark.timeout(120)
def test_threads_asking_for_the_same_runs_share_them(pairs, expected):
    with Executor("process-pool", workers=2, cache=100) as executor:
        executor.start().result(timeout=90)
        results: list[list[pl.DataFrame]] = []
        threads = [threading.Thread(target=lambda: results.append(executor.evaluate(pairs)))
                   for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=90)
        assert executor.computed == len(pairs)  # each run once, however many asked
        assert executor.in_flight() == 0
    assert len(results) == 4
    assert all(a.equals(b) for frames in results for a, b in zip(frames, expected))


@pytest.mark.timeout(120)
def test_a_pool_whose_worker_died_is_replaced(short):
    long = short.with_overrides({"steps": 120})
    before = {p.pid for p in psutil.Process().children()}
    with Executor("process-pool", workers=1, cache=10) as executor:
        executor.start().result(timeout=90)
        running = executor.submit([(long, 1)])
        (worker,) = [p for p in psutil.Process().children()
                     if p.pid not in before and "spawn_main" in " ".join(p.cmdline())]
        worker.kill()
        with pytest.raises(BrokenProcessPool):
            running[0].result(timeout=60)
        assert executor.in_flight() == 0
        assert executor.evaluate([(short, 1)])[0].equals(simulate(short, seed=1))


WATCHED = """
import sys
from aiecosim.experiments.executor import Executor
executor = Executor("process-pool", workers=2)
executor.start().result(timeout=90)
print("ready", flush=True)
sys.stdin.read()
"""


@pytest.mark.timeout(120)
def test_pool_workers_leave_when_their_parent_is_killed():
    parent = subprocess.Popen([sys.executable, "-c", WATCHED], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert parent.stdout.readline().strip() == "ready"
        workers = [p for p in psutil.Process(parent.pid).children(recursive=True)
                   if "spawn_main" in " ".join(p.cmdline())]
        assert workers  # started on demand: at least the one that ran start()'s task
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait(10)
        _, alive = psutil.wait_procs(workers, timeout=20)
        assert not alive
    finally:
        parent.kill()


def test_an_unknown_backend_is_refused():
    with pytest.raises(ValueError, match="in-process, process-pool, dask"):
        Executor("threads")
