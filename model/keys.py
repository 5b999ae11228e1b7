"""Dotted scenario keys: the one place that reads, writes, flattens, nests and compares them.

A dotted key such as ``policy.liability.strength`` names one value of a scenario's plain data
(``Scenario.to_dict()``). Labs are addressed by name, ``labs.open-bigtech.openness``, because
scenario files merge labs by name; a position (``labs.0.openness``) works where no lab has that
name. Jurisdictions are addressed the same way, ``jurisdictions.home.policy.release_regime``,
and ``policy.<field>`` is shorthand for that field in every jurisdiction (a coordinated policy);
read, it gives the first (home) jurisdiction's value. ``--set``, design files, the dashboard's
controls and URL, and ``aiecosim scenario diff`` all speak this one language, so they are all
built on these functions.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from aiecosim.model.errors import ScenarioError, unknown_key_message

SEP = "."
LABS = "labs"
JURISDICTIONS = "jurisdictions"
NAMED_LISTS = (LABS, JURISDICTIONS)  # top-level lists whose tables are addressed by name
POLICY = "policy"  # shorthand for the policy of every jurisdiction (see ``expand``)
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


def by_name(data: Mapping[str, Any], list_name: str) -> dict[str, dict[str, Any]]:
    """Each table of the named list ``list_name`` without its name, by name, in order."""
    items = data.get(list_name)
    if not _named(items):
        return {}
    return {item["name"]: {k: v for k, v in item.items() if k != "name"} for item in items}


def labs_by_name(data: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Each lab's table without its name, by name, in order."""
    return by_name(data, LABS)


# ---------------------------------------------------------------------------- get and set
def expand(data: Any, key: str) -> list[str]:
    """The keys ``key`` stands for in ``data``: ``policy.<field>`` names the field in every
    jurisdiction when the scenario keeps its policy by jurisdiction; any other key itself."""
    names = parts(key)
    places = data.get(JURISDICTIONS) if isinstance(data, dict) else None
    if names[0] != POLICY or POLICY in data or not _named(places) or not places:
        return [key]
    return [join(JURISDICTIONS, place["name"], *names) for place in places]


def get(data: Any, key: str, default: Any = _MISSING) -> Any:
    """The value at ``key``; ``default`` if there is none (``KeyError`` without a default).
    ``policy.<field>`` reads the first jurisdiction's."""
    node: Any = data
    key = expand(data, key)[0]
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
    concrete = expand(data, key)
    if concrete != [key]:
        for each in concrete:
            _set_one(data, each, value, source, shown=key)
        return
    _set_one(data, key, value, source)


def _set_one(data: dict[str, Any], key: str, value: Any, source: str, shown: str = "") -> None:
    names = parts(key)
    key = shown or key
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
    is always a value. With ``labs``, the top-level lists of labs and of jurisdictions become
    ``labs.<name>.<field>`` (the lab's table without its name is at ``labs.<name>``), the
    inverse of ``nest``.
    """
    out: dict[str, Any] = {}
    for name, value in data.items():
        key = child(prefix, str(name))
        if labs and not prefix and name in NAMED_LISTS and _named(value):
            for item, table in by_name(data, name).items():
                out.update(_flat_table(child(name, item), table, leaf, labs))
        else:
            out.update(_flat_table(key, value, leaf, labs))
    return out


def _flat_table(key: str, value: Any, leaf: KeepWhole, labs: bool) -> dict[str, Any]:
    if isinstance(value, dict) and value and not leaf(key, value):
        return flatten(value, leaf, labs=labs, prefix=key)
    return {key: value}


def nest(flat: Mapping[str, Any]) -> dict[str, Any]:
    """``{dotted key: value}`` to nested tables, in order; ``labs.<name>...`` keys become
    ``[[labs]]`` tables by name (and ``jurisdictions.<name>...`` ``[[jurisdictions]]``), so the
    result reads as (part of) a scenario file."""
    tree: dict[str, Any] = {}
    lists: dict[str, dict[str, dict[str, Any]]] = {}
    for key, value in flat.items():
        names = parts(key)
        node = tree
        if names[0] in NAMED_LISTS and len(names) > 1:
            node = lists.setdefault(names[0], {}).setdefault(names[1], {"name": names[1]})
            names = names[2:]
            if not names:
                node.update(value)
                continue
        for name in names[:-1]:
            node = node.setdefault(name, {})
        node[names[-1]] = value
    for list_name, items in lists.items():
        tree[list_name] = list(items.values())
    return tree


# ----------------------------------------------------------------------------------- diff
def diff(a: Mapping[str, Any], b: Mapping[str, Any]) -> list[tuple[str, Any, Any]]:
    """``(key, value in a, value in b)`` for every key whose values differ, in a's order, then
    the keys only b has; a missing side is ``ABSENT``.

    Labs are compared by name: a lab on both sides gives one row per field that differs, a lab
    on one side only is one row, its whole table (without its name) against ``ABSENT``.
    """
    only_one = {child(list_name, n) for list_name in NAMED_LISTS
                for n in by_name(a, list_name).keys() ^ by_name(b, list_name).keys()}

    def whole(key: str, table: dict[str, Any]) -> bool:
        return key in only_one

    flat_a, flat_b = flatten(a, whole), flatten(b, whole)
    rows = []
    for key in [*flat_a, *(k for k in flat_b if k not in flat_a)]:
        va, vb = flat_a.get(key, ABSENT), flat_b.get(key, ABSENT)
        if va != vb:
            rows.append((key, va, vb))
    return _policy_shorthand(rows, list(by_name(a, JURISDICTIONS)),
                             list(by_name(b, JURISDICTIONS)))


def _policy_shorthand(rows: list[tuple[str, Any, Any]], places_a: list[str],
                      places_b: list[str]) -> list[tuple[str, Any, Any]]:
    """Rows of one policy field that changed alike in every jurisdiction, as one
    ``policy.<field>`` row (the key that makes the change)."""
    if not places_a or places_a != places_b:
        return rows

    def field(key: str) -> str | None:
        names = parts(key)
        if len(names) > 3 and names[0] == JURISDICTIONS and names[2] == POLICY:
            return join(*names[2:])
        return None

    changes: dict[str, list[tuple[str, Any, Any]]] = {}
    for key, va, vb in rows:
        if field(key) is not None:
            changes.setdefault(field(key), []).append((parts(key)[1], va, vb))
    alike = {f for f, found in changes.items()
             if [place for place, _, _ in found] == places_a
             and len({repr(change[1:]) for change in found}) == 1}
    out, shown = [], []  # (this module's ``set`` is the dotted-key setter)
    for key, va, vb in rows:
        name = field(key)
        if name in alike:
            if name not in shown:
                shown.append(name)
                out.append((name, va, vb))
        else:
            out.append((key, va, vb))
    return out
