"""Design files are validated like scenarios: one line naming file and key, exit status 2."""

from __future__ import annotations

import tomllib

import pytest

from aiecosim.cli.main import main
from aiecosim.experiments.experiment import load_experiment
from support.sweeps import DESIGNS, run_cli, write_design

# Policy searches (aiecosim optimize) have designs of their own: tests/test_optimize.py.
SHIPPED = sorted(p for p in DESIGNS.glob("*.toml")
                 if "objectives" not in tomllib.loads(p.read_text()))


@pytest.mark.parametrize("changes, key, problem", [
    ({"seeds": 0}, "seeds", "expected greater than or equal to 1, found 0"),
    ({"method": "halton"}, "method", "expected 'grid', 'lhs', 'sobol' or 'morris', found 'halton'"),
    ({"sedes": 3}, "sedes", "did you mean 'seeds'?"),
    ({"vary": {"policy.liability.strenght": {"values": [0.1]}}},
     "vary.policy.liability.strenght", "did you mean 'strength'?"),
    ({"vary": {"policy.liability.strength": {"min": 0.0, "max": 2.0, "levels": 3}}},
     "vary.policy.liability.strength.max", "expected less than or equal to 1, found 2.0"),
    ({"vary": {"policy.liability.strength": {"mni": 0.0, "max": 1.0}}},
     "vary.policy.liability.strength.mni", "did you mean 'min'?"),
    ({"vary": {"policy.release_regime": {"values": ["open-weights", "closed-only"]}}},
     "vary.policy.release_regime.values", "found 'closed-only'"),
    ({"method": "sobol", "samples": 12}, "samples", "expected a power of two"),
    ({"method": "lhs"}, "samples", "method 'lhs' needs samples"),
    ({"method": "lhs", "samples": 8, "vary": {"policy.release_regime": {"values": ["api-only"]}}},
     "vary.policy.release_regime.values", "lhs samples a continuous range"),
    ({"outputs": ["innovaton"]}, "outputs", "did you mean 'innovation'?"),
    ({"set": {"policy.liability.bearer": "insurer"}}, "set.policy.liability.bearer", "found 'insurer'"),
    ({"scenario": "missing.toml"}, "scenario", "file not found: missing.toml"),
])
def test_a_bad_design_is_one_line_naming_the_key(tmp_path, capsys, changes, key, problem):
    path = write_design(tmp_path, **changes)
    assert main(["sweep", str(path), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert f"{path}: {key}: " in err and problem in err
    assert not (tmp_path / "out").exists()


def test_a_design_that_is_not_toml_is_one_line(tmp_path, capsys):
    path = tmp_path / "broken.toml"
    path.write_text('name = "x"\nmethod = grid\n')
    assert main(["sweep", str(path), "--out", str(tmp_path / "out")]) == 2
    assert "invalid TOML" in capsys.readouterr().err


@pytest.mark.timeout(60)
def test_the_command_line_exits_2_without_a_traceback(tmp_path):
    done = run_cli("sweep", write_design(tmp_path, seeds=0), "--out", tmp_path / "out")
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr


def test_dotted_keys_may_be_quoted_or_nested(tmp_path):
    quoted = tmp_path / "quoted.toml"
    nested = tmp_path / "nested.toml"
    head = f'name = "x"\nscenario = "{DESIGNS.parent.parent / "scenarios" / "baseline.toml"}"\n' \
        'method = "grid"\nseeds = 1\n'
    quoted.write_text(head + '[vary."policy.liability.strength"]\nvalues = [0.1, 0.2]\n')
    nested.write_text(head + '[vary.policy.liability.strength]\nvalues = [0.1, 0.2]\n')
    assert load_experiment(quoted).points() == load_experiment(nested).points()


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_shipped_designs_are_valid_and_sized_for_two_cores(path):
    experiment = load_experiment(path)
    runs = len(experiment.points()) * experiment.design.seeds
    # About 0.45 s per ten-year run, two workers: 600 runs is under three minutes.
    assert 10 <= runs <= 600
    quick = load_experiment(path, quick=True)
    assert len(quick.points()) * quick.design.seeds <= 40 and quick.scenario.steps <= 24
    assert quick.fingerprint() != experiment.fingerprint()


def test_a_grid_takes_every_combination_first_lever_slowest(tmp_path):
    experiment = load_experiment(write_design(tmp_path))
    assert experiment.points() == [
        {"policy.liability.strength": a, "policy.compute_subsidy.budget_usd_bn": b}
        for a in (0.0, 0.9) for b in (0.0, 2.0)]


def test_sobol_points_are_saltelli_sized_within_bounds_and_reproducible(tmp_path):
    vary = {"race.enmity": {"min": 0.2, "max": 1.0},
            "populations.startups.segments": {"min": 10, "max": 30}}
    path = write_design(tmp_path, method="sobol", samples=8, vary=vary)
    points = load_experiment(path).points()
    assert len(points) == 8 * (2 + 2)
    assert all(0.2 <= p["race.enmity"] <= 1.0 for p in points)
    assert all(isinstance(p["populations.startups.segments"], int) for p in points)
    assert points == load_experiment(path).points()
    other_seed = write_design(tmp_path, name="other", method="sobol", samples=8, vary=vary,
                              sample_seed=5)
    assert load_experiment(other_seed).points() != points


def test_morris_and_lhs_give_their_documented_sizes(tmp_path):
    vary = {"race.enmity": {"min": 0.2, "max": 1.0}, "misuse.uplift_scale": {"min": 0.3, "max": 1.0}}
    morris = load_experiment(write_design(tmp_path, name="m", method="morris", samples=3, vary=vary))
    lhs = load_experiment(write_design(tmp_path, name="l", method="lhs", samples=7, vary=vary))
    assert len(morris.points()) == 3 * (2 + 1)
    assert len(lhs.points()) == 7


def test_variants_expand_to_their_overrides(tmp_path):
    path = write_design(tmp_path, vary={}, variants={
        "as is": {}, "no leak": {"diffusion.leak_rate_per_accessor": 0.0}})
    experiment = load_experiment(path)
    assert [experiment.overrides(p) for p in experiment.points()] == [
        {}, {"diffusion.leak_rate_per_accessor": 0.0}]
    assert experiment.points_frame(experiment.points())["label"].to_list() == ["as is", "no leak"]


def test_a_shipped_design_can_be_named_without_its_path():
    assert load_experiment("release-regimes").design.name == "release-regimes"


def test_priors_vary_every_assumption_through_its_quantiles(tmp_path):
    from aiecosim.experiments.experiment import PRIOR_SPAN
    from aiecosim.model import priors

    vary = {"race.enmity": {"min": 0.2, "max": 1.0}}
    path = write_design(tmp_path, method="lhs", samples=40, vary=vary, priors="assumptions",
                        set={"misuse.uplift_scale": 0.5})
    experiment = load_experiment(path)
    rows = {row.key: row for row in priors.uncertain()}
    wanted = {k for k, row in rows.items() if row.status == "assumption"} - {
        "race.enmity", "misuse.uplift_scale"}
    varied = {v.key for v in experiment.variables}
    assert varied == wanted | {"race.enmity"}  # the design's own range and value win
    points = experiment.points()
    for key in wanted:
        row = rows[key]
        lo, hi = (row.prior.quantile(q, row.bounds) for q in PRIOR_SPAN)
        values = [p[key] for p in points]
        assert all(lo - 1e-9 <= x <= hi + 1e-9 for x in values), key
        assert len(set(values)) > 1 or lo == hi, key
    assert all(0.2 <= p["race.enmity"] <= 1.0 for p in points)
    with_all = load_experiment(write_design(tmp_path, name="all", method="lhs", samples=4,
                                            priors="all", vary={}, set={}))
    assert len(with_all.variables) == len(rows)
    assert with_all.fingerprint() != load_experiment(path).fingerprint()


def test_priors_on_a_grid_is_one_line(tmp_path, capsys):
    path = write_design(tmp_path, priors="all")
    assert main(["sweep", str(path), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"{path}: priors: " in err and "method = 'lhs'" in err
