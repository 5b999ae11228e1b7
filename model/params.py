"""Helpers that give every scenario field its bounds, unit, description and source in one place.

The dashboard, the JSON Schema and the command line's ``--set`` checks all read these fields, so a
parameter's documentation lives here and nowhere else.
"""

from __future__ import annotations

from typing import Any, get_origin

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator


class Section(BaseModel):
    """A table of a scenario file: unknown keys are errors, assignments are re-validated.

    Values are checked strictly, so ``steps = true`` or ``strength = "0.5"`` is an error, not a
    silent 1 or 0.5; an integer is still a valid float (TOML writes ``strength = 1``).
    """

    model_config = ConfigDict(extra="forbid", validate_assignment=True, frozen=False,
                              strict=True)

    @field_validator("*", mode="before")
    @classmethod
    def _lossless(cls, value: Any, info: ValidationInfo) -> Any:
        """Forms that keep the value exactly, which strict mode would refuse: a whole float
        for an int (priors, posteriors and samplers hand integers over as 12.0), numpy
        integers and booleans (columns of parquet files), a tuple for a list."""
        field = cls.model_fields.get(info.field_name or "")
        annotation = field.annotation if field is not None else None
        kind = getattr(getattr(value, "dtype", None), "kind", "")  # a numpy scalar's
        if annotation is int:
            if isinstance(value, float) and value.is_integer():
                return int(value)
            if kind in ("i", "u"):
                return int(value)
        elif annotation is bool and kind == "b":
            return bool(value)
        elif get_origin(annotation) is list and isinstance(value, tuple):
            return list(value)
        return value


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
