"""Worlds from a posterior: ``aiecosim run --posterior FILE --worlds N`` and the hindcast."""

from __future__ import annotations

import polars as pl
import pytest

from aiecosim.experiments import hindcast, posterior
from aiecosim.experiments.observations import HINDCAST_FILE, load, shipped
from aiecosim.experiments.plausible import world_scenarios
from aiecosim.experiments.run_record import read_provenance
from aiecosim.model import keys
from aiecosim.model.scenario import Scenario

from support.sweeps import run_cli

SHIPPED = shipped(posterior.SHIPPED)


def test_the_shipped_posterior_reads_with_its_provenance():
    particles, info = posterior.read(SHIPPED)
    assert particles.height == info["settings"]["population"] == 1000
    assert abs(particles["weight"].sum() - 1) < 1e-9
    assert (particles["distance"] <= info["settings"]["epsilon"]).all()  # all accepted
    assert set(info["refined"]) <= set(posterior.keys(particles))
    assert info["observations_file"] == "observations-2023.toml"


def test_worlds_carry_the_particles_values_and_the_scenarios_levers():
    scenario = Scenario.baseline().with_overrides({"policy.liability.strength": 0.7})
    pairs = world_scenarios(scenario, SHIPPED, 5, seed=2)
    particles, _ = posterior.read(SHIPPED)
    for world, world_scenario in pairs:
        data = world_scenario.to_dict()
        assert keys.get(data, "policy.liability.strength") == 0.7
        key = "finance.product_revenue_per_user_usd"
        assert keys.get(data, key) == particles.row(world.particle, named=True)[key]


def test_run_over_plausible_worlds_writes_every_world_with_provenance(tmp_path):
    out = tmp_path / "worlds.parquet"
    done = run_cli("run", "baseline", "--posterior", SHIPPED, "--worlds", 4, "--seed", 3,
                   "--set", "steps=24", "--out", out, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "over 4 plausible worlds" in done.stdout and "90% interval" in done.stdout
    frame = pl.read_parquet(out)
    assert frame["world"].n_unique() == 4 and frame.height == 4 * 24
    info = read_provenance(out)
    assert info["worlds"] == 4 and len(info["seeds"]) == 4 and info["posterior_sha256"]
    again = run_cli("run", "baseline", "--posterior", SHIPPED, "--worlds", 4, "--seed", 3,
                    "--set", "steps=24", "--out", tmp_path / "again.parquet", timeout=300)
    assert again.returncode == 0 and pl.read_parquet(tmp_path / "again.parquet").equals(frame)


@pytest.mark.parametrize("args, named", [
    (["--worlds", "3"], "--worlds"),
    (["--posterior", "no-such.parquet"], "--posterior"),
    (["--posterior", "{shipped}", "--seeds", "3"], "--seeds"),
])
def test_bad_world_options_are_one_line(args, named):
    args = [a.replace("{shipped}", str(SHIPPED)) for a in args]
    done = run_cli("run", "baseline", *args)
    assert done.returncode == 2 and named in done.stderr, done.stderr
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr


def test_a_parquet_file_that_is_not_a_posterior_is_refused(tmp_path):
    other = tmp_path / "other.parquet"
    pl.DataFrame({"x": [1.0]}).write_parquet(other)
    done = run_cli("run", "baseline", "--posterior", other)
    assert done.returncode == 2 and "expected a posterior" in done.stderr


def test_the_hindcast_predicts_every_held_out_observation(tmp_path):
    rows = hindcast.predict(Scenario.baseline(), SHIPPED, 12, seed=1, workers=1)
    held_out = load(shipped(HINDCAST_FILE))
    assert [r.name for r in rows] == [o.name for o in held_out.observation]
    for r in rows:
        assert r.worlds == 12 and r.defined <= 12
        if r.defined:
            assert r.low <= r.median <= r.high
            assert r.covered == (r.low <= r.observed <= r.high)
    text = hindcast.markdown(rows, SHIPPED.name, 1)
    assert text.count("\n| ") == len(rows) + 1 and "covered" in text


def _design(folder, **extra):
    from support.sweeps import write_design

    return write_design(folder, "worlds", **{"posterior": str(SHIPPED), "worlds": 3,
                                             "months": 12, **extra})


def test_a_design_runs_every_point_in_each_plausible_world(tmp_path):
    from aiecosim.experiments.experiment import WORLD, load_experiment
    from support.sweeps import results

    path = _design(tmp_path)
    experiment = load_experiment(path)
    points = experiment.points()
    assert {p[WORLD] for p in points} == {0, 1, 2}
    assert len(points) == 3 * len([p for p in points if p[WORLD] == 0])
    key = "finance.product_revenue_per_user_usd"
    drawn = [w.overrides[key] for w in
             posterior.draw_worlds(posterior.read(SHIPPED)[0], 3, experiment.design.world_seed)]
    for p in points:
        overrides = experiment.overrides(p)
        assert overrides[key] == drawn[p[WORLD]]
        for lever, value in p.items():  # the levers win over a world's values
            if lever != WORLD:
                assert overrides[lever] == value
    out = tmp_path / "out"
    done = run_cli("sweep", path, "--out", out, "--workers", 1, timeout=300)
    assert done.returncode == 0, done.stderr
    runs, _ = results(out)
    assert runs.height == len(points) * experiment.design.seeds
    assert (runs["status"] == "ok").all()


@pytest.mark.parametrize("changes, named", [
    ({"worlds": 3}, "posterior"),
    ({"posterior": str(SHIPPED)}, "worlds"),
    ({"posterior": "missing.parquet", "worlds": 3}, "posterior"),
    ({"posterior": str(SHIPPED), "worlds": 3, "method": "lhs", "samples": 4,
      "vary": {"policy.liability.strength": {"min": 0.0, "max": 1.0}}}, "posterior"),
])
def test_bad_world_keys_in_a_design_are_one_line(tmp_path, changes, named):
    from aiecosim.experiments.experiment import load_experiment
    from aiecosim.model.errors import ScenarioError
    from support.sweeps import write_design

    with pytest.raises(ScenarioError) as caught:
        load_experiment(write_design(tmp_path, "bad", **changes))
    assert caught.value.key == named, caught.value


def test_a_designs_fixed_overrides_win_over_the_worlds(tmp_path):
    from aiecosim.experiments.experiment import load_experiment

    experiment = load_experiment(_design(tmp_path, set={"populations.academics.count": 500}))
    for point in experiment.points():
        assert "populations.academics.count" not in experiment.overrides(point)
    assert all("populations.bad_actors.count" in w for w in experiment.worlds)


def test_prim_finds_the_box_where_a_claim_holds():
    """Scenario discovery on a known rule: the claim holds where a > 0.6, whatever b is."""
    import numpy as np

    from aiecosim.experiments.findings.worlds import conditions

    rng = np.random.default_rng(0)
    parameters = pl.DataFrame({"a": rng.random(400), "b": rng.random(400)})
    holds = parameters["a"].to_numpy() > 0.6
    box = conditions(holds, parameters)
    assert [key for key, _, _ in box.limits] == ["a"]
    (_, low, high), = box.limits
    assert 0.5 < low < 0.7 and high == pytest.approx(parameters["a"].max())
    assert box.density >= 0.9 and box.coverage > 0.8
    assert conditions(np.ones(400, bool), parameters) is None
