"""Scenario discovery with the EMA Workbench on aiecosim: which worlds have high misuse harm?

Runs EMA's ``perform_experiments`` over three priors and one lever, through aiecosim's
executor (a process pool here; ``--backend dask`` for a local Dask cluster, plus
``--scheduler`` for a running one), then PRIM on "year-1 misuse harm in its top 40%". Harm per
incident multiplies every incident, so PRIM's box should bound it from below and leave the
unrelated priors alone.

    .venv/bin/python examples/ema_prim.py --experiments 200
"""

from __future__ import annotations

import argparse
import warnings

import numpy as np

from aiecosim.experiments.ema import ema_model, executor_evaluator
from aiecosim.experiments.executor import Executor
from aiecosim.model import Scenario

UNCERTAIN = ["misuse.harm_per_incident_usd_m", "defense.decay", "populations.startups.quality_pull"]


def main(argv: list[str] | None = None) -> dict[str, tuple[float, float]]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--experiments", type=int, default=200)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--backend", default="process-pool",
                        choices=["in-process", "process-pool", "dask"])
    parser.add_argument("--scheduler", default=None)
    args = parser.parse_args(argv)

    world = Scenario.baseline().with_overrides({
        "steps": args.months, "populations.startups.segments": 10,
        "populations.academics.count": 200, "populations.bad_actors.count": 2000})
    model = ema_model(world, uncertainty_keys=UNCERTAIN, lever_keys=["policy.liability.strength"],
                      outcomes=["misuse_harm", "innovation"], last_months=args.months)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # EMA's notices about optional packages
        from ema_workbench.analysis import prim

        with Executor(args.backend, scheduler=args.scheduler) as executor, \
                executor_evaluator(model, executor) as evaluator:
            experiments, outcomes = evaluator.perform_experiments(
                scenarios=args.experiments, policies=1,
                uncertainty_sampling_kwargs={"rng": 7},  # the same worlds on every run
                lever_sampling_kwargs={"rng": 8})
        harm = outcomes["misuse_harm"]
        high = harm > np.percentile(harm, 60)
        box = prim.Prim(experiments[UNCERTAIN], high, peel_alpha=0.05, mass_min=0.05).find_box()
    limits, start = box.box_lims[-1], box.prim.box_init
    restricted = {key: (float(limits[key].iloc[0]), float(limits[key].iloc[1]))
                  for key in UNCERTAIN if not limits[key].equals(start[key])}
    last = box.peeling_trajectory.iloc[-1]
    print(f"{len(experiments)} experiments; PRIM's box for misuse harm in its top 40% "
          f"(coverage {last['coverage']:.2f}, density {last['density']:.2f}):")
    for key, (lo, hi) in restricted.items():
        print(f"  {key} in [{lo:.3g}, {hi:.3g}]")
    return restricted


if __name__ == "__main__":
    main()
