"""The scenario schema read field by field: the one walk over the pydantic models.

The dashboard's controls, the starter file's levers, the property tests' parameter box and the
"did you mean" of a misspelt key all need the same facts about each field (its dotted key, type,
bounds, unit, description, default). They read them here, so a new parameter reaches all of them
without anyone walking the models again.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from annotated_types import Ge, Gt, Le, Lt
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from aiecosim.model.keys import child


@dataclass(frozen=True)
class Leaf:
    """One field that holds a value rather than a table (lists of labs and events included)."""

    key: str                      # dotted key, e.g. "policy.liability.strength"
    section: str                  # dotted key of the table holding it ("" at the top level)
    name: str                     # the field's own name
    annotation: Any
    required: bool
    default: Any                  # None when required
    description: str
    unit: str = ""
    source: str = ""
    lever: bool = False
    low: float | None = None
    high: float | None = None
    low_exclusive: bool = False   # the schema says gt: ``low`` itself is invalid
    high_exclusive: bool = False  # the schema says lt


def _fields(model: type[BaseModel]) -> dict[str, FieldInfo]:
    return model.model_fields


def _table(annotation: Any) -> type[BaseModel] | None:
    """The model of a field that is itself a table, else None."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


def _table_inside(annotation: Any) -> type[BaseModel] | None:
    """The model inside ``X``, ``list[X]`` or ``X | None``, else None."""
    if _table(annotation) is not None:
        return annotation
    if typing.get_origin(annotation) in (list, tuple, types.UnionType, typing.Union):
        for arg in typing.get_args(annotation):
            found = _table_inside(arg)
            if found is not None:
                return found
    return None


def _bounds(info: FieldInfo) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for rule in info.metadata:
        if isinstance(rule, Ge):
            found.update(low=float(rule.ge), low_exclusive=False)
        elif isinstance(rule, Gt):
            found.update(low=float(rule.gt), low_exclusive=True)
        elif isinstance(rule, Le):
            found.update(high=float(rule.le), high_exclusive=False)
        elif isinstance(rule, Lt):
            found.update(high=float(rule.lt), high_exclusive=True)
    return found


def _leaf(key: str, section: str, name: str, info: FieldInfo) -> Leaf:
    extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
    required = info.is_required()
    return Leaf(
        key=key, section=section, name=name, annotation=info.annotation, required=required,
        default=None if required else info.get_default(call_default_factory=True),
        description=info.description or "", unit=str(extra.get("unit", "")),
        source=str(extra.get("source", "")), lever=bool(extra.get("lever", False)),
        **_bounds(info),
    )


def leaves(model: type[BaseModel], prefix: str = "") -> Iterator[Leaf]:
    """Every leaf of ``model`` depth first, in schema order, keyed below ``prefix``.

    A model's ``shorthand_tables`` come first: tables a dotted key may name although they are
    not fields (the scenario's ``policy.<field>`` sets the field in every jurisdiction).
    """
    for name, table in getattr(model, "shorthand_tables", {}).items():
        yield from leaves(table, child(prefix, name))
    for name, info in _fields(model).items():
        key = child(prefix, name)
        table = _table(info.annotation)
        if table is not None:
            yield from leaves(table, key)
        else:
            yield _leaf(key, prefix, name, info)


def field_names(model: type[BaseModel], loc: tuple[Any, ...] = ()) -> list[str]:
    """The names of the fields of the table at ``loc`` (list positions are skipped, so
    ``("labs", 0)`` is a lab); [] where ``loc`` does not reach a table."""
    current: type[BaseModel] | None = model
    for item in loc:
        if isinstance(item, int):
            continue
        info = _fields(current).get(str(item)) if current is not None else None
        if info is None:
            return []
        current = _table_inside(info.annotation)
    return list(_fields(current)) if current is not None else []
