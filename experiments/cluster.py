"""Dask clusters: the one local cluster factory, and clients of a local or an existing cluster.

Every local cluster the project starts (sweeps, findings, the executor's dask backend) comes
from ``local_cluster``, so they all get the same tuning and bind only the loopback interface.
"""

from __future__ import annotations

import logging
import os
from contextlib import contextmanager
from typing import Iterator

from aiecosim.experiments.jobqueue import is_cluster_file, read_cluster_file, start_cluster
from aiecosim.model.errors import ScenarioError

CONNECT_TIMEOUT = "10s"
WORKER_WAIT_SECONDS = 60


@contextmanager
def local_cluster(workers: int | None = None) -> Iterator:
    """A cluster of ``workers`` single-threaded worker processes on 127.0.0.1 (default: one per
    core), without a dashboard, closed on exit.

    One thread per process: a run is pure Python and numpy under the GIL. Dask's nanny sets
    MALLOC_TRIM_THRESHOLD_ in its workers to hand memory back sooner; that also pins glibc's
    mmap threshold, so each large numpy temporary is mapped and unmapped afresh: runs were a
    quarter slower and two workers on two cores barely beat one. Runs need little memory, so
    the local workers keep glibc's defaults. The worker's statistical profiler (a stack sample
    every 10 ms, for a dashboard we do not start) cost about 5%.
    """
    import dask
    from distributed import LocalCluster

    with dask.config.set({"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,
                          "distributed.worker.profile.enabled": False}):
        cluster = LocalCluster(n_workers=workers or os.cpu_count() or 1, threads_per_worker=1,
                               processes=True, host="127.0.0.1", dashboard_address=None,
                               silence_logs=logging.ERROR)
    try:
        yield cluster
    finally:
        cluster.close()


@contextmanager
def dask_client(workers: int | None = None, scheduler: str | None = None,
                worker_wait: float = WORKER_WAIT_SECONDS) -> Iterator:
    """A client of the scheduler at ``scheduler``, or of a new local cluster of ``workers``.

    A bad or unreachable address, or a scheduler without workers after ``worker_wait``
    seconds, is a one-line ``ScenarioError`` naming ``--scheduler``. Dask's own log lines are
    hidden meanwhile.
    """
    with quiet("distributed"), _connected(workers, scheduler, worker_wait) as client:
        yield client


@contextmanager
def quiet(package: str) -> Iterator[None]:
    """Hide a library's log lines (reconnection attempts, tracebacks of aborted connections):
    the sweep reports lost tasks and a lost scheduler itself, in one line each. Dask's config
    gives some of its loggers levels of their own, so each is set, not just the parent."""
    import distributed  # noqa: F401  (creates and configures its loggers first)

    names = [n for n in logging.root.manager.loggerDict if n == package or n.startswith(f"{package}.")]
    logs = [logging.getLogger(n) for n in names]
    levels = [log.level for log in logs]
    for log in logs:
        log.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        for log, level in zip(logs, levels):
            log.setLevel(level)


@contextmanager
def _connected(workers: int | None, scheduler: str | None, worker_wait: float) -> Iterator:
    if not scheduler:
        from distributed import Client

        with local_cluster(workers) as cluster:
            client = Client(cluster, set_as_default=False)
            try:
                yield client
            finally:
                client.close()
        return
    if is_cluster_file(scheduler):  # a batch-queue cluster described by a file
        with _job_queue_client(read_cluster_file(scheduler), worker_wait) as client:
            yield client
        return
    client = _connect(scheduler)
    try:
        _wait_for_a_worker(client, "--scheduler", scheduler, worker_wait)
        yield client
    finally:
        client.close()


@contextmanager
def _job_queue_client(spec, worker_wait: float) -> Iterator:
    from distributed import Client

    cluster = start_cluster(spec)
    try:
        client = Client(cluster, set_as_default=False)
        try:
            _wait_for_a_worker(client, spec.source, "jobs", worker_wait)
            yield client
        finally:
            client.close()
    finally:
        cluster.close()


def _wait_for_a_worker(client, source: str, key: str, worker_wait: float) -> None:
    try:
        client.wait_for_workers(1, timeout=worker_wait)
    except TimeoutError:
        raise ScenarioError(source, key, "the scheduler has no workers "
                            f"(waited {worker_wait:g} s; see --worker-wait)") from None


def _connect(scheduler: str):
    from distributed import Client

    _check_address(scheduler)
    try:
        return Client(scheduler, timeout=CONNECT_TIMEOUT, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        problem = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ScenarioError("--scheduler", scheduler, f"cannot connect: {problem}") from None


def _check_address(address: str) -> None:
    """Refuse an address Dask cannot even parse before a client is made (a failed client's
    clean-up would otherwise wait for a connection that never comes)."""
    from distributed.comm.addressing import parse_address
    from distributed.comm.registry import get_backend

    try:
        get_backend(parse_address(address)[0])
    except ValueError as exc:
        raise ScenarioError("--scheduler", address, str(exc).splitlines()[0]) from None
