"""Overrides: changes to a scenario as ``{dotted key: value}``, however they arrive or leave.

The command line reads them from ``--set key=value``; the dashboard finds them by comparing two
worlds and writes them as a file that ``extends`` the picked one. Both follow the scenario
files' own rules (values are TOML, labs merge by name, TOML has no null), so those rules live
here, beside the loader, and not in either front end.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import tomli_w

from aiecosim.model import keys
from aiecosim.model.errors import ScenarioError
from aiecosim.model.migrations import SCHEMA_VERSION
from aiecosim.model.scenario import Scenario


# ------------------------------------------------------------------------------- --set
def parse_value(text: str) -> Any:
    """A ``--set`` value as TOML (numbers, booleans, arrays, quoted strings), else a bare string."""
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text


def parse_sets(pairs: list[str] | None) -> dict[str, Any]:
    """``["a.b=1", ...]`` to ``{"a.b": 1}``; a pair without ``=`` is a one-line error."""
    overrides: dict[str, Any] = {}
    for pair in pairs or []:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise ScenarioError("--set", pair, "expected key=value, e.g. policy.liability.strength=0.8")
        overrides[key.strip()] = parse_value(value.strip())
    return overrides


def load_with_overrides(path: str | Path, sets: list[str] | None) -> Scenario:
    """The scenario file at ``path`` with ``--set`` pairs applied."""
    scenario = Scenario.load(path)
    overrides = parse_sets(sets)
    return scenario.with_overrides(overrides) if overrides else scenario


# --------------------------------------------------------------------- between two worlds
def changes(base: dict[str, Any], target: dict[str, Any]) -> dict[str, Any]:
    """The overrides that turn ``base`` into ``target`` (both ``Scenario.to_dict()`` outputs).

    Labs (and jurisdictions) change field by field while both hold the same ones in the same
    order. Otherwise the whole list is the override: a lab cannot be added, removed or moved by
    dotted keys.
    """
    moved = [name for name in keys.NAMED_LISTS
             if list(keys.by_name(base, name)) != list(keys.by_name(target, name))]
    out: dict[str, Any] = {}
    for key, _, new in keys.diff(base, target):
        if keys.parts(key)[0] in moved:
            out.setdefault(keys.parts(key)[0], target[keys.parts(key)[0]])
        elif new is not keys.ABSENT:
            out[key] = new
    for name in moved:
        out.setdefault(name, target[name])
    return out


# -------------------------------------------------------------------------- a child file
def child_file_text(extends: str, overrides: dict[str, Any], full: dict[str, Any] | None = None,
                    note: str = "") -> str:
    """A scenario file holding only ``overrides`` on top of the file ``extends``.

    A whole replaced ``labs`` list cannot be written as a child file (labs merge by name, so a
    removed lab would come back); then the complete resolved scenario ``full`` is written.
    """
    header = [f"# {line}" for line in note.splitlines()] if note else []
    replaced = [name for name in keys.NAMED_LISTS if name in overrides]
    if replaced and full is not None:
        header.append(f"# The {' and '.join(replaced)} differ from {extends}'s, so this file "
                      "holds the whole scenario.")
        rest = {k: v for k, v in _without_nulls(full).items() if k != "schema_version"}
        body: dict[str, Any] = {"schema_version": SCHEMA_VERSION, **rest}
    else:
        header.append(f"# Changes to {extends}; aiecosim resolves `extends` next to this file, "
                      "else among the shipped scenarios.")
        tables = keys.nest(dict(sorted(overrides.items())))
        body = {"schema_version": SCHEMA_VERSION, "extends": extends, **_without_nulls(tables)}
    return "\n".join(header) + "\n" + tomli_w.dumps(body)


def _without_nulls(value: Any) -> Any:
    """TOML has no null: a key set to None means "the schema's default", so it is left out."""
    if isinstance(value, dict):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nulls(v) for v in value]
    return value
