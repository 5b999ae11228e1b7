"""Files of an older schema version are upgraded on load with a note; newer ones are refused."""

from __future__ import annotations

import logging
import subprocess

import pytest

from aiecosim.model import Scenario, ScenarioError
from aiecosim.model import migrations
from aiecosim.model.catalogue import find_scenario
from aiecosim.model.scenario import SCHEMA_VERSION

from support.runs import REPO, SCENARIOS

AIECOSIM = REPO / ".venv" / "bin" / "aiecosim"
VERSION_1 = f"""schema_version = 1
extends = "{SCENARIOS / 'baseline.toml'}"
name = "written-for-version-1"

[technology]
inference_price_decline = 10.0
research_spillover = 0.2
"""


def test_version_1_file_loads_without_the_key_version_2_dropped(tmp_path, caplog):
    path = tmp_path / "old.toml"
    path.write_text(VERSION_1)
    with caplog.at_level(logging.WARNING, logger="aiecosim.scenario"):
        sc = Scenario.load(path)
    assert sc.schema_version == SCHEMA_VERSION == 5
    assert sc.technology.research_spillover == 0.2  # the rest of the file still applies
    assert "inference_price_decline" not in sc.to_dict()["technology"]
    [note] = [r.getMessage() for r in caplog.records]
    assert str(path) in note and "schema_version 1 upgraded to 5" in note
    assert "technology.inference_price_decline" in note


VERSION_2 = f"""schema_version = 2
extends = "{SCENARIOS / 'baseline.toml'}"
name = "written-for-version-2"

[populations.startups]
count = 40000
initial_active_share = 0.3
entry_rate = 0.01
users_mean = 30000
api_fee_share = 0.25
choice_noise = 8.0
fixed_cost_usd_k = 70
"""


def test_version_2_market_of_slots_becomes_segments(tmp_path, caplog):
    path = tmp_path / "v2.toml"
    path.write_text(VERSION_2)
    with caplog.at_level(logging.WARNING, logger="aiecosim.scenario"):
        sc = Scenario.load(path)
    startups = sc.populations.startups
    assert startups.segments == 301  # 40,000 slots at 133 a segment
    assert startups.choice_noise == pytest.approx(8.0 / 66.7, abs=1e-4)
    assert startups.fixed_cost_usd_k == 70  # keys the market still has are kept
    [note] = [r.getMessage() for r in caplog.records]
    assert "schema_version 2 upgraded to 5" in note
    for key in ("count = 40000 slots became segments = 301", "initial_active_share",
                "entry_rate", "users_mean", "api_fee_share", "choice_noise 8.0 USD k"):
        assert key in note


def test_current_version_loads_without_a_note(caplog):
    with caplog.at_level(logging.WARNING, logger="aiecosim.scenario"):
        Scenario.load(SCENARIOS / "baseline.toml")
    assert caplog.records == []


def test_the_dropped_key_is_unknown_in_a_current_file(tmp_path):
    path = tmp_path / "new.toml"
    path.write_text(VERSION_1.replace("schema_version = 1", f"schema_version = {SCHEMA_VERSION}"))
    with pytest.raises(ScenarioError, match="technology.inference_price_decline: unknown key"):
        Scenario.load(path)


def test_each_file_of_an_extends_chain_is_upgraded_on_its_own(tmp_path, caplog):
    (tmp_path / "old.toml").write_text(VERSION_1)
    kid = tmp_path / "kid.toml"
    kid.write_text(f'schema_version = {SCHEMA_VERSION}\nextends = "old.toml"\nname = "kid"\n')
    with caplog.at_level(logging.WARNING, logger="aiecosim.scenario"):
        sc = Scenario.load(kid)
    assert sc.name == "kid" and sc.technology.research_spillover == 0.2
    assert [str(tmp_path / "old.toml") in r.getMessage() for r in caplog.records] == [True]


def test_a_plain_mapping_of_an_older_version_is_upgraded_too(caplog):
    data = Scenario.baseline().to_dict()
    data["schema_version"] = 1
    data["technology"]["inference_price_decline"] = 10.0
    with caplog.at_level(logging.WARNING, logger="aiecosim.scenario"):
        sc = Scenario.from_dict(data, "notebook")
    assert sc.schema_version == SCHEMA_VERSION
    assert "notebook: schema_version 1 upgraded" in caplog.records[0].getMessage()


def test_migrations_run_in_order_from_the_file_version(monkeypatch, caplog):
    # A registry as it will look after two more schema changes: each step sees the last's output.
    seen = []

    def rename(data):
        seen.append(("2->3", dict(data)))
        data["renamed"] = data.pop("old", None)
        return data, ["renamed old to renamed"]

    def drop(data):
        seen.append(("3->4", dict(data)))
        data.pop("renamed")
        return data, ["dropped renamed"]

    monkeypatch.setitem(migrations.MIGRATIONS, 2, rename)
    monkeypatch.setitem(migrations.MIGRATIONS, 3, drop)
    with caplog.at_level(logging.WARNING, logger="aiecosim.scenario"):
        out = migrations.migrate({"schema_version": 2, "old": 5}, "f.toml", current=4)
    assert out == {"schema_version": 4}
    assert [step for step, _ in seen] == ["2->3", "3->4"]
    assert seen[1][1]["renamed"] == 5
    assert caplog.records[0].getMessage() == (
        "f.toml: schema_version 2 upgraded to 4 on load: renamed old to renamed; dropped renamed")


def test_a_gap_in_the_registry_is_a_clear_error(monkeypatch):
    monkeypatch.delitem(migrations.MIGRATIONS, 1)
    with pytest.raises(ScenarioError, match=r"f\.toml: schema_version: no upgrade from version 1 to 2"):
        migrations.migrate({"schema_version": 1}, "f.toml")


@pytest.mark.parametrize("version", [SCHEMA_VERSION + 1, 0, "two", True, 1.5])
def test_versions_it_cannot_upgrade_are_left_for_validation(version):
    data = {"schema_version": version, "name": "x"}
    assert migrations.migrate(data, "f.toml") is data


def test_the_command_line_prints_the_upgrade_note_as_one_line(tmp_path):
    path = tmp_path / "old.toml"
    path.write_text(VERSION_1)
    done = subprocess.run([str(AIECOSIM), "scenario", "validate", str(path)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0
    [note] = done.stderr.splitlines()
    assert note.startswith(f"{path}: schema_version 1 upgraded to 5")
    assert f"{path}: ok" in done.stdout


def test_version_3_policy_becomes_the_home_jurisdictions(tmp_path):
    """A version-3 file's policy is the policy of one jurisdiction, ``home``; in a chain it
    merges by name with the jurisdictions its parent declares."""
    old = tmp_path / "v3.toml"
    old.write_text('schema_version = 3\nextends = "two.toml"\nname = "v3"\n'
                   '[policy]\nrelease_regime = "api-only"\n')
    (tmp_path / "two.toml").write_text(
        'schema_version = 4\nextends = "{}"\nname = "two"\n'
        '[[jurisdictions]]\nname = "home"\n[[jurisdictions]]\nname = "abroad"\n'
        .format(find_scenario("baseline").as_posix()))
    sc = Scenario.load(old)
    regimes = {j.name: j.policy.release_regime for j in sc.jurisdictions}
    assert regimes == {"home": "api-only", "abroad": "lab-choice"}


def test_version_4_rivalry_becomes_enmity_and_gap_scale_goes(tmp_path, caplog):
    """The race is a game in version 5: the old multiplier's value carries over as enmity (both
    run from 0, no effect, to 1), and the gap scale has no successor."""
    old = tmp_path / "v4.toml"
    old.write_text('schema_version = 4\nextends = "{}"\nname = "v4"\n'
                   '[race]\nrivalry = 0.85\ngap_scale = 0.7\nsafety_tax = 0.2\n'
                   .format(find_scenario("baseline").as_posix()))
    with caplog.at_level(logging.WARNING, logger="aiecosim.scenario"):
        sc = Scenario.load(old)
    assert (sc.race.enmity, sc.race.safety_tax) == (0.85, 0.2)
    assert "gap_scale" not in sc.to_dict()["race"]
    [note] = [r.getMessage() for r in caplog.records]
    assert "race.rivalry became race.enmity = 0.85" in note and "race.gap_scale" in note


def test_version_4_labs_lose_their_financial_depth(tmp_path, caplog):
    """Labs now leave when their capital runs out: a version-4 file's ``financial_depth`` is
    dropped with a note, and the rest of the lab's table still applies."""
    data = Scenario.baseline().to_dict()
    data["schema_version"] = 4
    for lab in data["labs"]:
        lab["financial_depth"] = 3.0
    with caplog.at_level(logging.WARNING, logger="aiecosim.scenario"):
        sc = Scenario.from_dict(data, "v4.toml")
    assert sc.labs[0].budget_usd_m == Scenario.baseline().labs[0].budget_usd_m
    assert "financial_depth" not in sc.to_dict()["labs"][0]
    [note] = [r.getMessage() for r in caplog.records]
    assert "schema_version 4 upgraded to 5" in note and "labs.*.financial_depth (6 labs)" in note
