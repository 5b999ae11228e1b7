"""A commented starter scenario file that extends another and shows the levers to change.

The levers and their descriptions come from the schema (fields marked ``lever``), with the
values of the scenario being extended, so the starter never repeats a default of its own.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import tomli_w

from aiecosim.model import keys
from aiecosim.model.catalogue import CATALOGUE
from aiecosim.model.errors import ScenarioError
from aiecosim.model.scenario import SCHEMA_VERSION, Scenario
from aiecosim.model.schema_walk import leaves

NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,79}")


def check_name(name: str) -> str:
    """A scenario name usable as a file name: letters, digits, '-' and '_'."""
    stem = name.removesuffix(".toml")
    if not NAME.fullmatch(stem):
        raise ScenarioError("NAME", name, "expected letters, digits, '-' or '_' "
                            "(at most 80, starting with a letter or digit)")
    return stem


def starter_text(name: str, parent: Scenario, parent_file: Path, target: Path,
                 schema_file: Path) -> str:
    """The text of ``target``, a new scenario ``name`` that extends ``parent_file``."""
    # A shipped parent is named bare, so the file runs wherever it is kept (a bare name not
    # found beside a file resolves to the shipped scenario); any other parent by its path.
    shipped = parent_file.resolve().parent == CATALOGUE.resolve()
    namesake = target.parent / parent_file.name  # what a bare name would find first
    other = namesake.exists() and namesake.resolve() != parent_file.resolve()
    extends = parent_file.name if shipped and not other else _relative(parent_file, target.parent)
    lines = [
        f"#:schema {_schema_ref(_relative(schema_file, target.parent))}",
        f"# {name}: a world built on {parent.name} that changes only what it is about.",
        "#",
        "# Question it serves: (say what this world asks, in a sentence or two)",
        "# Sources: (cite where each number you change comes from; docs/calibration.md lists many)",
        "#",
        f"# Uncomment and change only the keys this world is about; the values shown are {parent.name}'s.",
        "# `aiecosim scenario diff PARENT THIS_FILE` shows what you changed, and",
        "# `aiecosim scenario show THIS_FILE` the whole world after extends.",
        f"schema_version = {SCHEMA_VERSION}",
        _toml_line("extends", extends),
        _toml_line("name", name),
        _toml_line("description", f"Built on {parent.name}."),
    ]
    lines += _lever_lines(parent)
    lines += _lab_lines(parent)
    return "\n".join(lines) + "\n"


def _lever_lines(parent: Scenario) -> list[str]:
    """Commented ``key = value`` lines for the levers, under a commented header per table."""
    values = parent.to_dict()
    tables: dict[str, list[str]] = {}
    for leaf in leaves(Scenario):
        if leaf.lever:
            doc = leaf.description.split(" Source:")[0].rstrip(".")
            line = f"# {_toml_line(leaf.name, keys.get(values, leaf.key)):<40} # {doc}"
            tables.setdefault(leaf.section, []).append(line)
    return [line for section, own in tables.items() for line in ("", f"# [{section}]", *own)]


def _lab_lines(parent: Scenario) -> list[str]:
    lab = parent.labs[0]
    return [
        "",
        "# Labs merge by name: a [[labs]] table with an existing name changes that lab's keys;",
        "# a new name adds a lab (see `aiecosim scenario schema` for every key of a lab).",
        "# [[labs]]",
        f"# {_toml_line('name', lab.name)}",
        f"# {_toml_line('openness', lab.openness)}",
    ]


def _schema_ref(relative: str) -> str:
    # Editors' TOML plugins read the directive as a URL-like reference: "./x" for a sibling.
    return relative if relative.startswith("../") else f"./{relative}"


def _toml_line(key: str, value: Any) -> str:
    return tomli_w.dumps({key: value}).strip()


def _relative(path: Path, start: Path) -> str:
    """``path`` relative to the folder ``start``, with forward slashes, as shared files need."""
    return Path(os.path.relpath(Path(path).resolve(), Path(start).resolve())).as_posix()
