"""``aiecosim calibrate``: ABC-SMC finds parameters it knows, gives the same posterior on any
cluster and after a resume, and refuses bad input in one line."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from aiecosim.experiments import calibration_check, posterior
from aiecosim.experiments.calibration import Settings, check_resumable
from aiecosim.model.errors import ScenarioError

from support.sweeps import run_cli, separate_scheduler_and_worker

# A small problem: three priors the 2023 observations speak to (lab revenue, startup entry,
# Llama 2's capability); the rest of the schema held at the baseline's values.
KEYS = ("finance.product_revenue_per_user_usd,populations.startups.entry_flow,"
        "diffusion.initial_open_capability")


@pytest.mark.slow
def test_simulation_based_check_recovers_known_values(tmp_path):
    """The truth is drawn from the priors; the threshold 0.15 makes the synthetic evidence
    informative, so the check is not passed by a posterior that is just the prior."""
    out = tmp_path / "check.parquet"
    done = run_cli("calibrate", "--keys", KEYS, "--check-truth", 3, "--population", 120,
                   "--epsilon", 0.15, "--workers", 2, "--out", out, timeout=600)
    assert done.returncode == 0, done.stderr
    particles, info = posterior.read(out)
    rows = calibration_check.recovered(particles, info["truth"])
    assert len(rows) == 3
    assert sum(r.inside for r in rows) >= 2, rows
    assert min(r.narrowing for r in rows) < 0.5, rows  # the data informed at least one
    assert "known values inside their 90% posterior interval" in done.stdout
    assert info["observations_sha256"] and info["settings"]["seed"] == 0


def _calibrate(out, *extra):
    return run_cli("calibrate", "--keys", KEYS, "--population", 24, "--epsilon", 0.05,
                   "--out", out, *extra, timeout=600)


@pytest.mark.slow
def test_same_posterior_on_one_worker_on_a_separate_cluster_and_after_a_resume(tmp_path):
    one = _calibrate(tmp_path / "one.parquet", "--workers", 1, "--generations", 2)
    assert one.returncode == 0, one.stderr
    with separate_scheduler_and_worker() as (address, _):
        first = _calibrate(tmp_path / "two.parquet", "--scheduler", address, "--generations", 1)
        assert first.returncode == 0, first.stderr
        resumed = _calibrate(tmp_path / "two.parquet", "--scheduler", address, "--generations", 2)
    assert resumed.returncode == 0, resumed.stderr
    assert "resumed after generation 0" in resumed.stdout
    a, info_a = posterior.read(tmp_path / "one.parquet")
    b, info_b = posterior.read(tmp_path / "two.parquet")
    assert len(info_a["generations"]) == 2 and info_a["generations"] == info_b["generations"]
    assert info_a["generations"][1]["epsilon"] < info_a["generations"][0]["epsilon"]
    assert a.equals(b)


def test_an_unknown_key_is_one_line_with_a_suggestion(tmp_path):
    done = run_cli("calibrate", "--keys", "finance.product_revenue_per_user", "--out",
                   tmp_path / "p.parquet")
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "did you mean" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr


def test_the_check_needs_keys_and_the_output_must_be_parquet(tmp_path):
    done = run_cli("calibrate", "--check-truth", 1, "--workers", 1, "--out", tmp_path / "p.parquet")
    assert done.returncode == 2 and "--keys" in done.stderr and "Traceback" not in done.stderr
    done = run_cli("calibrate", "--out", tmp_path / "p.csv")
    assert done.returncode == 2 and ".parquet" in done.stderr


def test_a_calibration_started_otherwise_is_not_resumed(tmp_path):
    database, record = tmp_path / "p.abc.db", tmp_path / "p.abc.json"
    database.write_bytes(b"")
    started = {"settings": Settings(population=50).to_dict(), "observations_sha256": "a"}
    record.write_text(__import__("json").dumps(started))
    more = {"settings": Settings(population=50, generations=12).to_dict(),
            "observations_sha256": "a"}
    check_resumable(database, record, more)  # more generations: a resume
    with pytest.raises(ScenarioError, match="--fresh"):
        check_resumable(database, record, {**more, "observations_sha256": "b"})
    with pytest.raises(ScenarioError, match="population|settings"):
        check_resumable(database, record, {"settings": Settings(population=60).to_dict(),
                                           "observations_sha256": "a"})


def _particles(weights):
    return pl.DataFrame({"particle": list(range(len(weights))), "x": [0.0, 1.0, 2.0, 3.0],
                         "weight": weights, "distance": [0.5] * 4, "seed": [1, 2, 3, 4]})


def test_worlds_are_drawn_by_weight_with_their_own_seeds_reproducibly():
    particles = _particles([0.7, 0.1, 0.2, 0.0])
    worlds = posterior.draw_worlds(particles, 1000, seed=5)
    picked = np.bincount([w.particle for w in worlds], minlength=4)
    assert abs(picked[0] - 700) <= 1 and abs(picked[2] - 200) <= 1 and picked[3] == 0
    assert worlds == posterior.draw_worlds(particles, 1000, seed=5)
    assert worlds != posterior.draw_worlds(particles, 1000, seed=6)
    assert len({w.seed for w in worlds}) > 990  # each world its own run seed
    assert {w.overrides["x"] for w in worlds} == {0.0, 1.0, 2.0}


def test_posterior_intervals_are_weighted():
    particles = _particles([0.0, 0.0, 0.5, 0.5])
    row = posterior.intervals(particles, 0.9).row(0, named=True)
    assert row["key"] == "x" and 2.0 <= row["low"] <= row["median"] <= row["high"] <= 3.0
    assert posterior.effective_size(particles) == pytest.approx(2.0)


def test_synthetic_observations_move_each_interval_with_its_value():
    from aiecosim.experiments import observations as obs

    real = obs.load(obs.shipped(obs.CALIBRATION_FILE))
    values = {o.name: o.value * 1.5 + 1 for o in real.observation}
    fake = calibration_check.synthetic(real, values)
    for before, after in zip(real.observation, fake.observation):
        assert after.value == values[before.name]
        assert after.miss(after.value) == 0
        assert after.miss(after.interval[1]) == pytest.approx(1.0)
        assert after.miss(after.interval[0]) == pytest.approx(-1.0)


def test_a_bad_observations_file_is_one_line_naming_the_key(tmp_path):
    bad = tmp_path / "obs.toml"
    text = obs_text().replace('statistic = "mean"', 'statistc = "mean"', 1)
    bad.write_text(text)
    done = run_cli("calibrate", "--observations", bad, "--out", tmp_path / "p.parquet")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert str(bad) in done.stderr and "statistc" in done.stderr, done.stderr
    assert done.stderr.count("\n") == 1


def test_the_hindcast_refuses_a_missing_posterior_in_one_line(tmp_path):
    done = run_cli("hindcast", "--posterior", tmp_path / "none.parquet", "--worlds", 2)
    assert done.returncode == 2 and "--posterior" in done.stderr, done.stderr
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr


def obs_text() -> str:
    from aiecosim.experiments.observations import CALIBRATION_FILE, shipped

    return shipped(CALIBRATION_FILE).read_text()
