"""``aiecosim scenario validate|show|diff|schema|new`` through the real command line."""

from __future__ import annotations

import json

import pytest

from aiecosim.model.catalogue import SCHEMA_FILE
from aiecosim.cli.main import main
from aiecosim.model import Scenario
from aiecosim.model.keys import ABSENT
from aiecosim.model.keys import diff as scenario_diff

from support.runs import SCENARIOS


def run_cli(args: list[str], capsys) -> tuple[int, str, str]:
    rc = main(args)
    captured = capsys.readouterr()
    return rc, captured.out, captured.err


def test_validate_accepts_every_shipped_file_by_path_or_name(capsys):
    rc, out, err = run_cli(["scenario", "validate", *map(str, sorted(SCENARIOS.glob("*.toml"))),
                            "race-intensifies"], capsys)
    assert rc == 0 and err == ""
    assert "race-intensifies.toml: ok (race-intensifies, 9 labs, 120 months)" in out


def test_show_prints_a_complete_world_that_loads_to_the_same_scenario(tmp_path, capsys):
    rc, out, _ = run_cli(["scenario", "show", "history-2023", "--set", "steps=24",
                          "--set", "labs.open-bigtech.staged_access=100000"], capsys)
    assert rc == 0 and not any(line.startswith("extends") for line in out.splitlines())
    shown = tmp_path / "shown.toml"
    shown.write_text(out)
    expected = Scenario.load(SCENARIOS / "history-2023.toml").with_overrides(
        {"steps": 24, "labs.open-bigtech.staged_access": 100_000})
    assert Scenario.load(shown) == expected
    assert expected.digest() in out


def test_diff_lists_only_the_keys_that_differ_with_both_values(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "250")  # one row per key, nothing folded
    rc, out, _ = run_cli(["scenario", "diff", "baseline", "strict-developer-liability"], capsys)
    assert rc == 0
    rows = {line.split("│")[1].strip(): [c.strip() for c in line.split("│")[2:4]]
            for line in out.splitlines() if line.startswith("│") and line.split("│")[1].strip()}
    assert rows["policy.liability.strength"] == ["0.1", "1.0"]
    assert rows["policy.liability.bearer"] == ['"deployer"', '"developer"']
    assert set(rows) == {"name", "description", "policy.liability.strength", "policy.liability.bearer"}


def test_diff_of_a_world_with_itself_says_they_are_the_same(capsys):
    rc, out, _ = run_cli(["scenario", "diff", "baseline", str(SCENARIOS / "baseline.toml")], capsys)
    assert rc == 0 and "describe the same world" in out


def test_diff_addresses_labs_by_name_and_shows_added_labs_once():
    rows = scenario_diff(Scenario.baseline().to_dict(),
                         Scenario.load(SCENARIOS / "race-intensifies.toml").to_dict())
    keys = {key: (a, b) for key, a, b in rows}
    assert keys["race.enmity"] == (0.6, 0.9)
    assert keys["labs.entrant-a"][0] is ABSENT and keys["labs.entrant-a"][1]["budget_usd_m"] == 120
    assert not any(k.startswith("labs.entrant-a.") for k in keys)
    history = scenario_diff(Scenario.baseline().to_dict(),
                            Scenario.load(SCENARIOS / "history-2023.toml").to_dict())
    assert ("labs.open-bigtech.initial_mode", "open-weights-licensed", "closed") in history


def test_schema_command_prints_the_committed_schema(capsys):
    rc, out, _ = run_cli(["scenario", "schema"], capsys)
    assert rc == 0 and out == SCHEMA_FILE.read_text()
    assert json.loads(out)["title"] == "Scenario"


def test_new_writes_a_starter_that_validates_and_changes_only_its_name(tmp_path, capsys):
    rc, out, _ = run_cli(["scenario", "new", "my-world", "--from", "eu-style-thresholds",
                          "--dir", str(tmp_path)], capsys)
    target = tmp_path / "my-world.toml"
    assert rc == 0 and str(target) in out
    lines = target.read_text().splitlines()
    schema_ref = lines[0].removeprefix("#:schema ")
    assert (tmp_path / schema_ref).resolve() == SCHEMA_FILE.resolve()
    parent = Scenario.load(SCENARIOS / "eu-style-thresholds.toml")
    rows = scenario_diff(parent.to_dict(), Scenario.load(target).to_dict())
    assert [key for key, _, _ in rows] == ["name", "description"]
    assert any(line.startswith("# mandate = true") for line in lines)  # the parent's value


def test_new_starter_levers_take_effect_once_uncommented(tmp_path, capsys):
    assert main(["scenario", "new", "uncommented", "--dir", str(tmp_path)]) == 0
    target = tmp_path / "uncommented.toml"
    text = target.read_text()
    text = text.replace("# [policy.liability]", "[policy.liability]")
    text = text.replace("# strength = 0.1", "strength = 0.7")
    target.write_text(text)
    assert Scenario.load(target).policy.liability.strength == 0.7
    assert "extends = \"" in text and Scenario.load(target).labs == Scenario.baseline().labs


@pytest.mark.parametrize("args, words", [
    (["scenario", "new", "bad name!"], ["NAME: bad name!", "expected letters, digits"]),
    (["scenario", "new", "x", "--from", "basline"], ["basline", "did you mean 'baseline'"]),
])
def test_new_refuses_bad_names_in_one_line(args, words, capsys):
    rc, _, err = run_cli(args, capsys)
    assert rc == 2 and len(err.splitlines()) == 1
    assert all(w in err for w in words)


def test_new_never_overwrites_a_file(tmp_path, capsys):
    target = tmp_path / "taken.toml"
    target.write_text("mine")
    rc, _, err = run_cli(["scenario", "new", "taken", "--dir", str(tmp_path)], capsys)
    assert rc == 2 and "file exists" in err and target.read_text() == "mine"
