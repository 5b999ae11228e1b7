"""``aiecosim scenario``: validate, show, diff, schema, priors and new — the tools for shared worlds."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any, Optional

import tomli_w
import typer
from rich.console import Console
from rich.table import Table

from aiecosim.experiments import prior_table
from aiecosim.experiments.atomic import write_atomically
from aiecosim.experiments.doc_sections import replace_section
from aiecosim.model.catalogue import SCHEMA_FILE, find_scenario
from aiecosim.experiments.starter import check_name, starter_text
from aiecosim.model import keys
from aiecosim.model import priors as priors_model
from aiecosim.model.errors import ScenarioError
from aiecosim.model.file_schema import scenario_file_schema_text
from aiecosim.model.overrides import load_with_overrides
from aiecosim.model.scenario import Scenario

SetOption = Annotated[Optional[list[str]], typer.Option(
    "--set", help="Override a key, e.g. --set policy.liability.strength=0.8")]


def register(app: typer.Typer) -> None:
    group = typer.Typer(help="Check, show, compare and start scenario files.",
                        no_args_is_help=True)
    app.add_typer(group, name="scenario")

    @group.command()
    def validate(
        files: Annotated[list[str], typer.Argument(help="Scenario files or shipped names.")],
    ) -> None:
        """Check each FILE (after extends); one line per file, exit status 2 if any is bad."""
        bad = 0
        for text in files:
            try:
                path = find_scenario(text)
                sc = Scenario.load(path)
            except ScenarioError as exc:
                print(f"aiecosim: {exc}", file=sys.stderr)
                bad += 1
                continue
            print(f"{path}: ok ({sc.name}, {len(sc.labs)} labs, {sc.steps} months)")
        if bad:
            raise typer.Exit(2)

    @group.command()
    def show(
        file: Annotated[str, typer.Argument(help="Scenario file or shipped name.")],
        set_: SetOption = None,
    ) -> None:
        """Print FILE fully resolved (extends and --set applied) as TOML: a complete world."""
        path = find_scenario(file)
        sc = load_with_overrides(path, set_)
        sets = "".join(f" --set {s}" for s in set_ or [])
        sys.stdout.write(f"# {file}{sets}, resolved: every key after extends and --set.\n"
                         f"# scenario hash {sc.digest()}\n" + tomli_w.dumps(sc.to_dict()))

    @group.command()
    def diff(
        a: Annotated[str, typer.Argument(help="First scenario file or shipped name.")],
        b: Annotated[str, typer.Argument(help="Second scenario file or shipped name.")],
    ) -> None:
        """Print the keys whose resolved values differ between A and B, with both values."""
        path_a, path_b = find_scenario(a), find_scenario(b)
        sc_a, sc_b = Scenario.load(path_a), Scenario.load(path_b)
        rows = keys.diff(sc_a.to_dict(), sc_b.to_dict())
        if not rows:
            print(f"{a} and {b} describe the same world.")
            return
        table = Table(title=f"{len(rows)} keys differ", title_justify="left")
        for header in ("key", a, b):
            table.add_column(header, overflow="fold")
        for key, va, vb in rows:
            table.add_row(key, _shown(va), _shown(vb))
        Console(width=max(100, Console().width)).print(table)

    @group.command()
    def schema() -> None:
        """Print the JSON Schema of scenario files (scenarios/scenario.schema.json is a copy)."""
        sys.stdout.write(scenario_file_schema_text())

    @group.command()
    def priors(
        status: Annotated[Optional[str], typer.Option(
            "--status", help="Only this status: sourced, calibrated, assumption, setting, "
            "lever.")] = None,
        odd: Annotated[Optional[Path], typer.Option(
            "--odd", help="Write the table as the priors section of this Markdown file "
            "(docs/ODD.md).")] = None,
    ) -> None:
        """Print every numeric parameter with its status (sourced, calibrated, assumed) and
        prior: the distribution, range and reason that calibration and plausible worlds use."""
        rows = priors_model.rows()
        if status is not None:
            if status not in prior_table.STATUSES:
                raise ScenarioError("--status", "", f"expected one of "
                                    f"{', '.join(prior_table.STATUSES)}, found {status!r}")
            rows = [row for row in rows if row.status == status]
        if odd is not None:
            if not odd.is_file():
                raise ScenarioError(f"--odd {odd}", "", "file not found")
            replace_section(odd, prior_table.SECTION, prior_table.markdown(rows))
            print(f"wrote section {prior_table.SECTION} of {odd}")
            return
        table = Table(title=prior_table.summary_line(rows), title_justify="left")
        table.add_column("key", no_wrap=True)  # a key is copied whole into --set or a design
        for header in ("default", "unit", "status", "prior", "reason"):
            table.add_column(header, overflow="fold")
        for row in rows:
            table.add_row(row.key, f"{row.default:.4g}", row.unit, row.status,
                          row.prior.describe() if row.prior else "-", row.note)
        Console(width=max(140, Console().width)).print(table)

    @group.command()
    def new(
        name: Annotated[str, typer.Argument(help="Name of the new scenario (its file name).")],
        from_: Annotated[str, typer.Option(
            "--from", help="Scenario to extend: a file or a shipped name.")] = "baseline",
        folder: Annotated[Optional[Path], typer.Option(
            "--dir", help="Folder for the new file [default: the extended scenario's].")] = None,
    ) -> None:
        """Write NAME.toml: a commented starter that extends --from and changes nothing yet."""
        stem = check_name(name)
        parent_file = find_scenario(from_)
        parent = Scenario.load(parent_file)
        target = (folder if folder is not None else parent_file.parent) / f"{stem}.toml"
        if target.exists():
            raise ScenarioError(str(target), "", "file exists; choose another NAME or remove it")
        text = starter_text(stem, parent, parent_file, target, SCHEMA_FILE)
        write_atomically(target, lambda tmp: tmp.write_text(text))
        print(f"wrote {target} (extends {parent_file.name}); check it with: "
              f"aiecosim scenario validate {target}")


def _shown(value: Any) -> str:
    if value is keys.ABSENT:
        return "(absent)"
    if isinstance(value, dict):
        return "(a lab)"
    return json.dumps(value)
