"""The same design gives identical per-run results however it is run: 1 or 2 local workers,
or a separately started ``dask scheduler`` and ``dask worker``."""

from __future__ import annotations

import pytest

from aiecosim.model import Scenario, simulate
from support.sweeps import (BASELINE, SMALL, results, run_cli, separate_scheduler_and_worker,
                           write_design)

pytestmark = pytest.mark.slow  # real local clusters and a separate scheduler and worker

OUTPUTS = ["innovation", "hhi", "misuse_harm"]


@pytest.fixture(scope="module")
def design(tmp_path_factory):
    return write_design(tmp_path_factory.mktemp("design"))


@pytest.fixture(scope="module")
def one_worker(design, tmp_path_factory):
    out = tmp_path_factory.mktemp("one") / "out"
    done = run_cli("sweep", design, "--out", out, "--workers", 1)
    assert done.returncode == 0, done.stderr
    return results(out)


@pytest.fixture
def dask_pair():
    with separate_scheduler_and_worker() as (address, _):
        yield address


@pytest.mark.timeout(120)
def test_two_workers_give_the_same_runs_as_one(design, one_worker, tmp_path):
    out = tmp_path / "out"
    done = run_cli("sweep", design, "--out", out, "--workers", 2)
    assert done.returncode == 0, done.stderr
    runs, series = results(out)
    assert runs.equals(one_worker[0])
    assert series.equals(one_worker[1])


@pytest.mark.timeout(180)
def test_a_separate_scheduler_and_worker_give_the_same_runs(design, one_worker, dask_pair, tmp_path):
    out = tmp_path / "out"
    done = run_cli("sweep", design, "--out", out, env={"DASK_SCHEDULER_ADDRESS": dask_pair})
    assert done.returncode == 0, done.stderr
    runs, series = results(out)
    assert runs.equals(one_worker[0])
    assert series.equals(one_worker[1])


@pytest.mark.timeout(60)
def test_each_run_is_the_simulation_of_its_point_and_seed(one_worker):
    runs, series = one_worker
    assert runs["run"].to_list() == list(range(12)) and set(runs["status"]) == {"ok"}
    last = runs.row(len(runs) - 1, named=True)
    assert (last["policy.liability.strength"], last["seed"]) == (0.9, 3)
    scenario = Scenario.load(BASELINE).with_overrides({
        **SMALL, "steps": 12, "policy.liability.strength": 0.9,
        "policy.compute_subsidy.budget_usd_bn": 2.0})
    expected = simulate(scenario, seed=3)
    mine = series.filter(series["run"] == last["run"])
    for metric in OUTPUTS:
        assert mine[metric].to_list() == expected[metric].to_list()
        assert last[metric] == expected[metric].mean()  # 12 months: the summary is the mean
