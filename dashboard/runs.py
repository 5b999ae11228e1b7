"""Simulations for the dashboard: each (scenario digest, seed) is computed once per server.

Runs go to a small pool of worker processes so several seeds use several cores and the web
server's threads stay responsive. Finished runs are kept in memory, and a run already being
computed for one request is awaited by any other request that needs it, so twenty visitors
asking for the same world cost one set of runs, and moving a lever back costs nothing.
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
import threading
import time
from collections import OrderedDict
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Iterable

import polars as pl

from aiecosim.model import Scenario

MAX_CACHED_RUNS = 4000  # a 120-month run is about 30 kB: at most about 120 MB


def _prepare_worker(parent: int) -> None:
    """Worker initializer: import the model now (mesa takes seconds), and leave when the server
    goes, even if it was killed without cleaning up."""
    from aiecosim.model.simulate import simulate  # noqa: F401  (the function, not the module)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(0)

    threading.Thread(target=watch, daemon=True).start()


def _simulate(scenario: Scenario, seed: int) -> pl.DataFrame:
    from aiecosim.model.simulate import simulate

    return simulate(scenario, seed=seed)


class RunCache:
    """Cached, deduplicated simulations on a process pool.

    Args:
        workers: processes in the pool (default: one per core).
    """

    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers or os.cpu_count() or 1
        # Re-entrant: a future that finishes at once runs its callback in the submitting thread.
        self._lock = threading.RLock()
        self._done: OrderedDict[tuple[str, int], pl.DataFrame] = OrderedDict()
        self._pending: dict[tuple[str, int], Future] = {}
        self._pool: ProcessPoolExecutor | None = None

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            # spawn, not fork: polars deadlocks in a child forked from a process that used it.
            self._pool = ProcessPoolExecutor(self.workers,
                                             mp_context=multiprocessing.get_context("spawn"),
                                             initializer=_prepare_worker, initargs=(os.getpid(),))
        return self._pool

    def start(self) -> Future:
        """Start the worker processes now, rather than on the first visitor's request.

        Returns a future that is done once the pool (its processes and its feeder threads)
        is up.
        """
        with self._lock:
            return self._executor().submit(int, 0)

    def _finish(self, key: tuple[str, int], future: Future) -> None:
        with self._lock:
            self._pending.pop(key, None)
            if future.exception() is None:
                self._done[key] = future.result()
                while len(self._done) > MAX_CACHED_RUNS:
                    self._done.popitem(last=False)
            elif isinstance(future.exception(), BrokenProcessPool) and self._pool is not None:
                # A worker died (killed, out of memory): the next request starts a fresh pool.
                self._pool.shutdown(wait=False, cancel_futures=True)
                self._pool = None

    def submit(self, scenario: Scenario, seeds: Iterable[int]) -> list[Future]:
        """Futures of the runs of ``scenario`` for ``seeds``, reusing finished and running ones."""
        digest = scenario.digest()
        futures = []
        with self._lock:
            for seed in seeds:
                key = (digest, int(seed))
                if key in self._done:
                    self._done.move_to_end(key)
                    future: Future = Future()
                    future.set_result(self._done[key])
                elif key in self._pending:
                    future = self._pending[key]
                else:
                    future = self._executor().submit(_simulate, scenario, int(seed))
                    self._pending[key] = future
                    future.add_done_callback(lambda f, key=key: self._finish(key, f))
                futures.append(future)
        return futures

    @staticmethod
    def gather(seeds: Iterable[int], futures: list[Future]) -> pl.DataFrame:
        """Wait for ``futures`` (one per seed) and stack their months with a ``seed`` column."""
        return pl.concat([f.result().with_columns(pl.lit(int(seed)).alias("seed"))
                          for seed, f in zip(seeds, futures)])

    def runs(self, scenario: Scenario, seeds: Iterable[int]) -> pl.DataFrame:
        """All months of all ``seeds``, stacked, with a ``seed`` column."""
        seeds = [int(s) for s in seeds]
        return self.gather(seeds, self.submit(scenario, seeds))

    def cached(self, scenario: Scenario, seed: int) -> pl.DataFrame | None:
        """The finished run of ``scenario`` and ``seed``, or None."""
        with self._lock:
            return self._done.get((scenario.digest(), int(seed)))

    def close(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)


_shared: RunCache | None = None
_shared_lock = threading.Lock()


def shared() -> RunCache:
    """The server's one cache, created on first use and closed at exit."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = RunCache()
            atexit.register(_shared.close)
        return _shared
