"""The background-callback manager: Dash's diskcache manager, with jobs in server threads.

Dash's own manager runs each background job in a new process, which cannot see the server's
executor and its cache of runs. Here a job runs in a thread of the server process instead, so
the policy map's runs go to the same pool and cache as Explore's. The job still reports
progress and its result through diskcache, as Dash expects. A thread cannot be killed: a
cancelled job stops at its next progress report, which raises ``JobCancelled``.

At most ``max_running`` jobs run at once; later ones wait their turn in order, showing a
"queued" progress report, so a burst of policy maps cannot take every run of the pool (a job
cancelled while it waits never starts).
"""

from __future__ import annotations

import atexit
import itertools
import shutil
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

import diskcache
from dash import DiskcacheManager


MAX_RUNNING_JOBS = 2  # one per worker of the shared run pool on a two-core server
QUEUE_POLL_SECONDS = 0.2  # how soon a queued job notices it was cancelled


def queued_progress(ahead: int) -> tuple[int, str]:
    """The progress report of a job waiting for its turn (the policy map's value and label)."""
    return 0, f"queued: {ahead} ahead"


class JobCancelled(Exception):
    """Raised by a cancelled job's progress report, to end the job's thread."""


@dataclass
class _Job:
    key: str
    thread: threading.Thread | None = None
    cancelled: threading.Event = field(default_factory=threading.Event)
    stopped: bool = False  # ended by JobCancelled rather than by finishing


_current = threading.local()  # the job the running thread works for


class ThreadDiskcacheManager(DiskcacheManager):
    """``DiskcacheManager`` whose jobs run in daemon threads of the server process."""

    def __init__(self, cache: diskcache.Cache, max_running: int = MAX_RUNNING_JOBS,
                 queued=queued_progress) -> None:
        super().__init__(cache)
        self._jobs: dict[int, _Job] = {}
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._turn = threading.Condition()
        self._waiting: list[int] = []  # job ids in the order they asked to run
        self._running = 0
        self.max_running = max_running
        self._queued = queued

    def make_job_fn(self, fn, progress, key=None):
        if not progress:
            return super().make_job_fn(fn, progress, key)

        def guarded(set_progress, *args, **kwargs):
            def report(value):
                job = getattr(_current, "job", None)
                if job is not None and job.cancelled.is_set():
                    job.stopped = True
                    raise JobCancelled()
                set_progress(value)

            return fn(report, *args, **kwargs)

        job_fn = super().make_job_fn(guarded, progress, key)
        job_fn.reports_progress = True  # its queued state can be shown
        return job_fn

    def call_job_fn(self, key, job_fn, args, context):
        job_id, job = next(self._ids), _Job(key)
        shows_progress = getattr(job_fn, "reports_progress", False)

        def work() -> None:
            _current.job = job
            try:
                if self._wait_for_turn(job_id, job, key if shows_progress else None):
                    try:
                        job_fn(key, self._make_progress_key(key), args, context)
                    finally:
                        self._end_turn()
                else:
                    job.stopped = True  # cancelled while queued: it never ran
            finally:
                if job.stopped:  # nobody will ask for its result: leave nothing behind
                    self.clear_cache_entry(key)
                    self.clear_cache_entry(self._make_progress_key(key))
                    with self._lock:
                        self._jobs.pop(job_id, None)

        job.thread = threading.Thread(target=work, name=f"dash-job-{job_id}", daemon=True)
        with self._lock:
            self._forget_finished()
            self._jobs[job_id] = job
        job.thread.start()
        return job_id

    def _wait_for_turn(self, job_id: int, job: _Job, progress_key_of: str | None) -> bool:
        """Block until fewer than ``max_running`` jobs run and none queued earlier waits;
        False if the job is cancelled first."""
        with self._turn:
            self._waiting.append(job_id)
            shown = None
            try:
                while True:
                    if job.cancelled.is_set():
                        return False
                    ahead = self._waiting.index(job_id) + max(
                        self._running - self.max_running + 1, 0)
                    if not ahead:
                        self._running += 1
                        return True
                    if progress_key_of is not None and ahead != shown:
                        self.handle.set(self._make_progress_key(progress_key_of),
                                        list(self._queued(ahead)))
                        shown = ahead
                    self._turn.wait(QUEUE_POLL_SECONDS)
            finally:
                self._waiting.remove(job_id)
                self._turn.notify_all()

    def _end_turn(self) -> None:
        with self._turn:
            self._running -= 1
            self._turn.notify_all()

    def queued_jobs(self) -> int:
        """Jobs waiting for their turn."""
        with self._turn:
            return len(self._waiting)

    def _forget_finished(self) -> None:
        """Drop jobs whose thread ended and whose result was collected (or never will be)."""
        for job_id, job in list(self._jobs.items()):
            if not job.thread.is_alive() and (job.cancelled.is_set() or job.key not in self.handle):
                del self._jobs[job_id]

    def _job(self, job) -> _Job | None:
        with self._lock:
            return self._jobs.get(int(job)) if job is not None else None

    def terminate_job(self, job) -> None:
        found = self._job(job)
        if found is not None:
            found.cancelled.set()

    def terminate_unhealthy_job(self, job) -> bool:
        if self._job(job) is not None and not self.job_running(job):
            self.terminate_job(job)
            return True
        return False

    def job_running(self, job) -> bool:
        """Alive, or finished with a result not yet read: a thread that ends between Dash's
        reading the result and asking this would otherwise count as cancelled."""
        found = self._job(job)
        if found is None:
            return False
        if found.thread.is_alive():
            return True
        return not found.cancelled.is_set() and found.key in self.handle

    def running_jobs(self) -> int:
        """Jobs whose thread is still working."""
        with self._lock:
            return sum(job.thread.is_alive() for job in self._jobs.values())


def make_manager(cache_dir: Path | None = None) -> ThreadDiskcacheManager:
    """A manager whose job results live in ``cache_dir``, or in a new temporary folder that is
    removed when the server exits."""
    if cache_dir is None:
        cache_dir = Path(tempfile.mkdtemp(prefix="aiecosim-dashboard-"))
        atexit.register(shutil.rmtree, cache_dir, ignore_errors=True)
    return ThreadDiskcacheManager(diskcache.Cache(str(cache_dir)))
