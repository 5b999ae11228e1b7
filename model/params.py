"""Helpers that give every scenario field its bounds, unit, description and source in one place.

The dashboard, the JSON Schema and the command line's ``--set`` checks all read these fields, so a
parameter's documentation lives here and nowhere else.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Section(BaseModel):
    """A table of a scenario file: unknown keys are errors, assignments are re-validated."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, frozen=False)


def param(
    default: Any,
    doc: str,
    *,
    unit: str = "",
    source: str = "assumption",
    ge: float | None = None,
    le: float | None = None,
    gt: float | None = None,
    lever: bool = False,
) -> Any:
    """A scenario field with its bounds, unit and the source of its default.

    Args:
        default: the calibrated default.
        doc: one line saying what the parameter means.
        unit: the unit, shown beside controls and in the JSON Schema.
        source: where the default comes from, or "assumption".
        ge, le, gt: bounds.
        lever: True for the policy levers the dashboard shows first.
    """
    suffix = f" [{unit}]" if unit else ""
    return Field(
        default,
        description=f"{doc}{suffix}. Source: {source}.",
        ge=ge,
        le=le,
        gt=gt,
        json_schema_extra={"unit": unit, "source": source, "lever": lever},
    )
