"""``aiecosim findings``: rerun the experiments behind docs/findings.md and rewrite it."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console



def register(app: typer.Typer) -> None:
    @app.command()
    def findings(
        out: Annotated[Optional[Path], typer.Option(
            help="The page to write (default docs/findings.md; with --small, inside --results).")]
        = None,
        results: Annotated[Path, typer.Option(help="Folder for the sweeps' results (resumable).")]
        = Path("results") / "findings",
        workers: Annotated[int, typer.Option(help="Local Dask worker processes.")] = 2,
        small: Annotated[bool, typer.Option(help="Fewer seeds and samples (a quick check).")] = False,
    ) -> None:
        """Run the findings' sweeps, then write the page with its figures (HTML and PNG)."""
        from aiecosim.experiments.findings.generate import run_sweeps
        from aiecosim.experiments.findings.page import write_page

        console = Console()
        started = time.perf_counter()
        results_dir = results / "small" if small else results
        out = out or (results_dir / "findings.md" if small else Path("docs") / "findings.md")
        computed = run_sweeps(results_dir, workers, small=small, console=console)
        claims = write_page(computed, out)
        failed = [c for c in claims if not c.holds]
        console.print(f"wrote {out} with {len(claims)} claims ({len(failed)} not holding) in "
                      f"{time.perf_counter() - started:.0f} s")
        for claim in failed:
            console.print(f"[red]does not hold[/red]: {claim.section}: {claim.name}: {claim.measured}")
