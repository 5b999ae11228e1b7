"""What is measured each month, kept in preallocated arrays and returned as a polars DataFrame."""

from __future__ import annotations

import numpy as np
import polars as pl

from aiecosim.model.kernels.market import hhi
from aiecosim.model.kernels.misuse import API_ROUTE, OPEN_ROUTE

# Column names and their meaning; docs/ODD.md and the dashboard read this table.
METRICS: dict[str, str] = {
    "frontier_capability": "best capability of any model released (log10 FLOP-equivalents)",
    "open_capability": "best capability whose weights are public, with derivatives; never falls",
    "open_lag_months": "months since the frontier was at today's open capability",
    "labs_open_share": "share of active labs whose current flagship's weights are public",
    "labs_active": "labs still operating",
    "safety_effort": "mean safety effort of active labs (0-1)",
    "compute_share_top3": "share of this month's training compute bought by the three biggest labs",
    "startups_active": "startups alive this month",
    "startups_open_share": "share of active startups built on open weights",
    "hhi": "Herfindahl-Hirschman index of model-provider usage shares (0-10,000)",
    "innovation": "value created downstream this month (USD bn)",
    "academic_output": "research output this month (thousand typical group-months)",
    "safety_research": "safety and security research output this month (same unit)",
    "defense_capacity": "the ecosystem's defensive capacity against misuse (index, start = 1)",
    "misuse_attempts": "attempted misuse this month",
    "misuse_incidents": "successful misuse this month",
    "misuse_attempts_open": "attempts using open weights",
    "misuse_attempts_api": "attempts through an API",
    "misuse_harm": "harm this month above the no-AI baseline (USD bn)",
    "misuse_harm_open": "harm through open weights (USD bn)",
    "misuse_harm_api": "harm through APIs (USD bn)",
    "severe_incidents": "severe incidents this month",
    "api_bans": "API abusers detected and banned this month",
    "liability_paid": "liability payments and premiums this month (USD bn)",
    "liability_strength": "liability strength in force (moves under adaptive regulation)",
    "evaluation_cost": "cost of mandated evaluations this month (USD bn)",
    "public_compute_used": "subsidised compute used this month (USD bn)",
    "welfare": "innovation - harm - deadweight and compliance costs - public compute (USD bn)",
}


class MetricsRecorder:
    """One row per month, one float64 array per metric; no per-step allocation of frames."""

    def __init__(self, steps: int) -> None:
        self.steps = steps
        self.data = {name: np.zeros(steps) for name in METRICS}

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
