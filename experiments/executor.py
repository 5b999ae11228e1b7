"""Evaluate (scenario, seed) pairs: the one way the project runs many simulations at once.

``Executor.evaluate(pairs, progress=..., window=...)`` is the same call whichever backend
computes the runs (``experiments.backends``: in this process, a pool of spawned processes, or
Dask). Finished runs may be kept, keyed by (scenario digest, seed), and a run already being
computed is shared by every caller that asks for it meanwhile: the dashboard's views ask for
overlapping runs from many threads, and each is computed once per server.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from concurrent.futures import FIRST_COMPLETED, CancelledError, Future, wait
from typing import Callable, Iterable, Sequence

import polars as pl

from aiecosim.experiments.backends import make_backend
from aiecosim.model import Scenario

Pair = tuple[Scenario, int]
Key = tuple[str, int]
MAX_CACHED_RUNS = 4000  # a 120-month run is about 30 kB: at most about 120 MB
# The dashboard's cache is bounded by memory: runs of a long horizon, or of a design that stores
# more, are bigger, and a count would let them grow it without limit.
MAX_CACHED_BYTES = 256 * 1024 * 1024


def stack(frames: Sequence[pl.DataFrame], seeds: Sequence[int]) -> pl.DataFrame:
    """One frame of every seed's monthly series, with a leading ``seed`` column."""
    return pl.concat([frame.select(pl.lit(int(s), dtype=pl.Int64).alias("seed"), pl.all())
                      for frame, s in zip(frames, seeds)])


class Executor:
    """Runs of (scenario, seed) pairs on one backend, optionally cached.

    Args:
        backend: "in-process", "process-pool" or "dask".
        workers: processes of the pool or of the local Dask cluster (default: one per core).
        scheduler: address of an existing Dask scheduler (dask backend).
        client: an existing Dask client to use (dask backend; not closed by ``close``).
        cache: finished runs kept, least recently used dropped first; 0 keeps none.
        cache_bytes: also drop the least recently used runs while the kept frames take more
            memory than this (polars' estimate; 0: no bound by memory).

    Thread-safe. Usable as a context manager, which closes the backend on exit.
    """

    def __init__(self, backend: str = "in-process", *, workers: int | None = None,
                 scheduler: str | None = None, client=None, cache: int = 0,
                 cache_bytes: int = 0) -> None:
        self.backend_name = backend
        self._backend = make_backend(backend, workers, scheduler, client)
        self.max_cached = cache
        self.max_cached_bytes = cache_bytes
        self.cached_bytes = 0  # estimated size of the frames kept
        # Re-entrant: a run that is finished at once settles in the submitting thread.
        self._lock = threading.RLock()
        self._done: OrderedDict[Key, pl.DataFrame] = OrderedDict()
        self._pending: dict[Key, Future] = {}
        self.computed = 0  # runs handed to the backend
        self.hits = 0      # runs answered from the cache
        self.joined = 0    # runs answered by one already under way

    @property
    def workers(self) -> int:
        return self._backend.workers

    def start(self) -> Future:
        """Start the backend's workers now rather than on the first run; the future is done
        once they are up."""
        return self._backend.start()

    def evaluate(self, pairs: Iterable[Pair], *, progress: Callable[[int, int], None] | None = None,
                 window: int | None = None) -> list[pl.DataFrame]:
        """The frame of each (scenario, seed) pair, in order.

        Args:
            progress: called with (runs done, runs in all) as runs finish, in this thread; an
                exception it raises stops the evaluation, and pairs not yet submitted never run.
            window: at most this many of this call's runs in flight at once (default: all), so
                a long evaluation leaves room on the backend for other callers.

        A run that raises raises here, once its turn to be collected comes.
        """
        pairs = [(scenario, int(seed)) for scenario, seed in pairs]
        total, submitted, done = len(pairs), 0, 0
        futures: list[Future] = []
        waiting: dict[Future, int] = {}  # a future, and how many of the pairs it answers
        limit = max(1, window or total)
        while done < total:
            while submitted < total and len(waiting) < limit:
                future = self._future(*pairs[submitted])
                futures.append(future)
                submitted += 1
                if future.done() and future not in waiting:
                    future.result()
                    done += 1
                    if progress is not None:
                        progress(done, total)
                else:
                    waiting[future] = waiting.get(future, 0) + 1
            if not waiting:
                continue
            finished, _ = wait(list(waiting), return_when=FIRST_COMPLETED)
            for future in finished:
                future.result()
                done += waiting.pop(future)
            if progress is not None:
                progress(done, total)
        return [future.result() for future in futures]

    def run_seeds(self, scenario: Scenario, seeds: Iterable[int],
                  progress: Callable[[int, int], None] | None = None) -> pl.DataFrame:
        """Every seed's months of ``scenario``, stacked under a leading ``seed`` column."""
        seeds = [int(s) for s in seeds]
        return stack(self.evaluate([(scenario, s) for s in seeds], progress=progress), seeds)

    def submit(self, pairs: Iterable[Pair]) -> list[Future]:
        """Futures of the pairs' frames, without waiting; finished and running runs reused."""
        return [self._future(scenario, int(seed)) for scenario, seed in pairs]

    def cached(self, scenario: Scenario, seed: int) -> pl.DataFrame | None:
        """The finished run of ``scenario`` and ``seed`` if it is kept, else None."""
        with self._lock:
            return self._done.get((scenario.digest(), int(seed)))

    def in_flight(self) -> int:
        """Runs submitted and not yet finished."""
        with self._lock:
            return len(self._pending)

    def _future(self, scenario: Scenario, seed: int) -> Future:
        key = (scenario.digest(), seed)
        with self._lock:
            if key in self._done:
                self._done.move_to_end(key)
                self.hits += 1
                future: Future = Future()
                future.set_result(self._done[key])
                return future
            if key in self._pending:
                self.joined += 1
                return self._pending[key]
            placeholder: Future = Future()
            self._pending[key] = placeholder
            self.computed += 1
        # Outside the lock: the in-process backend computes the run right here.
        try:
            inner = self._backend.submit(scenario, seed)
        except BaseException as exc:  # e.g. a pool already shut down, or an interrupt
            self._settle(key, placeholder, None, exc)
            if not isinstance(exc, Exception):
                raise
        else:
            inner.add_done_callback(lambda f: self._finished(key, placeholder, f))
        return placeholder

    def _finished(self, key: Key, placeholder: Future, inner: Future) -> None:
        if inner.cancelled():
            self._settle(key, placeholder, None, CancelledError())
        elif inner.exception() is not None:
            self._settle(key, placeholder, None, inner.exception())
        else:
            self._settle(key, placeholder, inner.result(), None)

    def _settle(self, key: Key, placeholder: Future, frame: pl.DataFrame | None,
                error: BaseException | None) -> None:
        """Keep a finished run first, then wake its waiters: they may look it up at once."""
        with self._lock:
            self._pending.pop(key, None)
            if error is None and self.max_cached > 0 and key not in self._done:
                self._done[key] = frame
                self.cached_bytes += frame.estimated_size()
                while len(self._done) > self.max_cached or (
                        self.max_cached_bytes and self.cached_bytes > self.max_cached_bytes
                        and len(self._done) > 1):
                    _, dropped = self._done.popitem(last=False)
                    self.cached_bytes -= dropped.estimated_size()
        if error is None:
            placeholder.set_result(frame)
        else:
            placeholder.set_exception(error)

    def clear(self) -> None:
        """Forget the finished runs kept (runs under way are not affected)."""
        with self._lock:
            self._done.clear()
            self.cached_bytes = 0

    def close(self) -> None:
        self._backend.close()

    def __enter__(self) -> "Executor":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
