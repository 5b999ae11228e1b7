"""The JSON Schema of a scenario *file*, for editors that check TOML while it is typed.

It is the pydantic model's schema with two changes that ``extends`` needs: a file may name the
file it extends, and no key is required, because a child file holds only what it changes (the
merged scenario is still validated in full on load). ``scenarios/scenario.schema.json`` is this
schema, committed; a test keeps it in step with the model.
"""

from __future__ import annotations

import json
from typing import Any

from aiecosim.model.scenario import Scenario

EXTENDS = {
    "type": "string",
    "minLength": 1,
    "description": "Scenario file this one builds on, relative to this file (e.g. \"baseline.toml\"); "
    "its keys apply unless this file sets them. Labs and jurisdictions merge by name.",
}


def scenario_file_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) a scenario file must satisfy."""
    schema = Scenario.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["properties"] = {"extends": EXTENDS, **shorthands(schema), **schema["properties"]}
    schema.pop("required", None)
    return schema


def shorthands(schema: dict[str, Any]) -> dict[str, Any]:
    """A file's top-level tables that stand for a table in every jurisdiction (``[policy]``),
    pointing at that table's definition."""
    out = {}
    for name, table in Scenario.shorthand_tables.items():
        out[name] = {"$ref": f"#/$defs/{table.__name__}",
                     "description": f"Shorthand: keys set here apply to the {name} of every "
                     "jurisdiction, over each one's own table."}
    assert all(out[name]["$ref"].rsplit("/", 1)[-1] in schema.get("$defs", {}) for name in out)
    return out


def scenario_file_schema_text() -> str:
    """The schema as the committed file holds it: indented JSON ending in a newline."""
    return json.dumps(scenario_file_schema(), indent=2, ensure_ascii=False) + "\n"
