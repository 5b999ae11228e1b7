"""The monthly measurements, kept in preallocated arrays and returned as a polars DataFrame.

``model.metrics`` declares the columns; this module computes them from the model's state at
the end of each month.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from aiecosim.model.agents.access import serving_costs
from aiecosim.model.kernels.market import hhi, hhi_of_equal_players
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

        d["frontier_capability"][row] = world.frontier
        d["open_capability"][row] = world.open_capability
        d["open_lag_months"][row] = world.open_lag
        d["labs_active"][row] = len(labs)
        n_labs = len(labs) or 1  # plain Python: numpy's overhead dominates for a handful of labs
        d["labs_open_share"][row] = sum(lab.weights_public for lab in labs) / n_labs
        d["safety_effort"][row] = sum(lab.safety_effort for lab in labs) / n_labs
        spend = training_compute_spend(model)  # once: both compute measures read it
        d["compute_share_top3"][row] = compute_share_top3(spend)
        d["startups_active"][row] = startups.active
        d["startups_entered"][row] = startups.entered
        d["startups_at_limit"][row] = startups.at_limit
        d["startups_open_share"][row] = startups.open_share
        direct = np.array([lab.direct_users() for lab in model.labs])
        served = startups.provider_users + direct
        by_origin = startups.open_users_by_origin  # index = lab; the last: bases from before
        d["hhi"][row] = hhi(np.append(served + by_origin[:-1], by_origin[-1]))
        d["hhi_provider"][row] = hhi(served, startups.self_hosted_users())
        d["hhi_compute"][row] = compute_hhi(model, spend)
        d["inference_price"][row] = cheapest_api_price(model)
        lab_value = float(direct.sum()) * startups.params.value_per_user_usd / 1e9
        d["lab_product_value"][row] = lab_value
        d["innovation"][row] = startups.value_usd_bn + lab_value + academics.value_usd_bn
        d["academic_output"][row] = academics.output
        d["safety_research"][row] = model.safety_research()
        d["defense_capacity"][row] = world.defense
        d["misuse_attempts"][row] = bad.attempts.sum()
        d["misuse_incidents"][row] = bad.incidents.sum()
        d["misuse_attempts_open"][row] = bad.attempts[OPEN_ROUTE]
        d["misuse_attempts_api"][row] = bad.attempts[API_ROUTE]
        d["misuse_attempts_api_abroad"][row] = bad.api_attempts_abroad
        d["misuse_harm"][row] = bad.harm_usd_bn.sum()
        d["misuse_harm_open"][row] = bad.harm_usd_bn[OPEN_ROUTE]
        d["misuse_harm_api"][row] = bad.harm_usd_bn[API_ROUTE]
        d["tail_harm_expected"][row] = bad.tail_expected_usd_bn
        d["tail_harm_sampled"][row] = bad.tail_sampled_usd_bn
        d["tail_events"][row] = bad.tail_events
        d["accident_harm"][row] = sum(lab.accident_harm_usd_bn() for lab in labs)
        d["bad_actors_engaged"][row] = bad.engaged
        d["api_bans"][row] = bad.bans
        lab_liability = sum(lab.liability_paid for lab in model.labs)
        d["liability_paid"][row] = lab_liability + startups.premiums_usd_bn
        d["liability_strength"][row] = model.regulator.liability_strength
        d["evaluation_cost"][row] = sum(lab.evaluation_cost for lab in model.labs)
        d["public_compute_used"][row] = (startups.public_compute_usd_bn
                                         + academics.public_compute_usd_bn
                                         + sum(lab.public_safety_compute_usd_bn() for lab in labs))
        # Deadweight by the rules where the bill is paid: each lab's and each deployer's
        # jurisdiction.
        d["liability_deadweight"][row] = sum(
            lab.liability_paid * lab.policy.liability.deadweight_share for lab in model.labs
        ) + sum(premiums * regulator.policy.liability.deadweight_share
                for premiums, regulator in zip(startups.premiums_by_place, model.regulators))
        d["lab_capital_usd_bn"][row] = sum(lab.capital for lab in labs if lab.active)
        d["lab_revenue_usd_bn"][row] = sum(lab.revenue_gross for lab in labs)
        d["lab_investment_usd_bn"][row] = sum(lab.investment for lab in labs)
        d["lab_parent_funding_usd_bn"][row] = sum(lab.parent_funding for lab in labs)
        d["training_cost"][row] = sum(lab.training_spend_usd() for lab in labs) / 1e9
        d["serving_cost"][row] = startups.serving_cost_usd_bn
        d["welfare"][row] = (d["innovation"][row] - d["misuse_harm"][row] - d["accident_harm"][row]
                             - d["liability_deadweight"][row] - d["evaluation_cost"][row]
                             - d["public_compute_used"][row] - d["training_cost"][row]
                             - d["serving_cost"][row])

    def to_frame(self, start_year: int) -> pl.DataFrame:
        steps = np.arange(1, self.steps + 1)
        columns = {"step": steps, "year": start_year + (steps - 1) / 12.0}
        columns.update(self.data)
        return pl.DataFrame(columns)


def training_compute_spend(model) -> tuple[list[float], float, float]:
    """This month's training compute spending (USD): each active lab's, all academic groups',
    and all startups' fine-tuning of open weights."""
    labs = [lab.training_spend_usd() for lab in model.labs if lab.active]
    startups = model.startups
    fine_tuning = startups.open_count * startups.params.open_compute_usd_k * 1e3
    return labs, model.academics.compute_spend_usd(), fine_tuning


def compute_hhi(model, spend: tuple[list[float], float, float]) -> float:
    """HHI of training compute spending (``training_compute_spend``): labs by name, groups
    and startups each on their own."""
    labs, academic, fine_tuning = spend
    groups = model.academics.params.count
    firms = max(model.startups.open_count, 1)
    return hhi_of_equal_players(np.array(labs), (academic, groups), (fine_tuning, firms))


def cheapest_api_price(model) -> float:
    """The cheapest API price (USD per user-month) for the first month's frontier capability:
    each API's price scaled to that capability by the serving-cost elasticity, that is, this
    month's serving cost at that capability times the API's markup and liability loading.
    (Taken as that product rather than by dividing the price: far from the first month's
    frontier both price and scale leave float64's range, and their ratio is undefined.)"""
    access, p = model.access, model.startups.params
    at_reference = float(serving_costs(model, model.world.reference_capability))
    offered = np.isfinite(access.api_capability)
    if not offered.any():  # no API: self-hosting a public base is the price
        return (1.0 + p.self_hosting_overhead) * at_reference
    return float(access.api_price_factor[offered].min()) * at_reference


def compute_share_top3(spend: tuple[list[float], float, float]) -> float:
    """Top three labs' share of the compute that creates base models: the labs' frontier runs
    and academic groups' budgets (with public compute). Startups' fine-tuning of released
    weights adapts a base rather than creating one (CALIBRATION.md fact 4: "frontier creation
    remains with a few labs"), so it is left out here and counted in ``compute_hhi``."""
    labs, academic, _ = spend  # training_compute_spend
    labs = sorted(labs, reverse=True)
    total = sum(labs) + academic
    return sum(labs[:3]) / total if total > 0 else 0.0
