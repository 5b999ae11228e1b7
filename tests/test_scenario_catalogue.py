"""The shipped catalogue: the designed worlds, each a short, sourced child of the baseline,
and a committed JSON Schema that editors can use and that matches the model."""

from __future__ import annotations

import json
import tomllib

import pytest

from aiecosim.model.catalogue import SCHEMA_FILE, shipped
from aiecosim.model import Scenario
from aiecosim.model.file_schema import scenario_file_schema, scenario_file_schema_text
from aiecosim.model.keys import diff as scenario_diff
from aiecosim.model.scenario import SCHEMA_VERSION
from aiecosim.model.scenario_io import load_chain

from support.runs import SCENARIOS

DESIGNED = {"baseline", "history-2023", "api-only-world", "open-weights-world",
            "strict-developer-liability", "deployer-liability", "public-compute",
            "public-compute-10x", "eu-style-thresholds", "race-intensifies"}
FILES = shipped()


def test_catalogue_holds_the_designed_scenarios():
    assert DESIGNED <= {p.stem for p in FILES}


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_scenario_file_points_editors_at_the_schema_and_says_its_question(path):
    text = path.read_text()
    assert text.splitlines()[0] == "#:schema ./scenario.schema.json"
    header = text.split("\nschema_version")[0]
    assert "Question it serves:" in header and "Sources:" in header
    assert tomllib.loads(text)["schema_version"] == SCHEMA_VERSION
    assert f"`{path.name}`" in (SCENARIOS / "README.md").read_text()
    assert Scenario.load(path).name == path.stem


@pytest.mark.parametrize("path", [p for p in FILES if p.stem != "baseline"], ids=lambda p: p.stem)
def test_scenario_extends_the_baseline_and_changes_only_what_it_is_about(path):
    chain = [source for source, _ in load_chain(path)]
    assert chain[0] == str(SCENARIOS / "baseline.toml")
    changed = [key for key, _, _ in scenario_diff(Scenario.baseline().to_dict(),
                                                  Scenario.load(path).to_dict())
               if key not in ("name", "description")]
    assert 1 <= len(changed) <= 8, changed


def test_committed_schema_matches_the_model():
    assert SCHEMA_FILE.read_text() == scenario_file_schema_text(), (
        "scenarios/scenario.schema.json is stale; regenerate it with "
        "`aiecosim scenario schema > scenarios/scenario.schema.json`")


def test_schema_lets_a_child_file_name_its_parent_and_omit_keys():
    schema = scenario_file_schema()
    assert schema["properties"]["extends"]["type"] == "string"
    assert "required" not in schema and schema["additionalProperties"] is False
    assert schema["$defs"]["Lab"]["required"] == ["name"]  # labs merge by name


def _schema_at(schema: dict, node: dict, path: list) -> dict:
    """The sub-schema of ``node`` reached by ``path`` (object keys and array items)."""
    for part in path:
        while "$ref" in node:
            node = schema["$defs"][node["$ref"].split("/")[-1]]
        node = node["items"] if isinstance(part, int) else node["properties"][part]
    while "$ref" in node:
        node = schema["$defs"][node["$ref"].split("/")[-1]]
    return node


def _leaf_paths(data, path=()):
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _leaf_paths(value, (*path, key))
    elif isinstance(data, list) and data and isinstance(data[0], dict):
        for i, item in enumerate(data):
            yield from _leaf_paths(item, (*path, i))
    else:
        yield list(path), data


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_every_key_a_shipped_file_sets_is_described_by_the_schema(path):
    # What an editor does with the `#:schema` line: each key known, each value of its type.
    schema = json.loads(SCHEMA_FILE.read_text())
    types = {"string": str, "number": (int, float), "integer": int, "boolean": bool, "array": list}
    for keys, value in _leaf_paths(tomllib.loads(path.read_text())):
        node = _schema_at(schema, schema, keys)
        kinds = [types[n["type"]] for n in node.get("anyOf", [node]) if n.get("type") in types]
        if "enum" in node or "const" in node:
            assert value in node.get("enum", [node.get("const")]), keys
        elif kinds:
            assert isinstance(value, tuple(kinds)), (keys, value)
