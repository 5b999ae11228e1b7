"""The dashboard's pieces without a browser: schema-driven controls, URL state, scenario files,
safe file access and the run cache."""

from __future__ import annotations

import base64
import os

import pytest

from aiecosim.dashboard import runs
from aiecosim.dashboard.fields import field_by_key, lab_fields, levers, scenario_fields
from aiecosim.dashboard.sources import list_results, list_scenarios, results_path, scenario_path
from aiecosim.dashboard.state import VIEW_DEFAULTS, decode_query, encode_query
from aiecosim.dashboard.uploads import UploadError, read_upload
from support.dashboard import copy_scenarios
from aiecosim.model import Scenario, simulate
from aiecosim.model.errors import ScenarioError
from aiecosim.model.keys import get
from aiecosim.model.overrides import changes, child_file_text


def test_levers_come_from_the_schema_with_bounds_units_and_help():
    strength = field_by_key("policy.liability.strength")
    assert (strength.low, strength.high, strength.unit, strength.lever) == (0.0, 1.0, "share", True)
    assert "Source:" in strength.description and strength.slider
    assert field_by_key("policy.release_regime").choices == ("open-weights", "api-only", "lab-choice")
    assert field_by_key("policy.evaluation.compute_threshold_flop").slider is False  # 12 decades
    keys = {f.key for f in levers()}
    assert {"policy.liability.strength", "policy.compute_subsidy.budget_usd_bn",
            "policy.watermark.mandate"} <= keys
    assert all(f.lever for f in levers()) and not field_by_key("misuse.strip_cost_usd").lever


def test_every_control_names_a_key_the_scenario_accepts(baseline):
    data = baseline.to_dict()
    specs = list(scenario_fields()) + list(lab_fields(baseline.labs[0].name))
    overrides = {f.key: get(data, f.key) for f in specs}
    assert None not in overrides.values()
    assert baseline.with_overrides(overrides).digest() == baseline.digest()


@pytest.mark.parametrize("overrides", [
    {},
    {"policy.liability.strength": 0.8, "policy.liability.bearer": "developer"},
    {"policy.watermark.mandate": True, "steps": 60, "name": "true"},
    {"labs.open-bigtech.release_plan": ["api", "open-weights"], "labs.closed-leader.skill": -0.25},
])
def test_the_url_round_trips_the_state(overrides):
    view = {**VIEW_DEFAULTS, "seeds": 4, "view": "map", "map_x_low": 0.25, "spread": "worlds"}
    search = encode_query(view, overrides)
    assert decode_query(search) == (view, overrides)
    assert "seeds=" not in encode_query(VIEW_DEFAULTS, {})  # defaults stay out of links


def test_the_url_ignores_junk_and_bad_view_values():
    view, overrides = decode_query("?seeds=-3&view=nowhere&utm_source=mail&map_size=99"
                                   "&spread=galaxies")
    assert view == VIEW_DEFAULTS and overrides == {}


def test_a_downloaded_file_holds_only_the_changes_and_rebuilds_the_world(tmp_path, baseline):
    scenarios = copy_scenarios(tmp_path)
    overrides = {"policy.liability.strength": 0.8, "labs.open-bigtech.licence.mau_cap": 1e9,
                 "populations.startups.segments": 38}
    text = child_file_text("baseline.toml", overrides, note="test")
    path = scenarios / "mine.toml"
    path.write_text(text)
    assert Scenario.load(path).digest() == baseline.with_overrides(overrides).digest()
    assert "closed-leader" not in text and "strength = 0.8" in text


def test_a_changed_lab_list_is_written_whole(tmp_path, baseline):
    data = baseline.to_dict()
    fewer = {**data, "labs": data["labs"][:2]}
    overrides = changes(data, fewer)
    assert list(overrides) == ["labs"]
    path = copy_scenarios(tmp_path) / "two-labs.toml"
    path.write_text(child_file_text("baseline.toml", overrides, full=fewer))
    assert [lab.name for lab in Scenario.load(path).labs] == [lab["name"] for lab in fewer["labs"]]


def test_an_upload_becomes_its_base_file_plus_overrides(tmp_path):
    scenarios = copy_scenarios(tmp_path)
    raw = b'extends = "deployer-liability"\n[race]\nenmity = 0.9\n'
    found = read_upload("data:;base64," + base64.b64encode(raw).decode(), "x.toml", scenarios)
    assert (found.base, found.overrides) == ("deployer-liability.toml", {"race.enmity": 0.9})
    parent = Scenario.load(scenarios / "deployer-liability.toml")
    assert parent.with_overrides(found.overrides).digest() == found.scenario.digest()
    with pytest.raises(UploadError, match="not base64"):
        read_upload("data:;base64,***", "x.toml", scenarios)


def test_scenario_names_outside_the_folder_are_refused(tmp_path):
    scenarios = copy_scenarios(tmp_path)
    (tmp_path / "secret.toml").write_text('name = "secret"\n')
    os.symlink(tmp_path / "secret.toml", scenarios / "link.toml")
    assert "baseline.toml" in list_scenarios(scenarios) and "link.toml" not in list_scenarios(scenarios)
    for name in ("../secret.toml", "/etc/passwd", "link.toml", "baseline.toml/../../secret.toml", 3):
        with pytest.raises(ScenarioError, match="not a scenario file"):
            scenario_path(name, scenarios)


def test_results_folders_outside_the_chosen_one_are_refused(tmp_path):
    root = tmp_path / "results"
    (root / "a").mkdir(parents=True)
    (root / "a" / "manifest.json").write_text("{}")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "manifest.json").write_text("{}")
    os.symlink(tmp_path / "elsewhere", root / "sneaky")
    assert list_results(root) == ["a"]
    assert results_path("a", root) == (root / "a").resolve()
    assert results_path(str(root / "a"), root) == (root / "a").resolve()
    for typed in ("../elsewhere", str(tmp_path / "elsewhere"), "sneaky", "/", "a/../.."):
        with pytest.raises(ValueError, match="outside the results folder"):
            results_path(typed, root)
    with pytest.raises(ValueError, match="not a sweep folder"):
        results_path(".", root)


@pytest.mark.timeout(120)
def test_the_run_cache_computes_each_run_once_and_exactly(baseline):
    short = baseline.with_overrides({"steps": 12})
    cache = runs.shared()
    first = cache.submit([(short, 1), (short, 2)])
    again = cache.submit([(short, 1), (short, 2)])
    assert first[0] is again[0] or first[0].done()  # a run under way is shared, not repeated
    frame = cache.run_seeds(short, [1, 2])
    assert frame.filter(frame["seed"] == 2).drop("seed").equals(simulate(short, seed=2))
    assert cache.cached(short, 1) is first[0].result()


def test_a_request_for_more_seeds_than_the_limit_is_held_to_it():
    from aiecosim.dashboard.state import MAX_SEEDS
    from aiecosim.dashboard.views.explore import seed_count

    assert seed_count({"seeds": 5000}) == MAX_SEEDS  # a crafted request, not the page's input
    assert seed_count({"seeds": -3}) == 1 and seed_count({"seeds": "junk"}) == 1
    assert seed_count({"seeds": 7}) == 7
