"""The scenario schema read as a list of editable fields: the one source of every control.

Each leaf of the pydantic ``Scenario`` (outside the ``labs`` and ``events`` lists) becomes a
``FieldSpec`` carrying its dotted key, label, unit, bounds, help text and ``lever`` flag, so the
sidebar, the policy map's axes and the URL all agree with the schema without repeating it.
Labs are per scenario: ``lab_fields`` lists the fields of each lab a scenario holds.
"""

from __future__ import annotations

import math
import typing
from dataclasses import dataclass
from functools import lru_cache
from collections.abc import Iterable
from typing import Any

from aiecosim.model.keys import lab_key
from aiecosim.model.scenario import Lab, Scenario
from aiecosim.model.schema_walk import Leaf, leaves

# Identity and bookkeeping, not parameters of the world a researcher tunes.
SKIPPED = frozenset({"schema_version", "name", "description", "labs", "events",
                     "initial_mode", "release_plan"})

# A slider is only readable over a range it can show linearly; wider ranges get a number box.
MAX_SLIDER_DECADES = 3


@dataclass(frozen=True)
class FieldSpec:
    """One editable scenario field, as the dashboard shows it."""

    key: str                          # dotted key, as ``Scenario.with_overrides`` takes it
    section: str                      # dotted key of the table holding it ("" for top level)
    name: str                         # the field's own name
    kind: str                         # "float", "int", "bool" or "choice"
    description: str
    unit: str = ""
    lever: bool = False
    low: float | None = None          # inclusive lower bound for the control
    high: float | None = None         # inclusive upper bound for the control
    low_exclusive: bool = False       # the schema says gt, not ge: ``low`` itself is invalid
    choices: tuple[Any, ...] = ()
    default: Any = None

    @property
    def label(self) -> str:
        text = self.name.replace("_", " ")
        text = text[:1].upper() + text[1:]
        return f"{text} ({self.unit})" if self.unit else text

    @property
    def slider(self) -> bool:
        """True when the range is narrow enough for a linear slider."""
        if self.kind not in ("float", "int") or self.low is None or self.high is None:
            return False
        if self.low > 0 and self.high / self.low >= 10 ** MAX_SLIDER_DECADES:
            return False
        return self.high - self.low <= 1000

    @property
    def control_min(self) -> float | None:
        """The smallest value a control offers: one step above an exclusive bound."""
        if self.low is not None and self.low_exclusive:
            return self.low + self.step if self.slider else None
        return self.low

    @property
    def step(self) -> float:
        """A round step of about 1/200 of the range, so a slider lands on readable values,
        and fine enough to hold the default (a leak rate of 4e-4 on a 0-1 range)."""
        if self.kind == "int":
            return 1
        span = (self.high or 1.0) - (self.low or 0.0)
        step = 10 ** math.floor(math.log10(span / 200)) if span > 0 else 0.01
        if isinstance(self.default, (int, float)) and self.default:
            step = min(step, 10 ** (math.floor(math.log10(abs(self.default))) - 1))
        return step


def _spec(leaf: Leaf) -> FieldSpec | None:
    """The control of one schema leaf, or None for a value no control edits (text, lists)."""
    common = {"key": leaf.key, "section": leaf.section, "name": leaf.name, "default": leaf.default,
              "description": leaf.description, "unit": leaf.unit, "lever": leaf.lever}
    annotation = leaf.annotation
    if annotation is bool:
        return FieldSpec(kind="bool", **common)
    if typing.get_origin(annotation) is typing.Literal:
        return FieldSpec(kind="choice", choices=typing.get_args(annotation), **common)
    if annotation in (int, float):
        return FieldSpec(kind=annotation.__name__, low=leaf.low, high=leaf.high,
                         low_exclusive=leaf.low_exclusive, **common)
    return None


def _specs(found: Iterable[Leaf]) -> tuple[FieldSpec, ...]:
    specs = (_spec(leaf) for leaf in found if leaf.name not in SKIPPED)
    return tuple(spec for spec in specs if spec is not None)


@lru_cache(maxsize=1)
def scenario_fields() -> tuple[FieldSpec, ...]:
    """Every editable field outside the labs, in schema order."""
    return _specs(leaves(Scenario))


def levers() -> tuple[FieldSpec, ...]:
    """The policy levers (fields flagged ``lever=True``), in schema order."""
    return tuple(f for f in scenario_fields() if f.lever)


def lab_fields(lab_name: str) -> tuple[FieldSpec, ...]:
    """The editable fields of one lab, keyed ``labs.<name>.<field>``."""
    return _specs(leaves(Lab, lab_key(lab_name)))


@lru_cache(maxsize=1)
def _by_key() -> dict[str, FieldSpec]:
    return {f.key: f for f in scenario_fields()}


def field_by_key(key: str) -> FieldSpec | None:
    """The spec of a dotted key outside the labs, or None."""
    return _by_key().get(key)
