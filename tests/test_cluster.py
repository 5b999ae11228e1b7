"""The one local cluster factory, and the one-line errors for a scheduler that is not there."""

from __future__ import annotations

import socket

import pytest

from aiecosim.experiments.cluster import dask_client, local_cluster
from aiecosim.model.errors import ScenarioError


@pytest.mark.timeout(120)
def test_the_local_cluster_is_single_threaded_workers_on_the_loopback_only():
    with local_cluster(2) as cluster, dask_client(scheduler=cluster.scheduler_address) as client:
        workers = client.scheduler_info()["workers"]
        assert cluster.scheduler_address.startswith("tcp://127.0.0.1:")
        assert len(workers) == 2 and all(w["nthreads"] == 1 for w in workers.values())
        assert all(address.startswith("tcp://127.0.0.1:") for address in workers)
        assert client.run(lambda: __import__("os").environ.get("MALLOC_TRIM_THRESHOLD_")) \
            == {address: None for address in workers}


def test_an_address_dask_cannot_parse_is_one_line_naming_the_option():
    with pytest.raises(ScenarioError) as found, dask_client(scheduler="nonsense://x"):
        pass
    assert "--scheduler" in str(found.value) and "\n" not in str(found.value)


@pytest.mark.timeout(60)
def test_an_address_nobody_listens_on_is_one_line_naming_the_option():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(ScenarioError, match="cannot connect") as found, \
            dask_client(scheduler=f"tcp://127.0.0.1:{port}"):
        pass
    assert "--scheduler" in str(found.value) and "\n" not in str(found.value)
