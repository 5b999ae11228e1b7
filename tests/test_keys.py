"""Dotted scenario keys (``model.keys``) on their own: get, set, flatten, nest, diff and labs by
name, on plain data, with round trips through a real scenario's ``to_dict()``."""

from __future__ import annotations

import copy

import pytest

from aiecosim.model import keys
from aiecosim.model.errors import ScenarioError

TABLES = {
    "steps": 12,
    "policy": {"liability": {"strength": 0.1, "bearer": "deployer"}, "release_regime": "lab-choice"},
    "labs": [{"name": "alpha", "openness": 0.2, "licence": {"mau_cap": 7e8}, "release_plan": []},
             {"name": "beta", "openness": 0.9, "licence": {"mau_cap": 1e9}, "release_plan": ["api"]}],
    "events": [{"month": 3, "kind": "leak", "lab": "alpha"}],
}


def test_get_reads_nested_tables_and_labs_by_name_or_position():
    assert keys.get(TABLES, "policy.liability.strength") == 0.1
    assert keys.get(TABLES, "labs.beta.openness") == 0.9
    assert keys.get(TABLES, "labs.beta.licence.mau_cap") == 1e9
    assert keys.get(TABLES, "labs.0.openness") == 0.2
    assert keys.get(TABLES, "events") == TABLES["events"]
    assert keys.get(TABLES, "labs.gamma.openness", None) is None
    assert keys.get(TABLES, "policy.liability.strength.deeper", "none") == "none"
    with pytest.raises(KeyError):
        keys.get(TABLES, "policy.nothing")


def test_set_replaces_existing_values_only():
    data = copy.deepcopy(TABLES)
    keys.set(data, "labs.beta.licence.mau_cap", 2e9)
    keys.set(data, "labs.0.openness", 0.5)
    keys.set(data, "steps", 24)
    assert keys.get(data, "labs.beta.licence.mau_cap") == 2e9
    assert keys.get(data, "labs.alpha.openness") == 0.5 and data["steps"] == 24


@pytest.mark.parametrize("key, problem", [
    ("policy.liability.strenght", "unknown key 'strenght'; did you mean 'strength'?"),
    ("labs.bata.openness", "unknown key 'bata'; did you mean 'beta'?"),
    ("labs.9.openness", "unknown key '9'; expected one of: alpha, beta"),
    ("steps.deeper", "unknown key 'deeper'"),
    ("policy..strength", "expected a dotted key such as policy.liability.strength"),
    ("", "expected a dotted key such as policy.liability.strength"),
])
def test_set_refuses_a_key_that_names_nothing_in_one_line(key, problem):
    data = copy.deepcopy(TABLES)
    with pytest.raises(ScenarioError) as caught:
        keys.set(data, key, 1, source="x.toml")
    assert (caught.value.source, caught.value.key, caught.value.problem) == ("x.toml", key, problem)
    assert data == TABLES


def test_flatten_addresses_labs_by_name_and_nest_undoes_it():
    flat = keys.flatten(TABLES)
    assert flat["policy.liability.strength"] == 0.1
    assert flat["labs.beta.licence.mau_cap"] == 1e9 and flat["labs.beta.release_plan"] == ["api"]
    assert not any(key.endswith(".name") for key in flat)
    assert keys.nest(flat) == TABLES
    assert keys.nest({"labs.beta.openness": 1.0, "policy.liability.strength": 0.5}) == {
        "policy": {"liability": {"strength": 0.5}}, "labs": [{"name": "beta", "openness": 1.0}]}


def test_flatten_can_keep_tables_and_lab_lists_whole():
    ranges = {"policy": {"liability": {"strength": {"min": 0, "max": 1}}}, "empty": {}}
    flat = keys.flatten(ranges, lambda key, table: "min" in table)
    assert flat == {"policy.liability.strength": {"min": 0, "max": 1}, "empty": {}}
    assert keys.flatten({"labs": TABLES["labs"]}, labs=False) == {"labs": TABLES["labs"]}


def test_diff_lists_changed_keys_and_labs_on_one_side_whole():
    changed = copy.deepcopy(TABLES)
    changed["policy"]["liability"]["strength"] = 0.8
    changed["labs"][1]["licence"]["mau_cap"] = 5e9
    changed["labs"].append({"name": "gamma", "openness": 0.5})
    del changed["labs"][0]
    rows = keys.diff(TABLES, changed)
    assert rows == [
        ("policy.liability.strength", 0.1, 0.8),
        ("labs.alpha", {k: v for k, v in TABLES["labs"][0].items() if k != "name"}, keys.ABSENT),
        ("labs.beta.licence.mau_cap", 1e9, 5e9),
        ("labs.gamma", keys.ABSENT, {"openness": 0.5}),
    ]
    assert keys.diff(TABLES, copy.deepcopy(TABLES)) == []


def test_a_scenario_round_trips_through_flatten_nest_and_set(baseline):
    data = baseline.to_dict()
    assert keys.nest(keys.flatten(data)) == data
    rebuilt = copy.deepcopy(data)
    for key, value in keys.flatten(data).items():
        keys.set(rebuilt, key, value)
    assert rebuilt == data
    lab = baseline.labs[1].name
    changed = baseline.with_overrides({f"labs.{lab}.openness": 0.33, "race.enmity": 0.9})
    assert keys.diff(data, changed.to_dict()) == [
        ("race.enmity", 0.6, 0.9), (f"labs.{lab}.openness", baseline.labs[1].openness, 0.33)]
    assert keys.get(changed.to_dict(), f"labs.{lab}.openness") == 0.33


def test_key_spelling_helpers():
    assert keys.parts("a.b.c") == ["a", "b", "c"] and keys.join("a", "b", "c") == "a.b.c"
    assert keys.child("", "steps") == "steps" and keys.child("policy", "x") == "policy.x"
    assert keys.lab_name("labs.beta.openness") == "beta" and keys.lab_name("policy.x") is None
    assert keys.short("labs.beta.openness") == "beta.openness"
    assert keys.short("policy.liability.strength") == "strength"
    assert keys.from_loc(("labs", 1, "licence", "mau_cap"), TABLES) == "labs.beta.licence.mau_cap"
    assert keys.from_loc(("events", 0, "month"), TABLES) == "events.0.month"
