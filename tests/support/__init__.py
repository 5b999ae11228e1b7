"""Helpers shared by the tests: simulated runs, sweeps on real Dask clusters, dashboard servers."""
