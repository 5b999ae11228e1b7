"""aiecosim as the EMA Workbench sees it: a model of uncertainties, levers and outcomes, and an
evaluator that runs EMA's experiments through aiecosim's own executor.

- **Uncertainties** are the priors (``aiecosim scenario priors``): each a ``RealParameter``
  drawn from its prior over the prior's central 95% (uniform, log-uniform, or normal truncated
  to the schema's bounds) through ``Prior.quantile``, so EMA's Latin hypercube samples the
  worlds a design's ``priors = "all"`` does. Integer fields are rounded, as everywhere.
- **Levers** are the policy levers of the schema (``policy.*``): numbers over their schema
  range, switches and choices as categories.
- **Outcomes** are metrics of the table, each a run's mean over its last ``last_months``
  months (a ten-year run's year 10).

``ExecutorEvaluator`` hands every experiment to ``experiments.executor.Executor``, so EMA's
experiments run in this process, on a process pool, or on the same Dask cluster as sweeps
(``backend="dask"``, ``scheduler=...``). Experiment ``i`` runs seed ``seed + i``, so a rerun
repeats every world. ``model.function`` runs one experiment in-process, so EMA's own
evaluators work too; they pass no experiment number, so each of their runs uses ``seed``.

Needs the ``ema-workbench`` package (installed with aiecosim's requirements).
"""

from __future__ import annotations

import typing
from dataclasses import dataclass
from typing import Any, Callable, Iterable

import numpy as np
import polars as pl
from scipy import stats

from aiecosim.experiments.executor import Executor
from aiecosim.experiments.experiment import PRIOR_SPAN
from aiecosim.model import Scenario
from aiecosim.model.errors import ScenarioError, unknown_key_message
from aiecosim.model.metrics import METRICS
from aiecosim.model.priors import Row, uncertain
from aiecosim.model.schema_walk import Leaf, leaves

DEFAULT_OUTCOMES = ("innovation", "hhi", "misuse_harm", "welfare")
LAST_MONTHS = 12


def prior_distribution(row: Row):
    """A prior as a frozen scipy distribution over its central 95%, for EMA's samplers
    (which call ``ppf``); values come from ``Prior.quantile``, as a design's do. A class per
    prior, because scipy rebuilds a distribution from its constructor's arguments alone."""
    low, high = (row.prior.quantile(u, row.bounds) for u in PRIOR_SPAN)

    class PriorDistribution(stats.rv_continuous):
        def _ppf(self, q):
            inner = PRIOR_SPAN[0] + np.asarray(q, dtype=float) * (PRIOR_SPAN[1] - PRIOR_SPAN[0])
            return np.vectorize(lambda u: row.prior.quantile(float(u), row.bounds))(inner)

    return PriorDistribution(a=low, b=high, name=row.key)()


def _chosen(kind: str, keys: Iterable[str] | None, allowed: dict) -> list[str]:
    chosen = list(allowed) if keys is None else list(keys)
    for key in chosen:
        if key not in allowed:
            raise ScenarioError(kind, key, unknown_key_message(key, list(allowed)))
    return chosen


def policy_levers() -> dict[str, Leaf]:
    """The schema's policy levers, by dotted key."""
    return {leaf.key: leaf for leaf in leaves(Scenario)
            if leaf.lever and leaf.key.startswith("policy.")}


def uncertainties(keys: Iterable[str] | None = None) -> list:
    """EMA parameters for the priors (all of them, or those of ``keys``)."""
    from ema_workbench import RealParameter

    rows = {row.key: row for row in uncertain()}
    return [RealParameter.from_dist(key, prior_distribution(rows[key]))
            for key in _chosen("uncertainties", keys, rows)]


def levers(keys: Iterable[str] | None = None, scenario: Scenario | None = None) -> list:
    """EMA parameters for policy levers: numbers over the schema's range, the rest as
    categories (a lab-naming lever over "" and ``scenario``'s labs)."""
    from ema_workbench import BooleanParameter, CategoricalParameter, RealParameter

    found = policy_levers()
    labs = [lab.name for lab in (scenario or Scenario.baseline()).labs]
    out = []
    for key in _chosen("levers", keys, found):
        leaf = found[key]
        if leaf.annotation is str and key.endswith("_lab"):
            out.append(CategoricalParameter(key, ["", *labs]))
        elif leaf.annotation is bool:
            out.append(BooleanParameter(key))
        elif typing.get_origin(leaf.annotation) is typing.Literal:
            out.append(CategoricalParameter(key, list(typing.get_args(leaf.annotation))))
        elif leaf.annotation in (int, float) and leaf.low is not None and leaf.high is not None:
            out.append(RealParameter(key, float(leaf.low), float(leaf.high)))
        else:
            raise ScenarioError("levers", key, "expected a number with bounds, a switch or a "
                                f"choice; found {leaf.annotation}")
    return out


@dataclass(frozen=True)
class World:
    """How one EMA experiment becomes an aiecosim run, and its run a row of outcomes."""

    scenario: Scenario
    integers: frozenset[str]
    outcomes: tuple[str, ...]
    last_months: int

    def overrides(self, values: dict[str, Any]) -> dict[str, Any]:
        return {k: (int(round(v)) if k in self.integers else _plain(v)) for k, v in values.items()}

    def resolve(self, values: dict[str, Any]) -> Scenario:
        return self.scenario.with_overrides(self.overrides(values), source="EMA experiment")

    def summarise(self, frame: pl.DataFrame) -> dict[str, float]:
        last = frame.tail(self.last_months)
        return {m: float(last[m].mean()) for m in self.outcomes}


def _plain(value: Any) -> Any:
    """numpy scalars, which EMA samples give, as Python's (the schema is strict)."""
    return value.item() if isinstance(value, np.generic) else value


def ema_model(scenario: Scenario | None = None, *, uncertainty_keys: Iterable[str] | None = None,
              lever_keys: Iterable[str] | None = None,
              outcomes: Iterable[str] = DEFAULT_OUTCOMES, seed: int = 1,
              last_months: int = LAST_MONTHS, name: str = "aiecosim"):
    """An ``ema_workbench.Model`` of ``scenario`` (default the baseline), with ``world``, the
    ``World`` that turns experiments into runs, as an attribute."""
    from ema_workbench import Model, ScalarOutcome

    outcomes = tuple(outcomes)
    for metric in outcomes:
        if metric not in METRICS:
            raise ScenarioError("outcomes", metric, unknown_key_message(metric, list(METRICS)))
    base = scenario if scenario is not None else Scenario.baseline()
    integers = frozenset(r.key for r in uncertain() if r.prior.integer)
    world = World(base, integers, outcomes, last_months)

    def function(**values):  # EMA's own evaluators: one experiment here, with the base seed
        from aiecosim.model.simulate import simulate

        return world.summarise(simulate(world.resolve(values), seed=seed))

    model = Model(name, function=function)
    model.uncertainties = uncertainties(uncertainty_keys)
    model.levers = levers(lever_keys, base)
    model.outcomes = [ScalarOutcome(m, kind=ScalarOutcome.INFO) for m in outcomes]
    model.world = world
    return model


def executor_evaluator(model, executor: Executor, seed: int = 1,
                       progress: Callable[[int, int], None] | None = None):
    """An EMA evaluator that runs ``model``'s experiments on ``executor``."""
    from ema_workbench.em_framework.evaluators import BaseEvaluator

    class ExecutorEvaluator(BaseEvaluator):
        def initialize(self):
            executor.start().result()

        def finalize(self):
            """Nothing to release: the executor belongs to the caller, who closes it."""

        def evaluate_experiments(self, experiments, callback, **kwargs):
            experiments = list(experiments)
            world: World = model.world
            pairs = [(world.resolve({**e.scenario, **e.policy}), seed + e.experiment_id)
                     for e in experiments]
            frames = executor.evaluate(pairs, progress=progress)
            for experiment, frame in zip(experiments, frames):
                callback(experiment, world.summarise(frame))

    return ExecutorEvaluator(model)
