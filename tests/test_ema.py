"""The EMA Workbench adapter: a model built from the schema, experiments run through our
executor (in this process and on a real Dask cluster, alike), and PRIM finding a planted rule."""

from __future__ import annotations

import subprocess
import sys
import warnings

import numpy as np
import pytest

from aiecosim.experiments.ema import ema_model, executor_evaluator, policy_levers
from aiecosim.experiments.executor import Executor
from aiecosim.model import Scenario, ScenarioError
from aiecosim.model.priors import uncertain
from support.runs import REPO

warnings.filterwarnings("ignore", message=".*not installed.*")  # EMA's optional evaluators

UNCERTAIN = ["misuse.harm_per_incident_usd_m", "defense.decay", "populations.startups.quality_pull"]
SMALL = Scenario.baseline().with_overrides({
    "steps": 12, "populations.startups.segments": 10, "populations.academics.count": 200,
    "populations.bad_actors.count": 2000})


def small_model(**kwargs):
    return ema_model(SMALL, uncertainty_keys=UNCERTAIN, lever_keys=["policy.liability.strength"],
                     outcomes=["misuse_harm", "innovation"], **kwargs)


def run(model, backend: str = "in-process", n: int = 40, **executor):
    with Executor(backend, **executor) as ex, executor_evaluator(model, ex) as evaluator:
        return evaluator.perform_experiments(scenarios=n, policies=1,
                                             uncertainty_sampling_kwargs={"rng": 7},
                                             lever_sampling_kwargs={"rng": 8})


def test_the_model_has_every_prior_every_policy_lever_and_the_outcomes():
    model = ema_model()
    rows = {row.key: row for row in uncertain()}
    assert {u.name for u in model.uncertainties} == set(rows)
    assert {lever.name for lever in model.levers} == set(policy_levers())
    assert [o.name for o in model.outcomes] == ["innovation", "hhi", "misuse_harm", "welfare"]
    for u in model.uncertainties:  # sampled through the prior's own quantiles, central 95%
        row = rows[u.name]
        assert u.dist.ppf(0.5) == pytest.approx(row.prior.quantile(0.5, row.bounds))
        assert u.dist.ppf(0.0) == pytest.approx(row.prior.quantile(0.025, row.bounds))
    with pytest.raises(ScenarioError, match="outcomes: .*did you mean 'innovation'"):
        ema_model(outcomes=["inovation"])
    with pytest.raises(ScenarioError, match="uncertainties: "):
        ema_model(uncertainty_keys=["policy.liability.strength"])  # a lever, not a prior


def test_prim_finds_the_planted_rule_in_experiments_run_by_our_executor():
    from ema_workbench.analysis import prim

    experiments, outcomes = run(small_model())
    assert len(experiments) == 40 and np.isfinite(outcomes["misuse_harm"]).all()
    again, repeated = run(small_model())
    assert np.array_equal(repeated["misuse_harm"], outcomes["misuse_harm"]), "seeded worlds"
    # Harm per incident multiplies every incident: high harm must be a box on it, from below.
    high = outcomes["misuse_harm"] > np.percentile(outcomes["misuse_harm"], 60)
    box = prim.Prim(experiments[UNCERTAIN], high, peel_alpha=0.05, mass_min=0.05).find_box()
    last = box.peeling_trajectory.iloc[-1]
    lower = float(box.box_lims[-1]["misuse.harm_per_incident_usd_m"].iloc[0])
    assert lower > np.percentile(experiments["misuse.harm_per_incident_usd_m"], 30)
    assert last["density"] >= 0.8 and last["coverage"] >= 0.5


@pytest.mark.slow
@pytest.mark.timeout(180)
def test_experiments_on_a_dask_cluster_equal_those_in_this_process():
    from aiecosim.experiments.cluster import local_cluster

    _, here = run(small_model(), n=8)
    with local_cluster(2) as cluster:
        _, there = run(small_model(), backend="dask", n=8, scheduler=cluster.scheduler_address)
    for name in here:
        assert np.array_equal(here[name], there[name]), name


@pytest.mark.timeout(180)
def test_the_shipped_example_runs():
    done = subprocess.run([sys.executable, "examples/ema_prim.py", "--experiments", "60",
                           "--backend", "in-process"], cwd=REPO, capture_output=True, text=True,
                          timeout=170)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "misuse.harm_per_incident_usd_m in [" in done.stdout
