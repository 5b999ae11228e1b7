"""The dashboard server's one executor: every view's runs go through it.

A pool of spawned worker processes, so several seeds use several cores and the web server's
threads stay responsive, with finished runs kept in memory by (scenario digest, seed). A run
already being computed for one request is awaited by any other that needs it, so twenty
visitors asking for the same world cost one set of runs, moving a lever back costs nothing,
and a point of the policy map is a cached run in Explore (and the other way round).
"""

from __future__ import annotations

import atexit
import threading

from aiecosim.experiments.executor import MAX_CACHED_BYTES, MAX_CACHED_RUNS, Executor

_shared: Executor | None = None
_shared_lock = threading.Lock()


def shared() -> Executor:
    """The server's executor, created on first use and closed at exit."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = Executor("process-pool", cache=MAX_CACHED_RUNS,
                               cache_bytes=MAX_CACHED_BYTES)
            atexit.register(_shared.close)
        return _shared
