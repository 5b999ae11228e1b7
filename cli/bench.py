"""``aiecosim bench``: the speed and scale table, written to docs/performance.md."""

from __future__ import annotations

from contextlib import nullcontext
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table

from aiecosim.benchmarks.docs_section import replace_section
from aiecosim.benchmarks.sizes import parse_size

FULL = {"sizes": "10k,100k,1M", "months": 120, "reference_months": 12, "baseline_runs": 7,
        "repeats": 3, "out": Path("docs/performance.md")}
# --quick: a smoke run of the whole harness in well under a minute; it writes nothing unless
# --out is given, so a partial table never replaces the full one by accident.
QUICK = {"sizes": "10k,100k", "months": 12, "reference_months": 2, "baseline_runs": 3,
         "repeats": 1, "out": None}
COMMAND = "scripts/aiecosim bench"


def sizes_option(text: str, option: str) -> list[int]:
    """Sizes from "10k,100k,1M"; a bad one is the user's mistake: one line, exit status 2."""
    try:
        sizes = [parse_size(part) for part in text.split(",") if part.strip()]
    except ValueError as exc:
        raise typer.BadParameter(f"{option}: {exc}") from None
    if not sizes:
        raise typer.BadParameter(f"{option}: expected sizes like 10k,100k,1M, found nothing")
    return sizes


def write_profiles(target: Path, console: Console) -> None:
    """Profile both models at 100k members: the vectorized one over a full run, the reference
    over its first three months (as ``python -m aiecosim.benchmarks.profile_step`` does)."""
    from aiecosim.benchmarks.profile_step import markdown, profile, section

    for engine, months in (("vectorized", 120), ("reference", 3)):
        console.print(f"[dim]profiling the {engine} step at 100k members…[/dim]")
        text = markdown(profile(100_000, months, engine), 100_000, months, 15, engine)
        replace_section(target, section(engine), text)


def register(app: typer.Typer) -> None:
    @app.command()
    def bench(
        sizes: Annotated[Optional[str], typer.Option(
            help="Comma-separated totals of population members (default 10k,100k,1M).")] = None,
        months: Annotated[Optional[int], typer.Option(
            min=1, max=600, help="Months the vectorized model runs at each size (default 120).")
        ] = None,
        reference_months: Annotated[Optional[int], typer.Option(
            min=1, max=600, help="Months the per-agent reference runs (default 12).")] = None,
        reference_max: Annotated[str, typer.Option(
            help="Largest size the per-agent reference runs at.")] = "100k",
        baseline_runs: Annotated[Optional[int], typer.Option(
            min=0, max=100, help="Timed runs of the shipped baseline; 0 skips (default 7).")
        ] = None,
        repeats: Annotated[Optional[int], typer.Option(
            min=1, max=20, help="Runs of the vectorized model per size; the fastest is reported "
                                "(default 3).")] = None,
        profile: Annotated[bool, typer.Option(
            help="Also profile both models' step at 100k members and write the top entries.")
        ] = True,
        out: Annotated[Optional[Path], typer.Option(
            help="Markdown file whose generated sections to rewrite "
                 "(default docs/performance.md; none with --quick).")] = None,
        quick: Annotated[bool, typer.Option(
            help="Small sizes and few months: check the harness, write nothing.")] = False,
        against: Annotated[Optional[str], typer.Option(
            help="Also time the baseline and a month's fixed cost at this git revision (a "
                 "hash, tag or HEAD~1), in turn with this code, and report the speed-up.")
        ] = None,
    ) -> None:
        """Time the vectorized model against the per-agent Mesa reference; write the table."""
        from aiecosim.benchmarks.report import (SHORT_COLUMNS, TARGETS, format_figure, headline,
                                       markdown, rows)
        from aiecosim.benchmarks.against import RevisionError, resolve, revision
        from aiecosim.benchmarks.suite import BenchError, run_suite

        preset = QUICK if quick else FULL
        target = out if out is not None else preset["out"]
        if target is not None and not target.parent.is_dir():
            raise typer.BadParameter(f"--out {target}: folder {target.parent} not found "
                                     "(run from the repository root or pass --out)")
        if against is not None:
            try:
                resolve(against)
            except RevisionError as exc:
                raise typer.BadParameter(f"--against {against}: {exc}") from None
        console = Console()
        try:
            with revision(against) if against is not None else nullcontext() as other:
                results = run_suite(
                    sizes=sizes_option(sizes or preset["sizes"], "--sizes"),
                    months=months or preset["months"],
                    reference_months=reference_months or preset["reference_months"],
                    reference_max=sizes_option(reference_max, "--reference-max")[0],
                    baseline_runs=(preset["baseline_runs"] if baseline_runs is None
                                   else baseline_runs),
                    repeats=repeats or preset["repeats"],
                    say=lambda line: console.print(f"[dim]measuring {line}…[/dim]"),
                    against=other,
                )
        except (BenchError, RevisionError) as exc:
            console.print(f"aiecosim bench: {exc}", style="red")
            raise typer.Exit(1) from None

        table = Table(*SHORT_COLUMNS, title="Speed and scale")
        for cells in rows(results):
            table.add_row(*cells)
        console.print(table)
        console.print(f"load average before {results.load_before}, after {results.load_after} "
                      f"on {results.machine['cores']} cores (high load slows every figure)")
        for key, value in headline(results).items():
            name, goal, met = TARGETS[key]
            console.print(f"{name}: {format_figure(key, value)} (target {goal}: "
                          f"{'met' if met(value) else 'NOT met'})")
        if target is None:
            return
        replace_section(target, "bench", markdown(results, COMMAND))
        if profile:
            write_profiles(target, console)
        console.print(f"wrote {target}")
