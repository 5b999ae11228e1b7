"""Analysis of sweep results: indices that find the parameter that matters, comparisons with
honest intervals, phase grids, and bands over seeds from a real sweep folder."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from aiecosim.experiments.analysis import (compare, load_sweep, morris_indices, phase_grid, point_means,
                                  sobol_indices, time_bands)
from support.sweeps import run_cli, write_design

PROBLEM = {"num_vars": 3, "names": ["big", "small", "none"], "bounds": [[0, 1]] * 3}


def test_sobol_indices_rank_the_parameter_that_drives_the_output():
    from SALib.sample import sobol

    x = sobol.sample(PROBLEM, 256, calc_second_order=False, seed=1)
    y = 10 * x[:, 0] + x[:, 1] ** 2
    found = sobol_indices(PROBLEM, y, seed=1)
    s1 = dict(zip(found["parameter"], found["S1"]))
    st = dict(zip(found["parameter"], found["ST"]))
    assert s1["big"] > 0.9 and st["big"] > 0.9
    assert st["small"] < 0.1 and abs(st["none"]) < 0.02


def test_sobol_intervals_are_the_same_every_time_even_for_seed_zero():
    from SALib.sample import sobol

    x = sobol.sample(PROBLEM, 64, calc_second_order=False, seed=1)
    y = 10 * x[:, 0] + x[:, 1] ** 2
    first, again = sobol_indices(PROBLEM, y, seed=0), sobol_indices(PROBLEM, y, seed=0)
    assert first.equals(again)
    assert not first.equals(sobol_indices(PROBLEM, y, seed=1))  # the seed does reach SALib


def test_morris_mu_star_ranks_the_parameter_that_drives_the_output():
    from SALib.sample import morris

    x = morris.sample(PROBLEM, 20, num_levels=4, seed=1)
    y = 10 * x[:, 0] + x[:, 1]
    found = morris_indices(PROBLEM, x, y, levels=4, seed=1)
    mu = dict(zip(found["parameter"], found["mu_star"]))
    assert mu["big"] == pytest.approx(10) and mu["small"] == pytest.approx(1) and mu["none"] == 0


def test_compare_reports_the_difference_with_an_interval_that_covers_it():
    rng = np.random.default_rng(0)
    a = pl.DataFrame({"harm": rng.normal(1.0, 0.2, 40)})
    b = pl.DataFrame({"harm": rng.normal(1.5, 0.2, 40)})
    row = compare(a, b, ["harm"]).row(0, named=True)
    assert row["diff_lo"] < 0.5 < row["diff_hi"] and row["diff_lo"] > 0
    assert (row["runs_a"], row["runs_b"]) == (40, 40)


def test_phase_grid_keeps_grid_levels_and_bins_sampled_levers():
    grid = pl.DataFrame({"x": [0.0, 0.0, 1.0, 1.0], "y": [5.0, 6.0, 5.0, 6.0],
                         "m_mean": [1.0, 2.0, 3.0, 4.0]})
    assert phase_grid(grid, "x", "y", "m")["m_mean"].to_list() == [1.0, 2.0, 3.0, 4.0]
    rng = np.random.default_rng(1)
    sampled = pl.DataFrame({"x": rng.random(200), "y": rng.random(200), "m_mean": rng.random(200)})
    binned = phase_grid(sampled, "x", "y", "m", bins=4)
    assert binned["x"].n_unique() == 4 and binned["y"].n_unique() == 4


@pytest.mark.timeout(120)
def test_bands_and_means_come_from_the_runs_on_disk(tmp_path):
    out = tmp_path / "out"
    done = run_cli("sweep", write_design(tmp_path, seeds=2), "--out", out, "--workers", 1)
    assert done.returncode == 0, done.stderr
    sweep = load_sweep(out)
    means = point_means(sweep, ["innovation"])
    assert len(means) == 4 and set(means["seeds"]) == {2}
    by_hand = sweep.runs.filter(pl.col("point") == 3)["innovation"].mean()
    assert means.filter(pl.col("point") == 3)["innovation_mean"][0] == pytest.approx(by_hand)
    bands = time_bands(sweep, ["innovation"])
    assert len(bands) == 4 and all(len(frame) == 12 for frame in bands.values())
    first = next(iter(bands.values()))
    assert (first["innovation_lo"] <= first["innovation_mean"]).all()
    assert (first["innovation_mean"] <= first["innovation_hi"]).all()


def test_delta_ranks_the_driver_and_scores_an_unused_input_near_zero():
    from aiecosim.experiments.analysis import delta_indices

    x = np.random.default_rng(2).uniform(size=(600, 3))
    y = np.exp(6 * x[:, 0]) + x[:, 1]  # heavy-tailed in the driver
    found = delta_indices(PROBLEM, x, y, seed=1)
    delta = dict(zip(found["parameter"], found["delta"]))
    assert delta["big"] > 0.5 and delta["none"] < 0.1 and delta["big"] > 5 * delta["none"]
    assert (found["delta_conf"] > 0).all() and (found["delta_conf"] < 0.1).all()


def test_morris_over_priors_reads_the_sampler_s_quantiles(tmp_path):
    """A real Morris sweep over every assumption: the analysis uses the quantile matrix, so
    integer priors (rounded values) still give an effect for every prior."""
    from aiecosim.experiments.analysis import sensitivity

    path = write_design(tmp_path, method="morris", samples=2, priors="assumptions", seeds=1,
                        months=3, outputs=["innovation", "misuse_harm"], vary={})
    done = run_cli("sweep", path, "--out", tmp_path / "out", "--workers", "1")
    assert done.returncode == 0, done.stderr
    sweep = load_sweep(tmp_path / "out")
    x = sweep.unit_matrix()
    assert x.shape == (len(sweep.points), len(sweep.variables))
    assert x.min() >= 0.025 - 1e-12 and x.max() <= 0.975 + 1e-12
    found = sensitivity(sweep, "innovation")
    assert len(found) == len(sweep.variables) and found["mu_star"].is_finite().all()
