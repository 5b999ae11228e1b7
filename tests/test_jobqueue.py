"""Batch-queue clusters from a cluster file (dask-jobqueue): the file's checks, the job script,
the one line on a machine without the queue, and a sweep through a queue of real workers.

This machine has no SLURM. The last test puts a stand-in ``sbatch`` on PATH that runs the job
script dask-jobqueue wrote as a local process (and ``scancel`` that stops it), so the
scheduler, the workers and the sweep are real and only the queue is not.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
import yaml

from aiecosim.experiments.jobqueue import is_cluster_file, job_script, parse_cluster
from aiecosim.model.errors import ScenarioError
from support.sweeps import results, run_cli, write_design

SLURM = {"kind": "slurm", "jobs": 2,
         "job": {"queue": "normal", "account": "my-project", "cores": 2, "processes": 2,
                 "memory": "4GB", "walltime": "00:30:00",
                 "job_extra_directives": ["--constraint=cpu"]}}


def cluster_file(folder: Path, data: dict, name: str = "slurm.yaml") -> Path:
    path = folder / name
    path.write_text(yaml.safe_dump(data))
    return path


def test_only_yaml_files_are_cluster_files():
    assert is_cluster_file("slurm.yaml") and is_cluster_file("a/b/pbs.YML")
    assert not is_cluster_file("tcp://host:8786") and not is_cluster_file(None)


@pytest.mark.timeout(60)
def test_the_job_script_carries_the_files_settings_and_single_threaded_workers():
    script = job_script(parse_cluster(SLURM, "slurm.yaml"))
    for line in ("#SBATCH -p normal", "#SBATCH -A my-project", "#SBATCH -t 00:30:00",
                 "#SBATCH --constraint=cpu", "#SBATCH --cpus-per-task=2"):
        assert line in script
    assert "--nthreads 1" in script and "--nworkers 2" in script


@pytest.mark.parametrize("change, key, says", [
    ({"kind": "slrum"}, "kind", "did you mean 'slurm'"),
    ({"kind": 3}, "kind", "expected one of slurm"),
    ({"job": {**SLURM["job"], "acount": "x"}}, "job.acount", "did you mean 'account'"),
    ({"job": {**SLURM["job"], "scheduler": "x"}}, "job.scheduler", "set by aiecosim"),
    ({"jobs": True}, "jobs", "whole number"),
    ({"jobs": 0}, "jobs", "whole number"),
    ({"job": ["cores", 8]}, "job", "mapping"),
    ({"workers": 4}, "workers", "unknown key 'workers'"),
])
def test_a_bad_cluster_file_is_one_line_naming_the_key(change, key, says):
    with pytest.raises(ScenarioError) as found:
        parse_cluster({**SLURM, **change}, "slurm.yaml")
    message = str(found.value)
    assert message.startswith(f"slurm.yaml: {key}: ") and says in message and "\n" not in message


@pytest.mark.timeout(120)
def test_without_the_queue_a_sweep_is_refused_in_one_line_and_writes_nothing(tmp_path):
    design, out = write_design(tmp_path), tmp_path / "out"
    path = cluster_file(tmp_path, SLURM)
    bare_path = os.pathsep.join(p for p in os.environ["PATH"].split(os.pathsep)
                                if not (Path(p) / "sbatch").exists())
    done = run_cli("sweep", design, "--out", out, "--scheduler", path, env={"PATH": bare_path})
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "'sbatch', which is not on PATH" in lines[0], done.stderr
    assert str(path) in lines[0] and "--scheduler tcp://" in lines[0]
    assert not out.exists()


def stand_in_queue(folder: Path) -> Path:
    """``sbatch`` that starts the job script as a background process and prints a job id, and
    ``scancel`` that stops it: the two commands dask-jobqueue calls."""
    bin_dir = folder / "bin"
    bin_dir.mkdir()
    (bin_dir / "sbatch").write_text(
        "#!/bin/sh\n"  # dask-jobqueue deletes its script once sbatch returns: keep a copy
        f'cp "$1" "{folder}/job-$$.sh"\n'
        f'setsid sh "{folder}/job-$$.sh" > "{folder}/job-$$.log" 2>&1 < /dev/null &\n'
        'echo "$!" > "' + str(folder) + '/job-$$.pid"\n'
        'echo "Submitted batch job $$"\n')
    (bin_dir / "scancel").write_text(
        "#!/bin/sh\n"
        'for id in "$@"; do kill -TERM -- "-$(cat "' + str(folder) + '/job-$id.pid")" '
        "2>/dev/null; done\nexit 0\n")
    for command in ("sbatch", "scancel"):
        (bin_dir / command).chmod(stat.S_IRWXU)
    return bin_dir


@pytest.mark.timeout(240)
def test_a_sweep_runs_on_the_workers_of_a_job_queue(tmp_path):
    design, out = write_design(tmp_path), tmp_path / "out"
    single_job = {**SLURM, "jobs": 1, "job": {**SLURM["job"], "cores": 1, "processes": 1,
                                              "memory": "2GB", "interface": "lo"}}
    path = cluster_file(tmp_path, single_job)
    bin_dir = stand_in_queue(tmp_path)
    done = run_cli("sweep", design, "--out", out, "--scheduler", path, timeout=200,
                   env={"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"})
    assert done.returncode == 0, done.stderr
    runs, _ = results(out)
    assert runs.height == 12 and (runs["status"] == "ok").all()
    assert list(tmp_path.glob("job-*.log")), "the job ran through the stand-in sbatch"
