"""``aiecosim run``: simulate one scenario and print a summary of its key metrics."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console

from aiecosim.cli.main import ENVIRONMENT_ERRNOS
from aiecosim.experiments.atomic import check_writable, write_atomically
from aiecosim.experiments.executor import Executor
from aiecosim.model.catalogue import find_scenario
from aiecosim.experiments.run_record import SUFFIXES, provenance, write_frame
from aiecosim.experiments.summary import KEY_METRICS, bands_table, summary_table, yearly_bands, yearly_summary
from aiecosim.model.errors import ScenarioError
from aiecosim.model.overrides import load_with_overrides, parse_sets

__all__ = ["write_atomically", "register"]


# numpy's generators take seeds from 0; the series' seed column is a signed 64-bit integer.
MAX_SEED = 2**63 - 1


def register(app: typer.Typer) -> None:
    @app.command()
    def run(
        scenario: Annotated[str, typer.Argument(help="Scenario TOML file, or a shipped scenario's name.")],
        seed: Annotated[Optional[int], typer.Option(
            min=0, max=MAX_SEED, help="Random seed [default: 1].")] = None,
        seeds: Annotated[Optional[int], typer.Option(
            min=1, max=10_000, help="Run seeds 1..N; the summary shows means and 95% intervals.")] = None,
        set_: Annotated[Optional[list[str]], typer.Option(
            "--set", help="Override a key, e.g. --set policy.liability.strength=0.8")] = None,
        out: Annotated[Optional[Path], typer.Option(
            help="Write the monthly series (.parquet, provenance in its metadata; or .csv, "
                 "provenance in FILE.csv.provenance.json).")] = None,
        posterior: Annotated[Optional[Path], typer.Option(
            help="Run plausible worlds: parameter sets drawn by weight from this posterior "
                 "(aiecosim calibrate), each with its own seed.")] = None,
        worlds: Annotated[Optional[int], typer.Option(
            min=1, max=100_000, help="How many worlds to draw from --posterior [default: 100].")]
        = None,
    ) -> None:
        """Simulate SCENARIO and print its key metrics at years 1, 5 and 10."""
        if seed is not None and seeds is not None:
            raise ScenarioError("--seeds", "", "expected --seed N or --seeds N, found both")
        if worlds is not None and posterior is None:
            raise ScenarioError("--worlds", str(worlds), "expected --posterior FILE with it")
        if posterior is not None and seeds is not None:
            raise ScenarioError("--seeds", str(seeds), "expected --worlds with --posterior: "
                                "each world brings its own seed")
        if out is not None and out.suffix not in SUFFIXES:
            raise ScenarioError("--out", str(out), "expected a .parquet or .csv file name")
        if out is not None:
            check_writable("--out", out)  # before simulating, not after
        path = find_scenario(scenario)
        sc = load_with_overrides(path, set_)
        if posterior is not None:
            from aiecosim.experiments.plausible import run_worlds

            run_worlds(sc, posterior, worlds or 100, 1 if seed is None else seed, out,
                       provenance(sc, [], scenario, parse_sets(set_)))
            return
        seed_list = list(range(1, seeds + 1)) if seeds is not None else [1 if seed is None else seed]
        frame = Executor("in-process").run_seeds(sc, seed_list)
        if len(seed_list) == 1:
            title = f"{sc.name} (seed {seed_list[0]}; yearly means)"
            table = summary_table(yearly_summary(frame), title)
        else:
            title = f"{sc.name} (seeds 1-{len(seed_list)}; yearly means ± 95% interval over seeds)"
            table = bands_table(yearly_bands(frame), KEY_METRICS, title)
        Console().print(table)
        if out is not None:
            info = provenance(sc, seed_list, scenario, parse_sets(set_))
            try:
                write_frame(frame, out, info)
            except OSError as exc:
                if exc.errno in ENVIRONMENT_ERRNOS:  # out of memory or file handles: exit 1
                    raise
                reason = exc.strerror or str(exc).rsplit("] ", 1)[-1]  # polars: "... [errno 28] X"
                raise ScenarioError("--out", str(out), f"cannot write: {reason}") from None
