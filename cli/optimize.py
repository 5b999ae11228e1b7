"""``aiecosim optimize``: search a design's policy levers for the front of robust policies.

Exit status: 0 the front is written, 1 a run of the search failed (nothing is written), 2 bad
input (one line on stderr, before any run), 130 interrupted (nothing is written).
"""

from __future__ import annotations

import math
import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console

from aiecosim.model.errors import ScenarioError


def register(app: typer.Typer) -> None:
    @app.command()
    def optimize(
        design: Annotated[Path, typer.Argument(
            help="Optimisation design (TOML), or the name of a shipped design.")],
        out: Annotated[Path, typer.Option(
            help="Folder for the front: new, empty, or this design's front (replaced).")],
        workers: Annotated[Optional[int], typer.Option(
            min=1, help="Worker processes of the local Dask cluster (default: one per core).")]
        = None,
        scheduler: Annotated[Optional[str], typer.Option(
            help="Address of a running Dask scheduler, e.g. tcp://host:8786, or a cluster "
                 "file for SLURM, PBS and other queues, e.g. slurm.yaml (default: "
                 "$DASK_SCHEDULER_ADDRESS unless --workers is given, else a local cluster).")]
        = None,
        quick: Annotated[bool, typer.Option(
            help="A small search to check a design: at most 3 worlds, 24 months, 48 policies "
                 "of at most 12 a generation.")] = False,
        worker_wait: Annotated[float, typer.Option(
            min=0.1, help="Seconds to wait for the cluster's first worker (a batch queue's "
                          "jobs may wait longer in the queue).")] = 60.0,
    ) -> None:
        """Find the policies no other policy beats on every objective in the design's worlds."""
        from aiecosim.experiments.atomic import check_writable
        from aiecosim.experiments.front_store import check_out, write_front
        from aiecosim.experiments.optimize_design import load_optimization
        from aiecosim.experiments.robust import SearchFailed

        opt = load_optimization(design, quick=quick)
        check_writable("--out", out, folder=True)  # all before any run: a mistake costs none
        check_out(out, opt)
        if scheduler and workers:
            raise ScenarioError("--workers", str(workers), "sets the size of a local cluster; "
                                "with --scheduler the cluster's own workers run the search")
        # An explicit --workers asks for a local cluster even when the environment names one.
        address = scheduler or (None if workers else os.environ.get("DASK_SCHEDULER_ADDRESS"))
        try:
            result, session = _search(opt, workers, address, worker_wait)
        except KeyboardInterrupt:
            print(f"aiecosim: interrupted; nothing written to {out}", file=sys.stderr)
            raise typer.Exit(130) from None
        except SearchFailed as exc:
            print(f"aiecosim: the search stopped, nothing written to {out}: {exc}",
                  file=sys.stderr)
            raise typer.Exit(1) from None
        write_front(out, opt, result, _command(design, out, quick), session)
        print(f"optimize {opt.design.name!r}: {len(result.front)} policies on the front in "
              f"{out}; {result.evaluations} policies x {len(opt.worlds)} worlds = "
              f"{result.runs} runs on {session['workers']} workers in {result.seconds:.1f} s")


def _search(opt, workers: int | None, address: str | None, worker_wait: float):
    """Run the search on a Dask cluster with a progress bar; (result, where it ran)."""
    from aiecosim.experiments.cluster import dask_client
    from aiecosim.experiments.executor import Executor
    from aiecosim.experiments.progress import run_progress
    from aiecosim.experiments.robust import run_search

    design = opt.design
    # Platypus evaluates whole generations, so the budget rounds up to one.
    planned = math.ceil(design.nfe / design.population) * design.population * len(opt.worlds)
    # Bound to the real stderr now: the search hides EMA's own progress bar by redirecting it.
    console = Console(file=sys.stderr)
    with dask_client(workers, address, worker_wait) as client, \
            Executor("dask", client=client) as executor:
        session = {"workers": executor.workers, "scheduler": address or "local"}
        with run_progress(planned, 0, console, enabled=console.is_terminal) as advance:
            return run_search(opt, executor, progress=advance), session


def _command(design: Path, out: Path, quick: bool) -> str:
    """The command that makes this front again (workers and scheduler do not change it)."""
    return f"aiecosim optimize {design} --out {out}" + (" --quick" if quick else "")


def report_front(results: Path, out: Path | None, **sweep_options) -> None:
    """``aiecosim report`` on a front folder; the options that only shape a sweep's report
    are refused by name rather than ignored."""
    from aiecosim.experiments.front_report import write_front_report

    given = [(name, value) for name, value in sweep_options.items() if value]
    if given:
        name, value = given[0]
        shown = value[0] if isinstance(value, list) else value  # --metric is repeatable
        raise ScenarioError(f"--{name}", str(shown), "applies to a sweep's report; "
                            f"{results} holds a front (aiecosim optimize)")
    print(f"report written to {write_front_report(results, out)}")
