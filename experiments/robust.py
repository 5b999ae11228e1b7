"""Robust policy search: EMA Workbench's ``robust_optimize`` (platypus' epsilon-NSGA-II) over
the policy levers, every candidate run through aiecosim's executor in the same plausible worlds.

- **Worlds** are drawn once from the design's posterior (``experiments.posterior``), each with
  its own seed, and stay fixed for the whole search: every candidate policy runs in world *i*
  with world *i*'s seed (common random numbers), so two policies differ by their levers alone.
- **Scores**: each objective is a percentile over the worlds of a run's mean over its last
  months (``optimize_design.DEFAULT_PERCENTILE``: the pessimistic side by default).
- **The search** is EMA's, on its own problem and EMA's ``evaluate`` helper; this module only
  supplies the evaluator. EMA's own ``evaluate_all`` scores every policy of a generation over
  the whole generation's experiments (EMA 3.0.0), so the evaluator below scores each policy on
  its own worlds by calling that helper once per policy.
- **Randomness**: platypus and EMA's variator draw from Python's ``random`` module, which
  Dask's threads in this process draw from too; during the search they get a generator of
  their own (``private_random``), which EMA seeds with the design's ``seed``. The runs are
  seeded by their worlds. The same design gives the same front on any backend and number of
  workers.
"""

from __future__ import annotations

import contextlib
import io
import tempfile
import time
import warnings
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
import polars as pl

from aiecosim.experiments.executor import Executor
from aiecosim.experiments.optimize_design import Optimization
from aiecosim.experiments.private_random import private_random
from aiecosim.experiments.worker import first_non_finite

WORLD = "world"  # the one uncertainty EMA sees: which of the fixed worlds a run is in


class SearchFailed(RuntimeError):
    """A run of the search raised or gave a metric that is not a finite number."""


@dataclass(frozen=True)
class SearchResult:
    front: pl.DataFrame        # one row per policy of the front: levers, then robust scores
    per_world: pl.DataFrame    # the same policies' values in each world
    convergence: pl.DataFrame  # nfe and epsilon progress, as EMA tracks them
    evaluations: int           # candidate policies evaluated
    runs: int                  # simulations run
    seconds: float


def _percentile(q: float) -> Callable[[np.ndarray], float]:
    return lambda values: float(np.percentile(values, q))


def ema_problem(opt: Optimization):
    """EMA's model (the world index as its uncertainty, the levers, the metrics as INFO
    outcomes), the robustness functions, and one EMA scenario per world."""
    from ema_workbench import IntegerParameter, Model, Sample, ScalarOutcome

    objectives = opt.objectives()
    metrics = list(dict.fromkeys(o["metric"] for o in objectives))
    model = Model(opt.design.name.replace("-", "_"), function=lambda **_: None)
    model.uncertainties = [IntegerParameter(WORLD, 0, len(opt.worlds) - 1)]
    model.levers = [lever.parameter() for lever in opt.levers]
    model.outcomes = [ScalarOutcome(m, kind=ScalarOutcome.INFO) for m in metrics]
    kinds = {"maximize": ScalarOutcome.MAXIMIZE, "minimize": ScalarOutcome.MINIMIZE}
    robustness = [ScalarOutcome(o["column"], kind=kinds[o["direction"]],
                                variable_name=o["metric"], function=_percentile(o["percentile"]))
                  for o in objectives]
    worlds = [Sample(f"world {i}", **{WORLD: i}) for i in range(len(opt.worlds))]
    return model, robustness, worlds


def policy_of(opt: Optimization, decisions: dict[str, Any]) -> dict[str, Any]:
    """Scenario overrides of an EMA policy (decision variables to lever values)."""
    return {lever.key: lever.value(decisions[lever.key]) for lever in opt.levers}


def _decision_key(opt: Optimization, decisions) -> tuple[float, ...]:
    """A policy's identity: its decision variables, exactly as platypus decoded them."""
    return tuple(float(decisions[lever.key]) for lever in opt.levers)


def search_evaluator(model, opt: Optimization, executor: Executor,
                     progress: Callable[[int], None] | None = None):
    """An EMA evaluator running experiments on ``executor``, one run per (policy, world)."""
    from ema_workbench.em_framework.evaluators import BaseEvaluator, perform_experiments
    from ema_workbench.em_framework.optimization import evaluate, process_jobs

    metrics = [o.name for o in model.outcomes]
    months = opt.design.summary_months

    class SearchEvaluator(BaseEvaluator):
        def __init__(self, msis):
            super().__init__(msis)
            self.runs = 0
            # Every policy's values world by world, for the front's per-world table.
            self.records: dict[tuple[float, ...], list[dict[str, float] | None]] = {}

        def initialize(self):
            executor.start().result()

        def finalize(self):
            """Nothing to release: the executor belongs to the caller, who closes it."""

        def evaluate_experiments(self, experiments, callback, **kwargs):
            experiments = list(experiments)
            pairs = []
            for e in experiments:
                world = int(e.scenario[WORLD])
                pairs.append((opt.world_scenario(world, policy_of(opt, e.policy)),
                              opt.worlds[world].seed))
            done = [0]

            def tick(n: int, _total: int) -> None:
                if progress is not None:
                    progress(n - done[0])
                done[0] = n

            try:
                frames = executor.evaluate(pairs, progress=tick)
            except Exception as exc:  # a run the model refused: the search cannot go on
                raise SearchFailed(f"a run raised {type(exc).__name__}: "
                                   f"{str(exc).splitlines()[0] if str(exc) else ''}") from exc
            self.runs += len(frames)
            for e, frame in zip(experiments, frames):
                undefined = first_non_finite(frame)
                if undefined:
                    raise SearchFailed(f"world {e.scenario[WORLD]} with "
                                       f"{policy_of(opt, e.policy)}: {undefined}")
                values = frame.tail(months).select(pl.col(metrics).mean()).row(0, named=True)
                self.records.setdefault(_decision_key(opt, e.policy), [None] * len(opt.worlds))[
                    int(e.scenario[WORLD])] = values
                callback(e, values)

        def evaluate_all(self, jobs, **kwargs):
            """A generation's policies in every world in one call to the executor, each
            policy then scored by EMA on its own worlds."""
            if not jobs:
                return jobs
            problem = jobs[0].solution.problem
            scenarios, policies = process_jobs(jobs)
            callback = perform_experiments(self._msis, evaluator=self, scenarios=scenarios,
                                           policies=policies, return_callback=True,
                                           reporting_frequency=self.reporting_frequency,
                                           log_progress=True)
            experiments, outcomes = callback.get_results()
            column = experiments["policy"].to_numpy()
            for policy, job in zip(policies, jobs):
                mine = column == policy.name
                evaluate([(policy, job)], experiments[mine],
                         {k: v[mine] for k, v in outcomes.items()}, problem)
            return jobs

    return SearchEvaluator(model)


def run_search(opt: Optimization, executor: Executor,
               progress: Callable[[int], None] | None = None) -> SearchResult:
    """Search ``opt``'s levers for the front of its objectives; ``progress(n)`` is called as
    n more runs finish."""
    started = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # EMA's notices about optional packages, on import
        # Imported before the search, so private_random finds every module that draws.
        from ema_workbench.em_framework import optimization  # noqa: F401
        from platypus import EpsNSGAII

        model, robustness, worlds = ema_problem(opt)
    objectives = opt.objectives()
    design = opt.design
    with warnings.catch_warnings(), tempfile.TemporaryDirectory() as scratch, \
            private_random(design.seed), \
            search_evaluator(model, opt, executor, progress) as evaluator, \
            contextlib.redirect_stderr(io.StringIO()):  # EMA's own tqdm bar; ours is rich's
        warnings.simplefilter("ignore")  # EMA's notices about optional packages
        front, convergence = evaluator.robust_optimize(
            robustness, worlds, algorithm=EpsNSGAII, nfe=design.nfe,
            epsilons=[o["epsilon"] for o in objectives], population_size=design.population,
            rng=design.seed, convergence_freq=design.population, logging_freq=10**9,
            # EMA keeps each archive in a tarball; the front and convergence are returned.
            filename="archives.tar.gz", directory=scratch)
        records, runs = evaluator.records, evaluator.runs
    table, per_world = _tables(opt, front, records)
    conv = pl.from_pandas(convergence.reset_index(drop=True)) if len(convergence) else \
        pl.DataFrame({"nfe": []}, schema={"nfe": pl.Int64})
    evaluations = int(conv["nfe"].max()) if len(conv) else 0
    return SearchResult(table, per_world, conv, evaluations, runs,
                        time.perf_counter() - started)


def _tables(opt: Optimization, front, records) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The front as lever values and robust scores (sorted, so the same front is the same
    table), and its policies' values world by world."""
    objectives = opt.objectives()
    metrics = list(dict.fromkeys(o["metric"] for o in objectives))
    rows, worlds = [], []
    for decisions in front.to_dict("records"):
        policy = policy_of(opt, decisions)
        rows.append({**policy, **{o["column"]: float(decisions[o["column"]])
                                  for o in objectives}})
        rows[-1]["_key"] = _decision_key(opt, decisions)
    rows.sort(key=lambda r: tuple(r[o["column"]] for o in objectives) + r["_key"])
    for number, row in enumerate(rows):
        for w, values in enumerate(records[row.pop("_key")]):
            world = opt.worlds[w]
            worlds.append({"policy": number, "world": w, "particle": world.particle,
                           "seed": world.seed, **{m: values[m] for m in metrics}})
    schema = {lever.key: _dtype(lever) for lever in opt.levers}
    schema.update({o["column"]: pl.Float64 for o in objectives})
    table = pl.DataFrame(rows, schema=schema)
    table = table.select(pl.int_range(pl.len(), dtype=pl.Int64).alias("policy"), pl.all())
    world_schema = {"policy": pl.Int64, "world": pl.Int64, "particle": pl.Int64,
                    "seed": pl.Int64, **{m: pl.Float64 for m in metrics}}
    return table, pl.DataFrame(worlds, schema=world_schema)


def _dtype(lever) -> pl.DataType:
    if lever.kind == "choice":
        kinds = {type(v) for v in lever.values}
        if kinds == {bool}:
            return pl.Boolean
        if kinds == {int}:
            return pl.Int64
        if kinds <= {int, float}:
            return pl.Float64
        return pl.String
    return pl.Int64 if lever.kind == "int" else pl.Float64
