"""A sweep folder can be trusted: one driver at a time, parts checked against their index,
undefined numbers recorded as failures, and a cluster without workers ending the session."""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import polars as pl
import pytest

from aiecosim.cli.main import main
from aiecosim.experiments.folder_lock import folder_lock
from aiecosim.experiments.store import SweepStore
from aiecosim.experiments import worker
from support.sweeps import (DASK, REPO, cli, free_port, results, run_cli, stop, wait_for,
                           write_design)

pytestmark = pytest.mark.slow  # real sweeps on real clusters

PART = "task-00000000.parquet"


@pytest.fixture(scope="module")
def design(tmp_path_factory):
    return write_design(tmp_path_factory.mktemp("design"), name="store")


@pytest.fixture(scope="module")
def finished(design, tmp_path_factory):
    """A complete sweep (4 points x 3 seeds, 6 tasks) and what it recorded."""
    out = tmp_path_factory.mktemp("finished") / "out"
    done = run_cli("sweep", design, "--out", out, "--workers", 1)
    assert done.returncode == 0, done.stderr
    return out, results(out)


@pytest.fixture
def copy(finished, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(finished[0], out)
    return out


def _one_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in stderr, stderr
    return lines[0]


@pytest.mark.timeout(60)
def test_a_second_driver_is_refused_with_one_line_naming_the_holder(design, copy, capsys):
    with folder_lock(copy):
        assert main(["sweep", str(design), "--out", str(copy), "--workers", "1"]) == 2
    line = _one_line(capsys.readouterr().err)
    assert f"another aiecosim session is writing here (pid {os.getpid()} on " in line
    assert str(copy) in line
    assert (copy / "manifest.json").is_file(), "a refused driver must not touch the folder"


@pytest.mark.timeout(180)
def test_two_drivers_started_together_record_every_run_once(design, finished, tmp_path):
    out = tmp_path / "out"
    first = subprocess.Popen(cli("sweep", design, "--out", out, "--workers", 1), cwd=REPO,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_for(lambda: (out / "manifest.json").is_file() or first.poll() is not None, 90,
                 "the first driver to start")
        second = run_cli("sweep", design, "--out", out, "--workers", 1)
        first.communicate(timeout=120)
    finally:
        first.kill()
        first.wait(10)
    assert first.returncode == 0
    assert second.returncode == 2
    assert "another aiecosim session is writing here" in _one_line(second.stderr)
    runs, series = results(out)
    assert runs.equals(finished[1][0]) and series.equals(finished[1][1])


@pytest.mark.timeout(60)
def test_a_stray_copy_of_a_part_is_ignored_with_a_warning(copy, finished, design):
    for folder in ("runs", "series"):
        shutil.copy(copy / folder / PART, copy / folder / "task-00000099.parquet")
    store = SweepStore(copy)
    runs = store.runs()
    assert runs.equals(finished[1][0]), "the copy's runs must not count twice"
    [warning] = store.warnings()
    assert "task-00000099.parquet: not in the sweep's index" in warning
    resumed = run_cli("sweep", design, "--out", copy, "--workers", 1)
    assert resumed.returncode == 0 and "nothing left to run" in resumed.stdout
    assert "task-00000099.parquet: not in the sweep's index" in resumed.stderr
    assert "set aside" in resumed.stderr and "Traceback" not in resumed.stderr
    assert not (copy / "runs" / "task-00000099.parquet").exists()
    assert list((copy / "set-aside").glob("*/runs/task-00000099.parquet"))
    assert SweepStore(copy).warnings() == []


@pytest.mark.timeout(90)
def test_an_edited_part_is_named_left_out_and_rerun(copy, finished, design):
    edited = pl.read_parquet(copy / "runs" / PART).with_columns(pl.col("innovation") * 2)
    edited.write_parquet(copy / "runs" / PART)  # valid parquet, wrong numbers
    store = SweepStore(copy)
    assert len(store.runs()) == len(finished[1][0]) - 2, "the edited task's two runs are left out"
    assert "does not match the checksum" in store.warnings()[0]
    report = run_cli("report", copy)
    assert report.returncode == 0 and "Traceback" not in report.stderr
    assert f"{PART}: its runs part does not match the checksum" in report.stderr
    resumed = run_cli("sweep", design, "--out", copy, "--workers", 1)
    assert resumed.returncode == 0, resumed.stderr
    assert "12 of 12 runs recorded" in resumed.stdout and "set aside" in resumed.stderr
    runs, series = results(copy)
    assert runs.equals(finished[1][0]) and series.equals(finished[1][1])


@pytest.mark.timeout(90)
def test_a_part_damaged_in_the_middle_is_detected_by_report_and_resume(copy, finished, design):
    part = copy / "series" / PART
    data = bytearray(part.read_bytes())
    middle = len(data) // 2
    data[middle:middle + 64] = bytes(64)
    part.write_bytes(bytes(data))
    report = run_cli("report", copy)
    assert report.returncode == 0 and "Traceback" not in report.stderr
    assert "its series part does not match the checksum" in report.stderr
    resumed = run_cli("sweep", design, "--out", copy, "--workers", 1)
    assert resumed.returncode == 0, resumed.stderr
    runs, series = results(copy)
    assert runs.equals(finished[1][0]) and series.equals(finished[1][1])


@pytest.mark.timeout(60)
def test_a_folder_from_before_the_index_is_trusted_then_indexed_on_resume(copy, finished, design):
    shutil.rmtree(copy / "index")
    manifest = json.loads((copy / "manifest.json").read_text())
    (copy / "manifest.json").write_text(json.dumps({**manifest, "format": 1}))
    assert SweepStore(copy).runs().equals(finished[1][0])
    resumed = run_cli("sweep", design, "--out", copy, "--workers", 1)
    assert resumed.returncode == 0 and "nothing left to run" in resumed.stdout
    assert len(list((copy / "index").glob("task-*.json"))) == 6
    assert json.loads((copy / "manifest.json").read_text())["format"] == 2
    assert SweepStore(copy).runs().equals(finished[1][0])


@pytest.mark.timeout(60)
def test_a_deleted_index_does_not_make_the_parts_trusted(copy):
    shutil.rmtree(copy / "index")
    store = SweepStore(copy)
    assert store.runs().is_empty() and len(store.warnings()) == 6


def test_a_run_with_an_undefined_metric_is_recorded_as_failed(monkeypatch):
    from aiecosim.model import Scenario
    from aiecosim.model.simulate import simulate

    def overflowing(scenario, seed):  # what an overflow would give: a NaN from month 3 on
        frame = simulate(scenario, seed=seed)
        return frame.with_columns(pl.when(pl.col("step") >= 3).then(float("nan"))
                                  .otherwise(pl.col("hhi")).alias("hhi"))

    monkeypatch.setattr(worker, "run_one", overflowing)
    scenario = Scenario.baseline().with_overrides({"steps": 6, "populations.startups.segments": 5},
                                                  source="test")
    task = worker.Task("task-00000000", scenario.to_dict(), ((0, 0, 1, {}),), ("innovation", "hhi"), None)
    result = worker.run_task(task)
    row = result.summary.row(0, named=True)
    assert row["status"] == "failed"
    assert row["error"] == "ArithmeticError: metric 'hhi' is nan at month 3"
    assert result.series.is_empty()


def test_first_non_finite_finds_the_earliest_month_then_the_first_column():
    frame = pl.DataFrame({"step": [1, 2, 3], "a": [1.0, 2.0, float("inf")],
                          "b": [0.0, float("nan"), float("nan")], "n": [1, 2, 3]})
    assert worker.first_non_finite(frame) == "metric 'b' is nan at month 2"
    assert worker.first_non_finite(frame.drop("b")) == "metric 'a' is inf at month 3"
    assert worker.first_non_finite(frame.drop("a", "b")) is None


@pytest.mark.timeout(60)
def test_a_sweep_that_fails_before_its_first_run_leaves_no_folder(design, tmp_path):
    out = tmp_path / "out"
    done = run_cli("sweep", design, "--out", out, "--scheduler", f"tcp://127.0.0.1:{free_port()}")
    assert done.returncode == 2 and "cannot connect" in _one_line(done.stderr)
    assert not out.exists()
    garbage = run_cli("sweep", design, "--out", out, "--scheduler", "garbage://x")
    assert garbage.returncode == 2 and "--scheduler" in _one_line(garbage.stderr)
    assert not out.exists()


def _scheduler(port: int) -> subprocess.Popen:
    return subprocess.Popen([DASK, "scheduler", "--host", "127.0.0.1", "--port", str(port),
                             "--no-dashboard"], start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _worker(address: str) -> subprocess.Popen:
    return subprocess.Popen([DASK, "worker", address, "--nworkers", "1", "--nthreads", "1",
                             "--host", "127.0.0.1", "--no-dashboard", "--death-timeout", "60"],
                            start_new_session=True, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


@pytest.mark.timeout(240)
def test_a_cluster_whose_last_worker_dies_ends_the_session_then_resumes(tmp_path):
    from distributed import Client

    design = write_design(tmp_path, name="store", runs_per_task=1, seeds=10, months=24)
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    scheduler, first_worker = _scheduler(port), None
    out = tmp_path / "out"
    try:
        first_worker = _worker(address)
        with Client(address, timeout="30s", set_as_default=False) as client:
            client.wait_for_workers(1, timeout=60)
        sweep = subprocess.Popen(cli("sweep", design, "--out", out, "--scheduler", address,
                                     "--worker-wait", "4"), cwd=REPO, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True)
        try:
            wait_for(lambda: len(list((out / "runs").glob("task-*.parquet"))) >= 1
                     if (out / "runs").is_dir() else sweep.poll() is not None, 90, "a first task")
            stop(first_worker)
            _, stderr = sweep.communicate(timeout=60)
        finally:
            sweep.kill()
            sweep.wait(10)
        assert sweep.returncode == 1
        said = [line for line in stderr.splitlines() if line.startswith("aiecosim:")]
        assert len(said) == 1 and "Traceback" not in stderr, stderr
        assert "the cluster had no worker for" in said[0] and "rerun the same command" in said[0]
        recorded = len(SweepStore(out).done_runs())
        assert 1 <= recorded < 40
        second_worker = _worker(address)
        try:
            resumed = run_cli("sweep", design, "--out", out, "--scheduler", address, timeout=180)
        finally:
            stop(second_worker)
        assert resumed.returncode == 0, resumed.stderr
        assert "40 of 40 runs recorded" in resumed.stdout
        assert SweepStore(out).runs()["run"].to_list() == list(range(40))
    finally:
        if first_worker is not None:
            stop(first_worker)
        stop(scheduler)


@pytest.mark.timeout(60)
def test_every_metric_is_stored_so_a_new_output_is_an_analysis_not_a_rerun(finished, tmp_path):
    from dataclasses import replace

    from aiecosim.experiments.analysis import load_sweep
    from aiecosim.model.metrics import TABLE

    out, (runs, series) = finished
    assert {m.name for m in TABLE} <= set(series.columns)
    sweep = load_sweep(out)
    assert set(sweep.metrics) == {m.name for m in TABLE}
    # The rule that summarises a new metric is the one that summarised the outputs.
    without = replace(sweep, runs=sweep.runs.drop("innovation"),
                      manifest={**sweep.manifest, "outputs": ["hhi", "misuse_harm"]})
    again = without.with_metrics(["innovation"]).runs.select("run", "innovation")
    assert again.equals(sweep.runs.select("run", "innovation"))
    report = run_cli("report", out, "--metric", "labs_open_share", "--out", tmp_path / "r.html")
    assert report.returncode == 0, report.stderr
    assert "fig-bands-labs_open_share" in (tmp_path / "r.html").read_text()
    wrong = run_cli("report", out, "--metric", "labs_open_shar")
    assert wrong.returncode == 2 and "did you mean 'labs_open_share'" in wrong.stderr
