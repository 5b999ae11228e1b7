"""Changes to a scenario as dotted-key overrides: found by difference, written as TOML.

The dashboard keeps "the picked scenario file plus the keys the user changed". The same mapping
goes into the URL, into ``Scenario.with_overrides`` and into a downloaded file that ``extends``
the picked one, so all three describe one world.
"""

from __future__ import annotations

from typing import Any

import tomli_w

from aiecosim.model.scenario import SCHEMA_VERSION


def _lab_names(labs: Any) -> list[Any] | None:
    if not isinstance(labs, list) or not all(isinstance(lab, dict) for lab in labs):
        return None
    return [lab.get("name") for lab in labs]


def diff(base: dict[str, Any], target: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """The dotted keys at which ``target`` differs from ``base``, with ``target``'s values.

    Both are ``Scenario.to_dict()`` outputs. Labs are compared by name when both scenarios hold
    the same labs in the same order (``labs.<name>.<field>``); otherwise the whole list differs.
    """
    out: dict[str, Any] = {}
    for key, new in target.items():
        old = base.get(key)
        dotted = f"{prefix}{key}"
        if isinstance(new, dict) and isinstance(old, dict):
            out.update(diff(old, new, f"{dotted}."))
        elif dotted == "labs" and _lab_names(new) is not None and _lab_names(new) == _lab_names(old):
            for old_lab, new_lab in zip(old, new):
                out.update(diff(old_lab, new_lab, f"labs.{new_lab['name']}."))
        elif new != old:
            out[dotted] = new
    return out


def _nest(overrides: dict[str, Any]) -> dict[str, Any]:
    """Dotted keys to nested tables; ``labs.<name>.<field>`` to ``[[labs]]`` tables by name."""
    tree: dict[str, Any] = {}
    labs: dict[str, dict[str, Any]] = {}
    for dotted, value in sorted(overrides.items()):
        parts = dotted.split(".")
        if parts[0] == "labs" and len(parts) > 2:
            node = labs.setdefault(parts[1], {"name": parts[1]})
            parts = parts[2:]
        else:
            node = tree
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    if labs:
        tree["labs"] = list(labs.values())
    return tree


def to_toml(extends: str, overrides: dict[str, Any], full: dict[str, Any] | None = None,
            note: str = "") -> str:
    """A scenario file holding only ``overrides`` on top of the file ``extends``.

    A whole replaced ``labs`` list cannot be written as a child file (labs merge by name, so a
    removed lab would come back); then the complete resolved scenario ``full`` is written.
    """
    header = [f"# {line}" for line in note.splitlines()] if note else []
    if "labs" in overrides and full is not None:
        header.append(f"# The labs differ from {extends}'s, so this file holds the whole scenario.")
        rest = {k: v for k, v in _without_nulls(full).items() if k != "schema_version"}
        body: dict[str, Any] = {"schema_version": SCHEMA_VERSION, **rest}
    else:
        header.append(f"# Changes to {extends}; aiecosim resolves `extends` next to this file.")
        body = {"schema_version": SCHEMA_VERSION, "extends": extends,
                **_without_nulls(_nest(overrides))}
    return "\n".join(header) + "\n" + tomli_w.dumps(body)


def _without_nulls(value: Any) -> Any:
    """TOML has no null: a key set to None means "the schema's default", so it is left out."""
    if isinstance(value, dict):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nulls(v) for v in value]
    return value
