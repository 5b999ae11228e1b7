"""``aiecosim sweep`` and ``aiecosim report``: run a design on Dask, then report on the results.

Exit status: 0 when every run succeeded, 1 when some runs failed or were lost (the results of
the others are kept; rerun the same command to retry lost ones), 2 for bad input.
"""

from __future__ import annotations

import os
import sys
from collections import Counter
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console

from aiecosim.model.errors import ScenarioError

SHOWN_ERRORS = 5
# Runs a sweep may plan unless --max-runs says more: a million baseline runs is days on a
# cluster, and the run plan alone holds one entry per run in memory.
MAX_RUNS = 1_000_000


def register(app: typer.Typer) -> None:
    @app.command()
    def sweep(
        design: Annotated[Path, typer.Argument(
            help="Experiment design file (TOML), or the name of a shipped design.")],
        out: Annotated[Path, typer.Option(help="Results folder: new, empty, or this design's.")],
        workers: Annotated[Optional[int], typer.Option(
            min=1, help="Worker processes of the local Dask cluster (default: one per core).")] = None,
        scheduler: Annotated[Optional[str], typer.Option(
            help="Address of a running Dask scheduler, e.g. tcp://host:8786, or a cluster "
                 "file for SLURM, PBS and other queues, e.g. slurm.yaml (default: "
                 "$DASK_SCHEDULER_ADDRESS unless --workers is given, else a local cluster).")] = None,
        resume: Annotated[bool, typer.Option(
            help="Only continue a sweep already in --out (rerunning resumes anyway).")] = False,
        quick: Annotated[bool, typer.Option(
            help="A small version of the design: at most 3 values per lever, 2 seeds, 24 months.")] = False,
        worker_wait: Annotated[float, typer.Option(
            min=0.1, help="Seconds to wait when the cluster has no worker, at the start or midway, "
                          "before ending the session (rerun to resume).")] = 60.0,
        max_runs: Annotated[int, typer.Option(
            min=1, help="Refuse a design of more runs (points x seeds) than this.")] = MAX_RUNS,
    ) -> None:
        """Run DESIGN's runs that are not yet in --out, streaming results to parquet files."""
        from aiecosim.experiments.atomic import check_writable
        from aiecosim.experiments.experiment import load_experiment
        from aiecosim.experiments.runner import run_sweep

        experiment = load_experiment(design, quick=quick)
        n_points, n_runs = experiment.count_runs()  # counted, so nothing big is built first
        if n_runs > max_runs:
            raise ScenarioError(experiment.source, "", f"expected at most {max_runs:,} runs, "
                                f"found {n_runs:,} runs ({n_points:,} points x "
                                f"{experiment.design.seeds:,} seeds); make the design smaller "
                                f"or pass --max-runs {n_runs}")
        check_writable("--out", out, folder=True)
        if scheduler and workers:
            raise ScenarioError("--workers", str(workers), "sets the size of a local cluster; "
                                "with --scheduler the cluster's own workers run the sweep")
        # An explicit --workers asks for a local cluster even when the environment names one.
        address = scheduler or (None if workers else os.environ.get("DASK_SCHEDULER_ADDRESS"))
        console = Console(stderr=True)
        try:
            outcome = run_sweep(experiment, out, workers=workers, scheduler=address,
                                require_existing=resume, worker_wait=worker_wait,
                                console=console)
        except KeyboardInterrupt:
            from aiecosim.experiments.store import SweepStore

            done = len(SweepStore(out).done_runs())
            print(f"aiecosim: interrupted with {done} runs recorded in {out}; rerun the same "
                  "command to resume", file=sys.stderr)
            raise typer.Exit(130) from None
        _print_outcome(experiment.design.name, out, outcome)
        if not outcome.complete:
            raise typer.Exit(1)

    @app.command()
    def report(
        results: Annotated[Path, typer.Argument(
            help="A folder written by aiecosim sweep or aiecosim optimize.")],
        out: Annotated[Optional[Path], typer.Option(help="HTML file (default: RESULTS/report.html).")] = None,
        x: Annotated[Optional[str], typer.Option(help="Lever on the phase diagrams' x axis.")] = None,
        y: Annotated[Optional[str], typer.Option(help="Lever on the phase diagrams' y axis.")] = None,
        metric: Annotated[Optional[list[str]], typer.Option(
            help="Metric to show, repeatable (default: the design's outputs).")] = None,
        against: Annotated[Optional[Path], typer.Option(
            help="Another sweep folder to compare with (another design or scenario).")] = None,
        figures: Annotated[Optional[Path], typer.Option(
            help="Also write every figure of a sweep's report into this folder as PNG and SVG "
                 "(drawn in Chromium).")] = None,
    ) -> None:
        """Write a self-contained HTML report of a sweep folder or a front folder."""
        from aiecosim.experiments.report import write_report

        if out is not None and out.suffix.lower() not in (".html", ".htm"):
            raise ScenarioError("--out", str(out), "expected an .html file name")
        from aiecosim.experiments.front_store import is_front

        if is_front(results):  # a folder of aiecosim optimize: its front, not a sweep's figures
            from aiecosim.cli.optimize import report_front

            return report_front(results, out, x=x, y=y, metric=metric, against=against,
                                figures=figures)
        from aiecosim.experiments.store import SweepStore

        path = write_report(results, out, x=x, y=y, metrics=metric, against=against,
                            figures=figures)
        for line in SweepStore(results).warnings():
            print(f"aiecosim: warning: {line}", file=sys.stderr)
        print(f"report written to {path}" + (f"; figures in {figures}" if figures else ""))


def _print_outcome(name: str, out: Path, outcome) -> None:
    recorded = outcome.done_before + outcome.ran
    line = f"sweep {name!r}: {recorded} of {outcome.total} runs recorded in {out}"
    if outcome.ran:
        line += (f"; this session ran {outcome.ran} on {outcome.workers} workers in "
                 f"{outcome.seconds:.1f} s")
    elif outcome.done_before == outcome.total:
        line += "; nothing left to run"
    print(line)
    failures = outcome.failures
    if len(failures):
        print(f"aiecosim: {len(failures)} runs failed (kept as status 'failed' in runs/):",
              file=sys.stderr)
        counts = Counter(failures["error"].to_list())
        for error, n in counts.most_common(SHOWN_ERRORS):
            runs = failures.filter(failures["error"] == error)["run"].head(5).to_list()
            print(f"  {n} x {error} (runs {', '.join(map(str, runs))}{', ...' if n > 5 else ''})",
                  file=sys.stderr)
        if len(counts) > SHOWN_ERRORS:
            print(f"  and {len(counts) - SHOWN_ERRORS} other errors", file=sys.stderr)
    if outcome.scheduler_lost:
        print(f"aiecosim: lost the connection to the Dask scheduler; {recorded} of "
              f"{outcome.total} runs are recorded; rerun the same command to resume",
              file=sys.stderr)
    if outcome.workers_gone:
        print(f"aiecosim: the cluster had no worker for {outcome.workers_gone:.0f} s (--worker-wait); "
              f"{recorded} of {outcome.total} runs are recorded; start workers and rerun the same "
              "command to resume", file=sys.stderr)
    if outcome.lost:
        print(f"aiecosim: {outcome.lost_runs} runs lost with their tasks; rerun the same command "
              "to retry them:", file=sys.stderr)
        for line in outcome.lost[:SHOWN_ERRORS]:
            print(f"  {line}", file=sys.stderr)
