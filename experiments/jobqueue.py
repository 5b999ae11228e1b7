"""Batch-queue clusters (SLURM, PBS, SGE, LSF, HTCondor, OAR, Moab) through dask-jobqueue.

A cluster file says which queue system to use, how many batch jobs to submit, and the job's own
settings, which go to dask-jobqueue's cluster class unchanged (its documentation names them):

    kind: slurm          # slurm, pbs, sge, lsf, htcondor, oar or moab
    jobs: 4              # batch jobs; each runs `processes` single-threaded workers
    job:
      queue: normal
      account: my-project
      cores: 8
      processes: 8
      memory: 16GB
      walltime: "02:00:00"

``--scheduler slurm.yaml`` on ``aiecosim sweep``, ``calibrate`` and ``optimize`` starts this
cluster's scheduler where the command runs (a login node), submits the jobs and runs there. The
file is checked whole before anything starts: an unknown key is one line with the closest
allowed key, and a machine without the queue's submit command (``sbatch``, ``qsub``, ...) is told
so in one line, with the alternative of an address.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiecosim.model.errors import ScenarioError, unknown_key_message

CLUSTER_SUFFIXES = (".yaml", ".yml")
# dask-jobqueue's class for each queue system, by the name a cluster file uses.
KINDS = {"slurm": "SLURMCluster", "pbs": "PBSCluster", "sge": "SGECluster",
         "lsf": "LSFCluster", "htcondor": "HTCondorCluster", "oar": "OARCluster",
         "moab": "MoabCluster"}
TOP_KEYS = ("kind", "jobs", "job")
# Set by aiecosim, not by the file: each worker holds the GIL for a whole run, so one thread
# per worker process (``cores == processes``) is what a file should ask for.
MANAGED = ("scheduler", "name", "config_name", "n_workers", "loop", "asynchronous",
           "silence_logs", "job_cls")


@dataclass(frozen=True)
class ClusterSpec:
    """A validated cluster file."""

    source: str
    kind: str
    jobs: int
    job: dict[str, Any] = field(default_factory=dict)

    @property
    def cluster_class(self):
        import dask_jobqueue

        return getattr(dask_jobqueue, KINDS[self.kind])

    @property
    def submit_command(self) -> str:
        return self.cluster_class.job_cls.submit_command


def is_cluster_file(scheduler: str | None) -> bool:
    """Whether ``--scheduler`` names a cluster file rather than a scheduler's address."""
    return bool(scheduler) and Path(scheduler).suffix.lower() in CLUSTER_SUFFIXES


def read_cluster_file(path: str | Path) -> ClusterSpec:
    """The cluster file at ``path``, checked; every problem is a one-line ``ScenarioError``."""
    import yaml

    source = str(path)
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ScenarioError(source, "", "no such cluster file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(source, "", f"cannot read the cluster file: {exc}") from None
    except yaml.YAMLError as exc:
        raise ScenarioError(source, "", f"not valid YAML: {str(exc).splitlines()[0]}") from None
    return parse_cluster(data, source)


def parse_cluster(data: Any, source: str) -> ClusterSpec:
    if not isinstance(data, dict):
        raise ScenarioError(source, "", "expected a mapping with kind, jobs and job; found "
                            f"{type(data).__name__}")
    for key in data:
        if key not in TOP_KEYS:
            raise ScenarioError(source, str(key), unknown_key_message(str(key), list(TOP_KEYS)))
    kind = data.get("kind")
    if kind not in KINDS:
        problem = (unknown_key_message(str(kind), list(KINDS)).replace("unknown key",
                                                                         "unknown queue system")
                   if isinstance(kind, str) else
                   f"expected one of {', '.join(KINDS)}, found {kind!r}")
        raise ScenarioError(source, "kind", problem)
    jobs = data.get("jobs", 1)
    if type(jobs) is not int or jobs < 1:  # not bool: YAML's true is no number of jobs
        raise ScenarioError(source, "jobs", f"expected a whole number of batch jobs >= 1, "
                            f"found {jobs!r}")
    job = data.get("job") or {}
    if not isinstance(job, dict):
        raise ScenarioError(source, "job", f"expected a mapping of the job's settings, found "
                            f"{type(job).__name__}")
    spec = ClusterSpec(source, kind, jobs, dict(job))
    allowed = job_keys(spec.cluster_class)
    for key in job:
        if key in MANAGED:
            raise ScenarioError(source, f"job.{key}", "set by aiecosim; remove it")
        if key not in allowed:
            raise ScenarioError(source, f"job.{key}", unknown_key_message(str(key), allowed))
    return spec


def job_keys(cluster_class) -> list[str]:
    """The settings dask-jobqueue takes for this queue system: its job class's, and every job's."""
    import inspect

    from dask_jobqueue.core import Job, JobQueueCluster

    keys: list[str] = []
    for function in (cluster_class.job_cls.__init__, Job.__init__, JobQueueCluster.__init__):
        for name, parameter in inspect.signature(function).parameters.items():
            if (name != "self" and parameter.kind is parameter.POSITIONAL_OR_KEYWORD
                    and name not in MANAGED and name not in keys):
                keys.append(name)
    return sorted(keys)


def check_submit_command(spec: ClusterSpec) -> None:
    """Refuse at once on a machine that cannot submit the jobs (jobs would fail one by one in
    the background, and the command would wait for workers that never come)."""
    command = spec.submit_command
    if shutil.which(command) is None:
        raise ScenarioError(spec.source, "kind", f"{spec.kind} submits jobs with {command!r}, "
                            "which is not on PATH here: run this on the cluster's login node, "
                            "or start a scheduler there and pass its address "
                            "(--scheduler tcp://host:8786)")


def start_cluster(spec: ClusterSpec):
    """The job-queue cluster of ``spec``, its jobs submitted; the caller closes it."""
    check_submit_command(spec)
    cluster = spec.cluster_class(**spec.job)
    cluster.scale(jobs=spec.jobs)
    return cluster


def job_script(spec: ClusterSpec) -> str:
    """The batch script one job would run, as dask-jobqueue writes it (no job is submitted)."""
    # The scheduler this starts only has to exist for the script to name it: on loopback.
    settings = {"scheduler_options": {"host": "127.0.0.1", "dashboard_address": None},
                **spec.job}
    with spec.cluster_class(**settings) as cluster:
        return cluster.job_script()
