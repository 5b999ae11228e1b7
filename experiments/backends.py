"""Where a run is computed: in this process, on a pool of spawned processes, or on Dask.

Each backend turns one (scenario, seed) into a ``concurrent.futures.Future`` of its frame, so
the executor's caching and progress work the same whichever computes the runs. They all call
``run_one``, as the sweep's Dask workers do.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import ExitStack

import polars as pl

from aiecosim.model import Scenario

BACKENDS = ("in-process", "process-pool", "dask")


def run_one(scenario: Scenario, seed: int) -> pl.DataFrame:
    """The one run every backend and every sweep worker computes: ``simulate``, unchanged."""
    from aiecosim.model.simulate import simulate  # here: reading scenarios need not load mesa

    return simulate(scenario, seed=seed)


class InProcess:
    """Runs computed at once in the calling thread: no start-up cost, one core."""

    workers = 1

    def submit(self, scenario: Scenario, seed: int) -> Future:
        future: Future = Future()
        try:
            future.set_result(run_one(scenario, seed))
        except Exception as exc:
            future.set_exception(exc)
        return future

    def start(self) -> Future:
        future: Future = Future()
        future.set_result(0)
        return future

    def close(self) -> None:
        pass


def _prepare_worker(parent: int) -> None:
    """Pool initializer: import the model now (mesa takes seconds), and leave when the parent
    goes, even if it was killed without cleaning up."""
    from aiecosim.model.simulate import simulate  # noqa: F401  (the function, not the module)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(0)

    threading.Thread(target=watch, daemon=True).start()


class ProcessPool:
    """Runs on a pool of spawned worker processes, made on first use and replaced when broken.

    Spawn, not fork: polars deadlocks in a child forked from a process that used it.
    """

    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers or os.cpu_count() or 1
        self._lock = threading.Lock()
        self._pool: ProcessPoolExecutor | None = None
        self._broken: list[ProcessPoolExecutor] = []  # shut down by close(), from outside them

    def _current(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(self.workers,
                                             mp_context=multiprocessing.get_context("spawn"),
                                             initializer=_prepare_worker, initargs=(os.getpid(),))
        return self._pool

    def _submit(self, fn, *args) -> Future:
        with self._lock:
            pool = self._current()
            try:
                future = pool.submit(fn, *args)
            except BrokenProcessPool:  # broken before its failed futures could say so
                self._discard(pool)
                pool = self._current()
                future = pool.submit(fn, *args)
        future.add_done_callback(lambda f: self._check(pool, f))
        return future

    def submit(self, scenario: Scenario, seed: int) -> Future:
        return self._submit(run_one, scenario, seed)

    def start(self) -> Future:
        """Start the processes now; the future is done once the pool is up."""
        return self._submit(int, 0)

    def _check(self, pool: ProcessPoolExecutor, future: Future) -> None:
        """A worker died (killed, out of memory): the next run starts a fresh pool.

        Only forgotten here, not shut down: this runs in the broken pool's own thread, which
        holds the lock ``shutdown`` takes, and which ends the broken pool itself.
        """
        if not future.cancelled() and isinstance(future.exception(), BrokenProcessPool):
            with self._lock:
                if self._pool is pool:
                    self._pool = None
                    self._broken.append(pool)

    def _discard(self, pool: ProcessPoolExecutor) -> None:
        if self._pool is pool:
            self._pool = None
            pool.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        with self._lock:
            pools, self._pool, self._broken = [self._pool, *self._broken], None, []
        for pool in pools:
            if pool is not None:
                pool.shutdown(wait=False, cancel_futures=True)


class Dask:
    """Runs on a Dask cluster: a given client, the scheduler at an address, or a local cluster
    from ``experiments.cluster`` (closed with the backend)."""

    def __init__(self, workers: int | None = None, scheduler: str | None = None,
                 client=None) -> None:
        from aiecosim.experiments.cluster import dask_client

        self._stack = ExitStack()
        self.client = client or self._stack.enter_context(dask_client(workers, scheduler))
        self.workers = max(len(self.client.scheduler_info()["workers"]), 1)
        self._lock = threading.Lock()
        self._held: set = set()  # a Dask future that nobody holds is cancelled

    def submit(self, scenario: Scenario, seed: int) -> Future:
        out: Future = Future()
        task = self.client.submit(run_one, scenario, seed, pure=False)
        with self._lock:
            self._held.add(task)

        def settle(done) -> None:
            try:
                out.set_result(done.result())
            except BaseException as exc:  # the run's error, or Dask's (a killed worker)
                out.set_exception(exc)
            finally:
                with self._lock:
                    self._held.discard(done)

        task.add_done_callback(settle)
        return out

    def start(self) -> Future:
        future: Future = Future()
        future.set_result(self.workers)
        return future

    def close(self) -> None:
        self._stack.close()


def make_backend(name: str, workers: int | None = None, scheduler: str | None = None,
                 client=None):
    """The backend called ``name`` (one of ``BACKENDS``)."""
    if name == "in-process":
        return InProcess()
    if name == "process-pool":
        return ProcessPool(workers)
    if name == "dask":
        return Dask(workers, scheduler, client)
    raise ValueError(f"expected a backend among {', '.join(BACKENDS)}, found {name!r}")
