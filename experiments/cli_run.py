"""``aiecosim run``: simulate one scenario and print a summary of its key metrics."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console

from model import Scenario, simulate
from model.errors import ScenarioError
from model.scenario_io import parse_cli_value
from experiments.summary import summary_table, yearly_summary


def parse_sets(pairs: list[str] | None) -> dict[str, object]:
    """``["a.b=1", ...]`` to ``{"a.b": 1}``; a pair without ``=`` is a one-line error."""
    overrides: dict[str, object] = {}
    for pair in pairs or []:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise ScenarioError("--set", pair, "expected key=value, e.g. policy.liability.strength=0.8")
        overrides[key.strip()] = parse_cli_value(value.strip())
    return overrides


def load_with_overrides(path: Path, sets: list[str] | None) -> Scenario:
    scenario = Scenario.load(path)
    overrides = parse_sets(sets)
    return scenario.with_overrides(overrides) if overrides else scenario


def write_atomically(path: Path, write) -> None:
    """Call ``write(tmp_path)`` and rename into place, so no half-written file is ever seen."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def register(app: typer.Typer) -> None:
    @app.command()
    def run(
        scenario: Annotated[Path, typer.Argument(help="Scenario TOML file.")],
        seed: Annotated[int, typer.Option(help="Random seed.")] = 1,
        set_: Annotated[Optional[list[str]], typer.Option(
            "--set", help="Override a key, e.g. --set policy.liability.strength=0.8")] = None,
        out: Annotated[Optional[Path], typer.Option(help="Write the monthly series (.parquet or .csv).")] = None,
    ) -> None:
        """Simulate SCENARIO and print its key metrics at years 1, 5 and 10."""
        sc = load_with_overrides(scenario, set_)
        if out is not None and out.suffix not in (".parquet", ".csv"):
            raise ScenarioError("--out", str(out), "expected a .parquet or .csv file name")
        frame = simulate(sc, seed=seed)
        title = f"{sc.name} (seed {seed}; yearly means)"
        Console().print(summary_table(yearly_summary(frame), title))
        if out is not None:
            writer = frame.write_parquet if out.suffix == ".parquet" else frame.write_csv
            write_atomically(out, lambda tmp: writer(tmp))
