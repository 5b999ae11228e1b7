"""Dotted scenario keys: the one place that reads, writes, flattens, nests and compares them.

A dotted key such as ``policy.liability.strength`` names one value of a scenario's plain data
(``Scenario.to_dict()``). Labs are addressed by name, ``labs.open-bigtech.openness``, because
scenario files merge labs by name; a position (``labs.0.openness``) works where no lab has that
name. ``--set``, design files, the dashboard's controls and URL, and ``aiecosim scenario diff``
all speak this one language, so they are all built on these functions.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from aiecosim.model.errors import ScenarioError, unknown_key_message

SEP = "."
LABS = "labs"
EXAMPLE = "policy.liability.strength"


class _Absent:
    """The marker of a key that one side of a ``diff`` does not have."""

    def __repr__(self) -> str:
        return "ABSENT"


ABSENT: Any = _Absent()
_MISSING: Any = object()


# ------------------------------------------------------------------------------ spelling keys
def parts(key: str) -> list[str]:
    """``"policy.liability.strength"`` -> ``["policy", "liability", "strength"]``."""
    return key.split(SEP)


def join(*names: str) -> str:
    """The inverse of ``parts``."""
    return SEP.join(names)


def child(prefix: str, name: str) -> str:
    """The key of ``name`` inside the table at ``prefix`` ("" for the top level)."""
    return f"{prefix}{SEP}{name}" if prefix else name


def lab_key(name: str) -> str:
    """The key of one lab: ``labs.<name>``."""
    return child(LABS, name)


def lab_name(key: str) -> str | None:
    """The name of the lab a ``labs.<name>...`` key addresses, else None."""
    found = parts(key)
    return found[1] if len(found) > 1 and found[0] == LABS else None


def short(key: str) -> str:
    """A key short enough for a label: the field's name, after the lab's name for lab fields
    (two labs may vary the same field)."""
    if lab_name(key) is not None:
        return key.split(SEP, 1)[1]
    return key.rsplit(SEP, 1)[-1]


def from_loc(loc: tuple[Any, ...], data: Any = None) -> str:
    """A validation error's location as a dotted key, each lab by its name in ``data``:
    ``('labs', 2, 'openness')`` -> ``labs.open-bigtech.openness``."""
    names: list[str] = []
    node: Any = data
    for item in loc:
        if isinstance(item, int) and isinstance(node, list) and item < len(node):
            node = node[item]
            name = node.get("name") if isinstance(node, dict) else None
            names.append(str(name) if isinstance(name, str) else str(item))
            continue
        names.append(str(item))
        node = node.get(item) if isinstance(node, dict) else None
    return join(*names)


# --------------------------------------------------------------------------- labs by name
def _index(items: list[Any], name: str) -> int | None:
    """The position of the item called ``name``, else of position ``name``, else None."""
    for i, item in enumerate(items):
        if isinstance(item, dict) and item.get("name") == name:
            return i
    if name.isdigit() and int(name) < len(items):
        return int(name)
    return None


def _named(value: Any) -> bool:
    """True for a list of tables that all have a name, as a scenario's labs are."""
    return isinstance(value, list) and all(
        isinstance(item, dict) and isinstance(item.get("name"), str) for item in value)


def labs_by_name(data: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Each lab's table without its name, by name, in order."""
    labs = data.get(LABS)
    if not _named(labs):
        return {}
    return {lab["name"]: {k: v for k, v in lab.items() if k != "name"} for lab in labs}


# ---------------------------------------------------------------------------- get and set
def get(data: Any, key: str, default: Any = _MISSING) -> Any:
    """The value at ``key``; ``default`` if there is none (``KeyError`` without a default)."""
    node: Any = data
    for name in parts(key):
        if isinstance(node, list):
            index = _index(node, name)
            node = node[index] if index is not None else _MISSING
        elif isinstance(node, dict):
            node = node.get(name, _MISSING)
        else:
            node = _MISSING
        if node is _MISSING:
            if default is _MISSING:
                raise KeyError(key)
            return default
    return node


def set(data: dict[str, Any], key: str, value: Any, source: str = "--set") -> None:  # noqa: A001
    """Replace the value at an existing ``key`` in place.

    A key that names nothing is a ``ScenarioError`` of ``source`` suggesting the closest key
    (or lab name) where the key went astray; keys are never created, so a typo cannot pass.
    """
    names = parts(key)
    if not key or any(not name for name in names):
        raise ScenarioError(source, key, f"expected a dotted key such as {EXAMPLE}")
    node: Any = data
    for i, name in enumerate(names):
        last = i == len(names) - 1
        if isinstance(node, list):
            index = _index(node, name)
            if index is None:
                labels = [str(x.get("name")) for x in node if isinstance(x, dict)]
                raise ScenarioError(source, key, unknown_key_message(name, labels))
            if last:
                node[index] = value
                return
            node = node[index]
            continue
        if not isinstance(node, dict) or name not in node:
            allowed = list(node) if isinstance(node, dict) else []
            raise ScenarioError(source, key, unknown_key_message(name, allowed))
        if last:
            node[name] = value
            return
        node = node[name]


# ---------------------------------------------------------------------- flatten and nest
KeepWhole = Callable[[str, dict[str, Any]], bool]  # (key, table) -> keep the table as a value


def _never(key: str, table: dict[str, Any]) -> bool:
    return False


def flatten(data: Mapping[str, Any], leaf: KeepWhole = _never, *, labs: bool = True,
            prefix: str = "") -> dict[str, Any]:
    """Nested tables to ``{dotted key: value}``, in order.

    ``leaf(key, table)`` says when a table is a value rather than more nesting; an empty table
    is always a value. With ``labs``, the top-level list of labs becomes ``labs.<name>.<field>``
    (the lab's table without its name is at ``labs.<name>``), the inverse of ``nest``.
    """
    out: dict[str, Any] = {}
    for name, value in data.items():
        key = child(prefix, str(name))
        if labs and not prefix and name == LABS and _named(value):
            for lab, table in labs_by_name(data).items():
                out.update(_flat_table(lab_key(lab), table, leaf, labs))
        else:
            out.update(_flat_table(key, value, leaf, labs))
    return out


def _flat_table(key: str, value: Any, leaf: KeepWhole, labs: bool) -> dict[str, Any]:
    if isinstance(value, dict) and value and not leaf(key, value):
        return flatten(value, leaf, labs=labs, prefix=key)
    return {key: value}


def nest(flat: Mapping[str, Any]) -> dict[str, Any]:
    """``{dotted key: value}`` to nested tables, in order; ``labs.<name>...`` keys become
    ``[[labs]]`` tables by name, so the result reads as (part of) a scenario file."""
    tree: dict[str, Any] = {}
    labs: dict[str, dict[str, Any]] = {}
    for key, value in flat.items():
        names = parts(key)
        node = tree
        if names[0] == LABS and len(names) > 1:
            node = labs.setdefault(names[1], {"name": names[1]})
            names = names[2:]
            if not names:
                node.update(value)
                continue
        for name in names[:-1]:
            node = node.setdefault(name, {})
        node[names[-1]] = value
    if labs:
        tree[LABS] = list(labs.values())
    return tree


# ----------------------------------------------------------------------------------- diff
def diff(a: Mapping[str, Any], b: Mapping[str, Any]) -> list[tuple[str, Any, Any]]:
    """``(key, value in a, value in b)`` for every key whose values differ, in a's order, then
    the keys only b has; a missing side is ``ABSENT``.

    Labs are compared by name: a lab on both sides gives one row per field that differs, a lab
    on one side only is one row, its whole table (without its name) against ``ABSENT``.
    """
    only_one = {lab_key(n) for n in labs_by_name(a).keys() ^ labs_by_name(b).keys()}

    def whole(key: str, table: dict[str, Any]) -> bool:
        return key in only_one

    flat_a, flat_b = flatten(a, whole), flatten(b, whole)
    rows = []
    for key in [*flat_a, *(k for k in flat_b if k not in flat_a)]:
        va, vb = flat_a.get(key, ABSENT), flat_b.get(key, ABSENT)
        if va != vb:
            rows.append((key, va, vb))
    return rows
