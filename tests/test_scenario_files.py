"""Scenario files: loading, extends, overrides, and one clear error per kind of mistake."""

from __future__ import annotations

from pathlib import Path

import pytest

from aiecosim.model import Scenario, ScenarioError

from support.runs import SCENARIOS


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def child_of_baseline(tmp_path: Path, body: str) -> Path:
    return write(tmp_path, "child.toml", f'extends = "{SCENARIOS / "baseline.toml"}"\n{body}')


def test_baseline_loads_with_every_designed_key(baseline):
    assert baseline.name == "baseline" and baseline.steps == 120
    assert baseline.policy.release_regime == "lab-choice"
    assert 0 <= baseline.policy.liability.strength <= 1
    assert baseline.policy.liability.bearer in ("developer", "deployer", "shared")
    assert baseline.policy.compute_subsidy.budget_usd_bn >= 0
    assert 0 <= baseline.policy.compute_subsidy.academic_share <= 1
    assert baseline.policy.evaluation.compute_threshold_flop > 0
    assert isinstance(baseline.policy.watermark.mandate, bool)
    assert baseline.populations.startups.segments > 0
    for population in ("academics", "bad_actors"):
        assert getattr(baseline.populations, population).count > 0
    openness = [lab.openness for lab in baseline.labs]
    assert min(openness) < 0.2 and max(openness) > 0.8  # some closed, some open-leaning


def test_extends_merges_child_over_parent_and_labs_by_name(tmp_path):
    path = child_of_baseline(tmp_path, """
name = "child"
[policy.liability]
strength = 0.7
[[labs]]
name = "open-bigtech"
openness = 0.3
[[labs]]
name = "newcomer"
budget_usd_m = 10
""")
    sc = Scenario.load(path)
    assert sc.name == "child" and sc.policy.liability.strength == 0.7
    assert sc.policy.liability.bearer == "deployer"  # inherited
    labs = {lab.name: lab for lab in sc.labs}
    assert labs["open-bigtech"].openness == 0.3 and labs["open-bigtech"].budget_usd_m == 20
    assert "newcomer" in labs and len(labs) == 7


def test_overrides_replace_dotted_keys_and_labs_by_name(baseline):
    sc = baseline.with_overrides({"policy.liability.strength": 0.8,
                                  "labs.open-bigtech.openness": 0.1})
    assert sc.policy.liability.strength == 0.8
    assert next(l for l in sc.labs if l.name == "open-bigtech").openness == 0.1
    assert baseline.policy.liability.strength == 0.1  # the original is untouched


@pytest.mark.parametrize("body, key, words", [
    ("[policy.liability]\nstrenght = 0.5", "policy.liability.strenght", "did you mean 'strength'"),
    ("steps = \"ten\"", "steps", "expected a valid integer"),
    ("[policy.liability]\nstrength = 1.5", "policy.liability.strength", "less than or equal to 1"),
    ("[policy]\nrelease_regime = \"open\"", "policy.release_regime", "'api-only'"),
    ("[[labs]]\nname = \"open-bigtech\"\nopennes = 0.5", "labs.open-bigtech.opennes",
     "did you mean 'openness'"),
])
def test_bad_values_name_file_key_and_problem(tmp_path, body, key, words):
    path = child_of_baseline(tmp_path, body)
    with pytest.raises(ScenarioError) as err:
        Scenario.load(path)
    message = str(err.value)
    assert str(path) in message and key in message and words in message
    assert "\n" not in message


def test_missing_extends_target_is_named(tmp_path):
    path = write(tmp_path, "a.toml", 'extends = "nowhere.toml"\nname = "a"')
    with pytest.raises(ScenarioError, match=r"a\.toml: extends: file not found: nowhere\.toml"):
        Scenario.load(path)


def test_extends_cycle_is_refused(tmp_path):
    write(tmp_path, "a.toml", 'extends = "b.toml"\nname = "a"')
    write(tmp_path, "b.toml", 'extends = "a.toml"\nname = "b"')
    with pytest.raises(ScenarioError, match=r"cycle in extends chain: a\.toml -> b\.toml -> a\.toml"):
        Scenario.load(tmp_path / "a.toml")


def test_invalid_toml_reports_its_line(tmp_path):
    path = write(tmp_path, "bad.toml", 'name = "x"\nsteps = = 3\n')
    with pytest.raises(ScenarioError, match=r"bad\.toml: invalid TOML: .*line 2"):
        Scenario.load(path)


def test_newer_schema_version_is_refused(tmp_path):
    path = child_of_baseline(tmp_path, "schema_version = 99")
    with pytest.raises(ScenarioError, match="newer than this aiecosim understands"):
        Scenario.load(path)


def test_unknown_override_key_suggests_the_right_one(baseline):
    with pytest.raises(ScenarioError, match=r"--set: policy\.watermark\.mandat: .*did you mean 'mandate'"):
        baseline.with_overrides({"policy.watermark.mandat": True})


def test_a_bare_extends_not_found_beside_the_file_is_the_shipped_scenario(tmp_path):
    """A downloaded or ``scenario new --dir`` file runs from any folder; a namesake beside it
    still wins, so nothing that worked before resolves differently."""
    child = tmp_path / "mine.toml"
    child.write_text('extends = "api-only-world.toml"\nname = "mine"\n')
    assert Scenario.load(child).to_dict() | {"name": "api-only-world"} \
        == Scenario.load(SCENARIOS / "api-only-world.toml").to_dict() | {"name": "api-only-world"}
    (tmp_path / "api-only-world.toml").write_text('extends = "baseline.toml"\nsteps = 7\n')
    assert Scenario.load(child).steps == 7
    (tmp_path / "deep").mkdir()
    (tmp_path / "deep" / "x.toml").write_text('extends = "sub/baseline.toml"\n')
    with pytest.raises(ScenarioError, match="file not found: sub/baseline.toml"):
        Scenario.load(tmp_path / "deep" / "x.toml")
