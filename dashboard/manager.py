"""The background-callback manager: Dash's diskcache manager, with jobs in spawned processes.

Dash starts each background job with ``multiprocess.Process``, which forks on Linux. A child
forked from the server hangs the first time it uses polars (its thread pool does not survive a
fork), and every simulation returns a polars frame. Spawned children start clean.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

import diskcache
from dash import DiskcacheManager


class SpawnDiskcacheManager(DiskcacheManager):
    """``DiskcacheManager`` whose jobs run in freshly spawned interpreters."""

    def call_job_fn(self, key, job_fn, args, context):
        import multiprocess  # Dash's own dependency for background callbacks; pickles closures

        process = multiprocess.get_context("spawn").Process(
            target=job_fn, args=(key, self._make_progress_key(key), args, context), daemon=True,
        )
        process.start()
        return process.pid


def make_manager(cache_dir: Path | None = None) -> SpawnDiskcacheManager:
    """A manager whose job results live in ``cache_dir``, or in a new temporary folder that is
    removed when the server exits."""
    if cache_dir is None:
        cache_dir = Path(tempfile.mkdtemp(prefix="aiecosim-dashboard-"))
        atexit.register(shutil.rmtree, cache_dir, ignore_errors=True)
    return SpawnDiskcacheManager(diskcache.Cache(str(cache_dir)))
