"""The policy map and Explore share one pool and one cache of runs: a point computed in one view
is a cached run in the other. Driven through the functions their callbacks call."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import diskcache
import pytest

from aiecosim.dashboard import runs
from aiecosim.dashboard.manager import ThreadDiskcacheManager
from aiecosim.dashboard.sync import current_scenario
from aiecosim.dashboard.views import explore
from aiecosim.dashboard.views.policy_map import compute_map
from support.dashboard import copy_scenarios

X, Y = "policy.liability.strength", "policy.compute_subsidy.budget_usd_bn"
SEEDS = 2
SHORT = {"steps": 12}


@pytest.fixture(scope="module")
def scenarios(tmp_path_factory) -> Path:
    return copy_scenarios(tmp_path_factory.mktemp("shared-runs"))


def run_map(scenarios: Path, x_range: tuple[float, float], y_range: tuple[float, float]):
    """What the map's background job does when Run is clicked: a 2 x 2 grid, two seeds."""
    current = current_scenario({"scenario": "baseline.toml"}, SHORT, scenarios)
    reports: list = []
    figure, axes, status = compute_map(reports.append, 1, X, Y, "innovation", 2, SEEDS,
                                       *x_range, *y_range, current)
    assert "points" in status, status
    assert reports[-1][1] == f"{4 * SEEDS} / {4 * SEEDS} runs"
    return axes


def explore_settings(x: float, y: float) -> dict:
    """Explore's settings once a map cell (or the same levers by hand) is picked."""
    return {"scenario": "baseline.toml", "reference": "baseline.toml", "seeds": SEEDS,
            "overrides": {**SHORT, X: x, Y: y}}


def uncached(scenario) -> int:
    return sum(runs.shared().cached(scenario, s) is None for s in range(1, SEEDS + 1))


@pytest.mark.timeout(240)
def test_a_map_point_is_a_cached_run_in_explore(scenarios):
    executor = runs.shared()
    axes = run_map(scenarios, (0.2, 0.8), (1.0, 3.0))
    settings = explore_settings(axes["xs"][-1], axes["ys"][-1])  # the top right cell
    chosen, reference = explore.resolve(settings, scenarios)
    assert uncached(chosen) == 0  # the map's runs, under the digest Explore asks for
    before, new_reference_runs = executor.computed, uncached(reference)
    explore.compute(settings, scenarios)
    assert executor.computed - before == new_reference_runs


@pytest.mark.timeout(240)
def test_an_explore_point_is_a_cached_run_in_the_map(scenarios):
    executor = runs.shared()
    settings = explore_settings(0.3, 2.0)
    explore.compute(settings, scenarios)
    before = executor.computed
    run_map(scenarios, (0.3, 0.7), (2.0, 4.0))  # its bottom left cell is Explore's world
    assert executor.computed - before == 4 * SEEDS - SEEDS


def test_a_cancelled_job_stops_at_its_next_progress_report(tmp_path):
    manager = ThreadDiskcacheManager(diskcache.Cache(str(tmp_path / "jobs")))
    reported = threading.Event()

    def job(set_progress):
        while True:
            set_progress((1, "1 / 9 runs"))
            reported.set()
            time.sleep(0.01)

    job_fn = manager.make_job_fn(job, progress=["value"])
    job_id = manager.call_job_fn("result-key", job_fn, [], {})
    assert reported.wait(10) and manager.job_running(job_id)
    manager.terminate_job(job_id)
    deadline = time.monotonic() + 10
    while manager.running_jobs() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert manager.running_jobs() == 0 and not manager.job_running(job_id)
    assert manager.get_result("result-key", job_id) is manager.UNDEFINED  # nothing left behind


def test_a_finished_job_keeps_its_result_for_dash_to_collect(tmp_path):
    manager = ThreadDiskcacheManager(diskcache.Cache(str(tmp_path / "jobs")))
    job_fn = manager.make_job_fn(lambda set_progress, n: n * 2, progress=["value"])
    job_id = manager.call_job_fn("answer", job_fn, [21], {})
    deadline = time.monotonic() + 10
    while manager.running_jobs() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert manager.job_running(job_id)  # done, but its result is not read yet
    assert manager.get_result("answer", job_id) == 42
    assert not manager.job_running(job_id)


def test_jobs_beyond_the_limit_queue_in_order_and_say_so(tmp_path):
    manager = ThreadDiskcacheManager(diskcache.Cache(str(tmp_path / "jobs")), max_running=1)
    release, started = threading.Event(), []

    def job(set_progress, name):
        started.append(name)
        set_progress((50, f"{name} running"))
        release.wait(10)
        return name

    job_fn = manager.make_job_fn(job, progress=["value", "label"])
    first = manager.call_job_fn("first", job_fn, ["first"], {})
    deadline = time.monotonic() + 10
    while started != ["first"] and time.monotonic() < deadline:
        time.sleep(0.02)
    second = manager.call_job_fn("second", job_fn, ["second"], {})
    third = manager.call_job_fn("third", job_fn, ["third"], {})
    deadline, third_said = time.monotonic() + 10, None
    while third_said is None and time.monotonic() < deadline:
        third_said = manager.get_progress("third")  # Dash reads a report once, then drops it
        time.sleep(0.05)
    time.sleep(0.3)  # the queue has settled: both still wait, the first still runs
    assert started == ["first"] and manager.queued_jobs() == 2
    assert manager.job_running(second) and manager.job_running(third)
    assert manager.get_progress("second") == [0, "queued: 1 ahead"]
    assert third_said == [0, "queued: 2 ahead"]
    release.set()
    deadline = time.monotonic() + 10
    while manager.running_jobs() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert started == ["first", "second", "third"]  # in the order they asked
    assert [manager.get_result(k, j) for k, j in
            (("first", first), ("second", second), ("third", third))] == [
        "first", "second", "third"]


def test_a_job_cancelled_while_queued_never_starts(tmp_path):
    manager = ThreadDiskcacheManager(diskcache.Cache(str(tmp_path / "jobs")), max_running=1)
    release, started = threading.Event(), []

    def job(set_progress, name):
        started.append(name)
        release.wait(10)
        set_progress((100, "done"))
        return name

    job_fn = manager.make_job_fn(job, progress=["value", "label"])
    manager.call_job_fn("first", job_fn, ["first"], {})
    queued = manager.call_job_fn("second", job_fn, ["second"], {})
    deadline = time.monotonic() + 10
    while manager.queued_jobs() != 1 and time.monotonic() < deadline:
        time.sleep(0.02)
    manager.terminate_job(queued)
    deadline = time.monotonic() + 10
    while manager.queued_jobs() and time.monotonic() < deadline:
        time.sleep(0.02)
    release.set()
    deadline = time.monotonic() + 10
    while manager.running_jobs() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert started == ["first"] and not manager.job_running(queued)


@pytest.mark.timeout(120)
def test_explore_says_when_the_pool_is_busy_and_with_what(scenarios):
    from aiecosim.experiments.executor import Executor
    from aiecosim.model import Scenario

    with Executor("process-pool", workers=1) as executor:
        executor.start().result(timeout=90)
        assert explore.pool_status(executor) == ""  # idle: nothing shown
        long = Scenario.baseline()
        futures = executor.submit([(long, 1), (long, 2)])
        status = explore.pool_status(executor)
        assert status.startswith("Run pool busy: 2 runs running or queued on 1 worker;"), status
        for future in futures:
            future.result(timeout=90)
        assert explore.pool_status(executor) == ""
