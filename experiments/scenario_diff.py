"""What differs between two resolved scenarios, key by key.

Keys are dotted as ``--set`` takes them; labs are addressed by name (``labs.open-bigtech.openness``)
because scenario files merge labs by name.
"""

from __future__ import annotations

from typing import Any

ABSENT = object()  # the key does not exist on that side


def flatten(data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Dotted keys to leaf values; each lab becomes ``labs.NAME`` and its keys below that."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(flatten(value, f"{dotted}."))
        elif key == "labs" and not prefix and isinstance(value, list):
            for lab in value:
                lab_fields = {k: v for k, v in lab.items() if k != "name"}
                out[f"labs.{lab['name']}"] = lab_fields
        else:
            out[dotted] = value
    return out


def scenario_diff(a: dict[str, Any], b: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    """``(key, value in a, value in b)`` for every key whose values differ, in a's order.

    A lab on one side only is one row (its whole table against ``ABSENT``); a lab on both sides
    contributes one row per field that differs.
    """
    flat_a, flat_b = flatten(a), flatten(b)
    rows: list[tuple[str, Any, Any]] = []
    for key in [*flat_a, *(k for k in flat_b if k not in flat_a)]:
        va, vb = flat_a.get(key, ABSENT), flat_b.get(key, ABSENT)
        if key.startswith("labs.") and isinstance(va, dict) and isinstance(vb, dict):
            rows += [(f"{key}.{field}", fa, fb)
                     for field, fa, fb in scenario_diff(va, vb)]
        elif va != vb:
            rows.append((key, va, vb))
    return rows
