"""The monthly measurements, kept in preallocated arrays and returned as a polars DataFrame.

``model.metrics`` declares the columns; this module computes them from the model's state at
the end of each month.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from aiecosim.model.kernels.market import hhi
from aiecosim.model.kernels.misuse import API_ROUTE, OPEN_ROUTE
from aiecosim.model.metrics import TABLE


class MetricsRecorder:
    """One row per month, one float64 array per metric; no per-step allocation of frames."""

    def __init__(self, steps: int) -> None:
        self.steps = steps
        self.data = {metric.name: np.zeros(steps) for metric in TABLE}

    def column(self, name: str) -> np.ndarray:
        return self.data[name]

    def record(self, model) -> None:
        row = model.steps - 1
        d = self.data
        world, startups, academics, bad = model.world, model.startups, model.academics, model.bad_actors
        labs = [lab for lab in model.labs if lab.active]
        policy = model.scenario.policy

        d["frontier_capability"][row] = world.frontier
        d["open_capability"][row] = world.open_capability
        d["open_lag_months"][row] = world.open_lag
        d["labs_active"][row] = len(labs)
        n_labs = len(labs) or 1  # plain Python: numpy's overhead dominates for a handful of labs
        d["labs_open_share"][row] = sum(lab.weights_public for lab in labs) / n_labs
        d["safety_effort"][row] = sum(lab.safety_effort for lab in labs) / n_labs
        d["compute_share_top3"][row] = compute_share_top3(model)
        d["startups_active"][row] = startups.active
        d["startups_open_share"][row] = startups.open_share
        direct = np.array([lab.direct_users() for lab in model.labs])
        d["hhi"][row] = hhi(startups.provider_users + direct, startups.self_hosted_users())
        d["innovation"][row] = startups.value_usd_bn + academics.value_usd_bn
        d["academic_output"][row] = academics.output
        d["safety_research"][row] = model.safety_research()
        d["defense_capacity"][row] = world.defense
        d["misuse_attempts"][row] = bad.attempts.sum()
        d["misuse_incidents"][row] = bad.incidents.sum()
        d["misuse_attempts_open"][row] = bad.attempts[OPEN_ROUTE]
        d["misuse_attempts_api"][row] = bad.attempts[API_ROUTE]
        d["misuse_harm"][row] = bad.harm_usd_bn.sum()
        d["misuse_harm_open"][row] = bad.harm_usd_bn[OPEN_ROUTE]
        d["misuse_harm_api"][row] = bad.harm_usd_bn[API_ROUTE]
        d["severe_incidents"][row] = bad.severe
        d["api_bans"][row] = bad.bans
        lab_liability = sum(lab.liability_paid for lab in model.labs)
        d["liability_paid"][row] = lab_liability + startups.premiums_usd_bn
        d["liability_strength"][row] = model.regulator.liability_strength
        d["evaluation_cost"][row] = sum(lab.evaluation_cost for lab in model.labs)
        d["public_compute_used"][row] = startups.public_compute_usd_bn + academics.public_compute_usd_bn
        deadweight = policy.liability.deadweight_share * d["liability_paid"][row]
        d["welfare"][row] = (d["innovation"][row] - d["misuse_harm"][row] - deadweight
                             - d["evaluation_cost"][row] - d["public_compute_used"][row])

    def to_frame(self, start_year: int) -> pl.DataFrame:
        steps = np.arange(1, self.steps + 1)
        columns = {"step": steps, "year": start_year + (steps - 1) / 12.0}
        columns.update(self.data)
        return pl.DataFrame(columns)


def compute_share_top3(model) -> float:
    """Top three labs' share of training compute spending: frontier runs, academic groups'
    budgets (with public compute) and startups' fine-tuning of open weights."""
    labs = sorted((lab.run_cost_usd() / lab.spec.release_interval_months
                   for lab in model.labs if lab.active), reverse=True)
    startups = model.startups
    fine_tuning = startups.open_count \
        * startups.params.open_compute_usd_k * 1e3
    others = model.academics.compute_spend_usd() + fine_tuning
    total = sum(labs) + others
    return sum(labs[:3]) / total if total > 0 else 0.0
