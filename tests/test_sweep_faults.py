"""Sweeps survive what goes wrong: the driver killed, a worker killed, runs that raise, and a
folder that belongs to another sweep."""

from __future__ import annotations

import os
import signal
import subprocess

import polars as pl
import psutil
import pytest

from aiecosim.cli.main import main
from aiecosim.experiments.experiment import load_experiment
from aiecosim.experiments.store import SweepStore
from aiecosim.experiments.sweep_manifest import sweep_manifest
from support.sweeps import (REPO, cli, results, run_cli, separate_scheduler_and_worker, wait_for,
                           write_design)

pytestmark = pytest.mark.slow  # real clusters killed and restarted

# 40 one-run tasks of 24 months: long enough to interrupt after the first task is on disk.
INTERRUPTIBLE = {"seeds": 10, "months": 24, "runs_per_task": 1}


def _task_files(out) -> int:
    runs = out / "runs"
    return len(list(runs.glob("task-*.parquet"))) if runs.is_dir() else 0


@pytest.fixture(scope="module")
def design(tmp_path_factory):
    return write_design(tmp_path_factory.mktemp("design"), name="interruptible", **INTERRUPTIBLE)


@pytest.fixture(scope="module")
def uninterrupted(design, tmp_path_factory):
    out = tmp_path_factory.mktemp("whole") / "out"
    done = run_cli("sweep", design, "--out", out, "--workers", 2)
    assert done.returncode == 0, done.stderr
    return results(out)


@pytest.mark.timeout(180)
def test_a_sweep_killed_midway_and_rerun_has_every_run_exactly_once(design, uninterrupted, tmp_path):
    out = tmp_path / "out"
    sweep = subprocess.Popen(cli("sweep", design, "--out", out, "--workers", 1), cwd=REPO,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(lambda: _task_files(out) >= 1 or sweep.poll() is not None, 90, "a first task")
        workers = psutil.Process(sweep.pid).children(recursive=True)
        os.kill(sweep.pid, signal.SIGKILL)
    finally:
        sweep.kill()
        sweep.wait(10)
    assert 1 <= _task_files(out) < 40, "the kill should land midway"
    # The local cluster's workers notice their parent is gone and exit by themselves.
    _, alive = psutil.wait_procs(workers, timeout=30)
    for process in alive:
        process.kill()
    assert not alive

    done = run_cli("sweep", design, "--out", out, "--workers", 2)  # the same command, rerun
    assert done.returncode == 0, done.stderr
    runs, series = results(out)
    assert runs["run"].to_list() == list(range(40))
    assert runs.equals(uninterrupted[0])
    assert series.equals(uninterrupted[1])


@pytest.mark.timeout(180)
def test_a_worker_killed_midway_is_replaced_and_no_run_is_lost(design, uninterrupted, tmp_path):
    import logging

    from distributed import Client, LocalCluster

    out = tmp_path / "out"
    with LocalCluster(n_workers=2, threads_per_worker=1, host="127.0.0.1", dashboard_address=None,
                      silence_logs=logging.CRITICAL) as cluster, \
            Client(cluster, set_as_default=False) as client:
        sweep = subprocess.Popen(cli("sweep", design, "--out", out, "--scheduler",
                                     cluster.scheduler_address),
                                 cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            pids = client.run(os.getpid)
            busy: list[str] = []

            def a_worker_is_busy_after_the_first_task() -> bool:
                busy[:] = [w for w, tasks in client.processing().items() if tasks]
                return (_task_files(out) >= 1 and bool(busy)) or sweep.poll() is not None

            wait_for(a_worker_is_busy_after_the_first_task, 90, "a busy worker")
            victim = pids[busy[0]]
            os.kill(victim, signal.SIGKILL)
            stdout, stderr = sweep.communicate(timeout=120)
        finally:
            sweep.kill()
            sweep.wait(10)
        assert not psutil.pid_exists(victim) or psutil.Process(victim).status() == "zombie"
    assert sweep.returncode == 0, stderr
    runs, series = results(out)
    assert runs.equals(uninterrupted[0])
    assert series.equals(uninterrupted[1])


@pytest.mark.timeout(120)
def test_a_lost_scheduler_ends_the_sweep_with_one_line_instead_of_a_hang(design, tmp_path):
    out = tmp_path / "out"
    with separate_scheduler_and_worker() as (address, scheduler):
        sweep = subprocess.Popen(cli("sweep", design, "--out", out, "--scheduler", address),
                                 cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            wait_for(lambda: _task_files(out) >= 1 or sweep.poll() is not None, 90, "a first task")
            os.killpg(scheduler.pid, signal.SIGKILL)
            _, stderr = sweep.communicate(timeout=60)
        finally:
            sweep.kill()
            sweep.wait(10)
    assert sweep.returncode == 1 and _task_files(out) < 40
    assert "lost the connection to the Dask scheduler" in stderr and "rerun" in stderr
    assert "Traceback" not in stderr


@pytest.mark.timeout(120)
def test_runs_the_model_rejects_are_recorded_as_failed_and_the_rest_finish(tmp_path):
    # Each name is valid alone; together they give two labs the same name, which the model rejects.
    design = write_design(tmp_path, name="clash", seeds=2, vary={
        "labs.closed-challenger.name": {"values": ["closed-challenger", "twin"]},
        "labs.safety-focused.name": {"values": ["safety-focused", "twin"]},
    })
    done = run_cli("sweep", design, "--out", tmp_path / "out", "--workers", 1)
    assert done.returncode == 1
    assert "2 runs failed" in done.stderr and "lab names must be unique" in done.stderr
    assert "Traceback" not in done.stderr
    runs, series = results(tmp_path / "out")
    failed = runs.filter(pl.col("status") == "failed")
    assert failed["point"].to_list() == [3, 3]
    assert all("lab names must be unique" in e for e in failed["error"])
    assert runs.filter(pl.col("status") == "ok")["innovation"].null_count() == 0
    assert sorted(series["run"].unique().to_list()) == [0, 1, 2, 3, 4, 5]


@pytest.mark.timeout(60)
def test_a_folder_holding_another_design_is_refused(tmp_path, capsys):
    first = load_experiment(write_design(tmp_path, name="first"))
    points = first.points()
    SweepStore(tmp_path / "out").prepare(sweep_manifest(first, len(points)),
                                         first.points_frame(points), require_existing=False)
    other = write_design(tmp_path, name="other", seeds=5)
    assert main(["sweep", str(other), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip()
    assert "holds a sweep of a different design ('first'" in err and "\n" not in err


@pytest.mark.timeout(60)
def test_a_folder_with_other_files_is_refused(tmp_path, capsys):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "notes.txt").write_text("mine")
    assert main(["sweep", str(write_design(tmp_path)), "--out", str(tmp_path / "out")]) == 2
    assert "holds no aiecosim sweep" in capsys.readouterr().err


@pytest.mark.timeout(60)
def test_resume_needs_a_sweep_to_resume(tmp_path, capsys):
    code = main(["sweep", str(write_design(tmp_path)), "--out", str(tmp_path / "new"), "--resume"])
    assert code == 2
    assert "no sweep to resume here" in capsys.readouterr().err
    assert not (tmp_path / "new").exists()


@pytest.mark.timeout(60)
def test_resume_discards_half_written_files(tmp_path):
    experiment = load_experiment(write_design(tmp_path))
    points = experiment.points()
    store = SweepStore(tmp_path / "out")
    manifest = sweep_manifest(experiment, len(points))
    store.prepare(manifest, experiment.points_frame(points), require_existing=False)
    # What a kill between a task's two files, or during a write, leaves behind.
    store.series_dir.mkdir()
    (store.series_dir / "task-00000004.parquet").write_bytes(b"series without its summary")
    (store.series_dir / ".task-00000006.parquet.abc.tmp").write_bytes(b"half")
    store.prepare(manifest, experiment.points_frame(points), require_existing=True)
    assert list(store.series_dir.iterdir()) == []
    assert store.done_runs() == set()


@pytest.mark.timeout(60)
def test_workers_and_a_scheduler_together_are_refused(tmp_path, capsys):
    code = main(["sweep", str(write_design(tmp_path)), "--out", str(tmp_path / "out"),
                 "--workers", "2", "--scheduler", "tcp://127.0.0.1:8786"])
    assert code == 2
    assert "--workers: 2: sets the size of a local cluster" in capsys.readouterr().err
