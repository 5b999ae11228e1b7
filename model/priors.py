"""Priors: what the evidence allows for each assumed or measured number of the schema.

Every numeric scenario field that is not a policy lever is either here, with a distribution,
a range and the reason for the range, or in ``SETTINGS`` with the reason it is not uncertain
(the horizon, a normalisation, a computational limit). ``tests/test_priors.py`` checks that
nothing is left out, that every range lies inside the field's bounds and holds its default.

Forms (``low`` and ``high`` are the range for the uniform forms and the central 95% for the
normal ones; a normal is truncated to the field's bounds):

- ``uniform``: any value in the range is as plausible;
- ``log-uniform``: any order of magnitude in the range is as plausible (scales, rates);
- ``normal`` and ``log-normal``: a measured value with its source's 95% interval.

The status of a field (sourced, calibrated or assumption) comes from its source text in the
schema; the prior says how far the evidence pins it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from scipy import stats

Form = Literal["uniform", "log-uniform", "normal", "log-normal"]
Z95 = 1.959963984540054  # the normal's 97.5% quantile: low..high is its central 95%


@dataclass(frozen=True)
class Prior:
    """A distribution over one dotted key, with the reason for its range."""

    key: str
    form: Form
    low: float
    high: float
    reason: str
    integer: bool = False  # set from the schema: sampled values are rounded

    def quantile(self, u: float, bounds: tuple[float | None, float | None] = (None, None)) -> float:
        """The value at cumulative probability ``u`` in (0, 1); normals are truncated to
        ``bounds`` (the schema's), so every value is valid."""
        if self.form == "uniform":
            value = self.low + u * (self.high - self.low)
        elif self.form == "log-uniform":
            value = math.exp(math.log(self.low) + u * (math.log(self.high) - math.log(self.low)))
        else:
            log = self.form == "log-normal"
            to = math.log if log else float
            centre, spread = (to(self.low) + to(self.high)) / 2, (to(self.high) - to(self.low)) / (2 * Z95)
            lo, hi = bounds
            def cdf(x: float | None, edge: float) -> float:
                if x is None or (log and x <= 0):
                    return edge
                return float(stats.norm.cdf((to(x) - centre) / spread))
            p = cdf(lo, 0.0) + u * (cdf(hi, 1.0) - cdf(lo, 0.0))
            z = float(stats.norm.ppf(min(max(p, 1e-12), 1 - 1e-12)))
            value = centre + spread * z
            value = math.exp(value) if log else value
            value = min(max(value, lo if lo is not None else value), hi if hi is not None else value)
        return float(round(value)) if self.integer else value

    def describe(self) -> str:
        interval = "range" if self.form in ("uniform", "log-uniform") else "95%"
        return f"{self.form} {interval} {_short(self.low)}-{_short(self.high)}"


def _short(x: float) -> str:
    return f"{x:.3g}"


def _p(key: str, form: Form, low: float, high: float, reason: str) -> Prior:
    return Prior(key, form, low, high, reason)


# Numeric fields that are not uncertain quantities, and why.
SETTINGS: dict[str, str] = {
    "schema_version": "the file format's version",
    "steps": "the horizon a study chooses",
    "start_year": "the calendar year of month 1, a label",
    "defense.initial": "a normalisation: defence is an index starting at 1",
    "populations.startups.max_firms": "a computational limit, far above the baseline's peak",
    "populations.startups.segments": "the market's breadth: within a segment free entry sets "
    "the number of firms, so the count of segments sets resolution, not depth",
    "populations.startups.initial_per_segment": "an initial condition that free entry moves to "
    "the market's own count within months",
    "policy.adaptive.lag_months": "part of an adaptive policy's design, chosen by a scenario",
    "policy.adaptive.harm_trigger_usd_bn": "part of an adaptive policy's design",
    "policy.adaptive.liability_step": "part of an adaptive policy's design",
    "policy.adaptive.restrict_release_after": "part of an adaptive policy's design",
}

_PRIORS = [
    # policy: how well instruments work (their settings are levers, not priors)
    _p("policy.liability.deadweight_share", "uniform", 0.1, 0.5,
       "tort systems lose a large share of payments to legal costs; the range spans lean to "
       "costly regimes"),
    _p("policy.compute_subsidy.take_up", "uniform", 0.5, 1.0,
       "public programmes rarely spend all of a budget; half to all of it"),
    _p("policy.evaluation.cost_share", "log-uniform", 0.01, 0.2,
       "red-teaming at Llama 2's scale (350 people) is small against a run; a thorough "
       "third-party evaluation could cost a fifth"),
    _p("policy.evaluation.delay_months", "uniform", 0, 6,
       "from none (evaluation alongside training) to half a year"),
    _p("policy.evaluation.effectiveness", "uniform", 0.2, 0.8,
       "evaluations find some dangerous capability, never all"),
    _p("policy.watermark.api_effectiveness", "uniform", 0.1, 0.7,
       "text watermarks survive light editing but not paraphrase (Bommasani et al. 2024)"),
    _p("policy.watermark.open_compliance", "uniform", 0.0, 0.3,
       "users of open weights can switch the watermark off"),
    # technology
    _p("technology.flop_per_usd", "log-normal", 1.3e17, 5.2e17,
       "a factor of two either way on GPT-4's cost and compute (AI Index 2024, Epoch AI)"),
    _p("technology.training_cost_growth", "log-normal", 2.0, 3.1,
       "Cottier et al. 2024: 95% CI 2.0-3.1"),
    _p("technology.flop_per_usd_growth", "uniform", 1.3, 2.5,
       "compute growth 4-5x/year over cost growth 2.0-3.1x/year"),
    _p("technology.algorithmic_halving_months", "log-normal", 5.0, 14.0,
       "Ho et al. 2024: 95% CI 5-14"),
    _p("technology.research_spillover", "uniform", 0.0, 0.3,
       "from no spill-over to a strong one; no measurement exists"),
    # finance
    _p("finance.investment_usd_bn", "normal", 20.0, 30.0,
       "AI Index 2024's 25.2 bn, with the spread between trackers' definitions"),
    _p("finance.investment_growth", "uniform", 1.2, 3.0,
       "from slowing markets to keeping pace with training costs (2.4x/year)"),
    _p("finance.lab_share", "uniform", 0.5, 0.9, "the largest 2023 rounds went to frontier labs"),
    _p("finance.capability_pull", "uniform", 1.0, 4.0,
       "around ln 10, where shares follow effective compute"),
    _p("finance.growth_pull", "uniform", 0.0, 3.0, "from ignoring growth to chasing it"),
    _p("finance.revenue_trend_months", "uniform", 6.0, 24.0, "half a year to two years"),
    _p("finance.runway_months", "uniform", 12.0, 48.0, "venture-backed firms plan 1-4 years"),
    _p("finance.flagship_share", "log-uniform", 0.02, 0.2,
       "the flagship run is a small part of a lab's spending (staff, research, serving)"),
    _p("finance.settlement_months", "uniform", 12.0, 48.0,
       "US federal civil cases take two to three years to trial"),
    _p("finance.product_revenue_per_user_usd", "log-uniform", 0.7, 2.8,
       "a factor of two on the revenue and user counts it was set from"),
    _p("finance.parent_growth", "uniform", 1.2, 3.0, "parents keep pace with the market or not"),
    _p("finance.exogenous_exit_years", "uniform", 2.0, 10.0,
       "years of budget a lab's owners would lose before closing it"),
    # diffusion
    _p("diffusion.initial_open_capability", "normal", 23.3, 23.9,
       "a factor of two on BLOOM's and OPT's 4e23 FLOP"),
    _p("diffusion.leak_rate_per_accessor", "log-uniform", 4e-5, 4e-3,
       "a decade either side of the rate at which LLaMA leaked within a week"),
    _p("diffusion.derivative_boost_max", "uniform", 0.1, 1.0,
       "fine-tunes such as Alpaca closed part of a gap, never orders of magnitude"),
    _p("diffusion.derivative_rate", "log-uniform", 0.02, 0.5,
       "derivatives appear within weeks to years"),
    # race and accidents
    _p("race.enmity", "uniform", 0.2, 1.0, "Armstrong et al. 2016 study the whole range"),
    _p("race.safety_tax", "uniform", 0.05, 0.5, "Jensen et al. 2023: small to large taxes"),
    _p("race.private_noise", "uniform", 0.1, 1.0,
       "Epoch AI's compute estimates carry about a factor of two (0.3)"),
    _p("accidents.harm_per_uplift_usd_bn", "uniform", 0.0, 2.5,
       "no measured rate of AI accidents exists"),
    _p("accidents.internalised_share", "uniform", 0.0, 0.5,
       "reputation and lost customers bear some of the harm"),
    # misuse
    _p("misuse.harm_threshold", "uniform", 25.0, 28.0,
       "RAND 2024: no uplift from 2023's models (up to about 25.5); beyond, unknown"),
    _p("misuse.uplift_scale", "log-uniform", 0.1, 2.0, "no measurement of uplift exists"),
    _p("misuse.uplift_exponent", "uniform", 0.2, 1.0, "concave to linear uplift in capability"),
    _p("misuse.attempt_rate", "log-uniform", 0.02, 0.5, "no measurement exists"),
    _p("misuse.attempt_cost_elasticity", "uniform", 0.0, 1.0, "inelastic to proportional"),
    _p("misuse.attempt_reference_cost_usd", "log-normal", 10.0, 40.0,
       "consumer subscription prices of 2023"),
    _p("misuse.api_access_cost_usd", "log-normal", 10.0, 40.0,
       "consumer subscription prices of 2023"),
    _p("misuse.harm_per_incident_usd_m", "log-uniform", 1.0, 25.0,
       "Deloitte 2024's fraud losses over a range of incident counts"),
    _p("misuse.strip_cost_usd", "log-normal", 50.0, 800.0,
       "Lermen et al. and Gade et al. 2023: under $200; a factor of four either way"),
    _p("misuse.unstripped_uplift_share", "log-uniform", 0.002, 0.05,
       "safety-tuned models refuse nearly all harmful requests (Gade et al. 2023)"),
    _p("misuse.api_refusal", "uniform", 0.6, 0.95, "refusal rates of 2023 chat models vary"),
    _p("misuse.ban_months", "uniform", 1, 24, "a new account takes a month to two years"),
    _p("misuse.reputation_weight", "log-uniform", 0.02, 0.5, "self-regulation (Han et al. 2020)"),
    _p("misuse.liability_scale", "log-uniform", 1.0, 16.0, "no measurement exists"),
    _p("misuse.tail.annual_probability", "log-uniform", 1e-6, 1e-3,
       "the Existential Risk Persuasion Tournament's forecasts span 1e-6 to 1e-3 a year"),
    _p("misuse.tail.capability_elasticity", "uniform", 1.0, 4.0, "no measurement exists"),
    _p("misuse.tail.harm_usd_bn", "log-uniform", 10.0, 1000.0,
       "the tournament's catastrophes of 1e10-1e12 USD"),
    # defence
    _p("defense.decay", "log-uniform", 0.005, 0.08, "defences age in one to fifteen years"),
    _p("defense.research_weight", "log-uniform", 0.005, 0.08, "no measurement exists"),
    _p("defense.access_weight", "log-uniform", 0.005, 0.08, "no measurement exists"),
    _p("defense.open_access_bonus", "uniform", 0.0, 1.0, "from none to doubling"),
    # startups
    _p("populations.startups.segment_users", "log-uniform", 1e5, 2e6,
       "15-300M users of AI startups' products in 2023"),
    _p("populations.startups.addressable_users", "uniform", 4.0e9, 8.1e9,
       "from fewer people online than ITU counts to everyone alive (UN WPP 2022: 8.1 billion)"),
    _p("populations.startups.entry_flow", "log-uniform", 0.02, 0.5,
       "around 1,800 newly funded AI startups in 2023"),
    _p("populations.startups.quality_pull", "log-uniform", 0.1, 1.0,
       "products differ by more than their base model"),
    _p("populations.startups.value_per_user_usd", "log-uniform", 5.0, 20.0,
       "AI subscriptions cost USD 10-20 a month; most users pay less"),
    _p("populations.startups.serving_cost_usd", "log-uniform", 0.6, 2.4,
       "a factor of two on an API bill of 30% of revenue"),
    _p("populations.startups.inference_cost_decline", "log-uniform", 5.0, 50.0,
       "Epoch AI 2025: 9x-900x a year by task, about 10x as a rule"),
    _p("populations.startups.serving_capability_elasticity", "uniform", 0.3, 1.0,
       "frontier APIs cost more per user than older models"),
    _p("populations.startups.api_markup", "log-uniform", 0.1, 1.0,
       "API margins of 10-100% over serving cost"),
    _p("populations.startups.markup_lead_scale", "log-uniform", 0.05, 1.0,
       "how fast a lead buys pricing power; no measurement"),
    _p("populations.startups.api_liability_pass_through", "uniform", 0.2, 0.9,
       "partial pass-through of costs to prices"),
    _p("populations.startups.self_hosting_overhead", "uniform", 0.0, 0.6,
       "smaller fleets run at lower utilisation"),
    _p("populations.startups.open_compute_usd_k", "log-uniform", 5.0, 45.0,
       "a factor of three on a month of a few GPUs"),
    _p("populations.startups.fixed_cost_usd_k", "log-uniform", 30.0, 120.0,
       "a small team's monthly costs"),
    _p("populations.startups.platform_risk", "log-uniform", 0.002, 0.05,
       "APIs change terms every few years to few months"),
    _p("populations.startups.platform_loss", "uniform", 0.2, 0.8, "no measurement exists"),
    _p("populations.startups.customisation_bonus", "uniform", 0.0, 0.4,
       "fine-tuning an open base adds little to much"),
    _p("populations.startups.choice_noise", "log-uniform", 0.02, 0.2,
       "a factor of three on the value that gives 2023's open share"),
    _p("populations.startups.starting_cash_usd_k", "log-uniform", 300.0, 3000.0,
       "pre-seed to seed rounds"),
    _p("populations.startups.entrant_users_share", "uniform", 0.02, 0.3, "no measurement exists"),
    _p("populations.startups.value_capture", "uniform", 0.2, 0.8, "no measurement exists"),
    _p("populations.startups.users_capability_elasticity", "uniform", 0.0, 0.3,
       "flat demand to strong growth"),
    _p("populations.startups.users_price_elasticity", "uniform", 0.0, 0.2,
       "cheaper inference opens new uses"),
    _p("populations.startups.user_growth_rate", "log-uniform", 0.03, 0.3,
       "users move in months to years"),
    _p("populations.startups.exit_hazard", "log-uniform", 0.001, 0.02,
       "one to eight in a hundred startups a year close for other reasons"),
    _p("populations.startups.switch_rate", "log-uniform", 0.005, 0.08,
       "a firm reconsiders its base every one to fifteen years"),
    _p("populations.startups.liability_premium_rate", "uniform", 0.05, 0.5,
       "insurers' loadings on expected claims"),
    # academics
    _p("populations.academics.count", "log-uniform", 2500, 10000,
       "groups working with large models in 2023, within a factor of two"),
    _p("populations.academics.safety_share", "uniform", 0.1, 0.4, "no measurement exists"),
    _p("populations.academics.compute_usd_k", "log-uniform", 2.0, 12.0,
       "Besiroglu et al. 2024: academic compute is a small fraction of industry's"),
    _p("populations.academics.api_access_factor", "uniform", 0.1, 0.6,
       "black-box study gives part of what weights give (Shevlane & Dafoe 2020)"),
    _p("populations.academics.general_api_access", "uniform", 0.4, 0.9,
       "general research loses less than safety work from black-box access (above "
       "api_access_factor's range), but still loses fine-tuning and inspection"),
    _p("populations.academics.value_per_output_usd_k", "log-uniform", 15.0, 150.0,
       "no measurement exists"),
    _p("populations.academics.lab_safety_weight", "log-uniform", 30.0, 300.0,
       "no measurement exists"),
    # bad actors
    _p("populations.bad_actors.count", "log-uniform", 3000, 30000,
       "no count of people misusing AI exists; a decade around the default"),
    _p("populations.bad_actors.sophistication_sigma", "uniform", 0.5, 1.5,
       "no measurement exists"),
    _p("populations.bad_actors.resources_usd_median", "log-uniform", 200.0, 5000.0,
       "no measurement exists"),
    _p("populations.bad_actors.resources_sigma", "uniform", 1.0, 2.0, "no measurement exists"),
    _p("populations.bad_actors.evasion_per_skill", "uniform", 0.1, 1.0, "no measurement exists"),
]

PRIORS: dict[str, Prior] = {prior.key: prior for prior in _PRIORS}


# ------------------------------------------------------------------------------ the table
@dataclass(frozen=True)
class Row:
    """One numeric field of the schema as the priors table shows it."""

    key: str
    default: float
    unit: str
    status: Literal["sourced", "calibrated", "assumption", "setting", "lever"]
    prior: Prior | None
    note: str  # the prior's reason, a setting's reason, or the lever's description
    source: str
    bounds: tuple[float | None, float | None]


def prior_interval(row: "Row", level: float = 0.9) -> tuple[float, float]:
    """The central ``level`` interval of a row's prior (within the field's bounds)."""
    tail = (1 - level) / 2
    return row.prior.quantile(tail, row.bounds), row.prior.quantile(1 - tail, row.bounds)


def status_of(source: str) -> Literal["sourced", "calibrated", "assumption"]:
    """A default is calibrated (fitted to 2023), an assumption, or sourced from a measurement,
    as its source text in the schema says."""
    text = source.strip().lower()
    if text.startswith("calibrated"):
        return "calibrated"
    return "assumption" if "assumption" in text or "assumed" in text or not text else "sourced"


def rows() -> list[Row]:
    """Every numeric field of the schema, in schema order, with its status and prior."""
    from aiecosim.model.scenario import Scenario
    from aiecosim.model.schema_walk import leaves

    found = []
    for leaf in leaves(Scenario):
        if leaf.annotation not in (int, float):
            continue
        bounds = (leaf.low, leaf.high)
        prior = PRIORS.get(leaf.key)
        if prior is not None:
            prior = Prior(prior.key, prior.form, prior.low, prior.high, prior.reason,
                          integer=leaf.annotation is int)
            status, note = status_of(leaf.source), prior.reason
        elif leaf.key in SETTINGS:
            status, note = "setting", SETTINGS[leaf.key]
        elif leaf.key.startswith("policy.") and leaf.lever:
            status, note = "lever", "a policy lever: chosen, not uncertain"
        else:
            raise KeyError(f"{leaf.key} has neither a prior nor a reason to have none "
                           "(model/priors.py)")
        found.append(Row(leaf.key, leaf.default, leaf.unit, status, prior, note,
                         leaf.source, bounds))
    return found


def uncertain() -> list[Row]:
    """The rows with a prior: what calibration, sensitivity and plausible worlds vary."""
    return [row for row in rows() if row.prior is not None]


def sample(n: int, seed: int, keys: list[str] | None = None) -> list[dict[str, float]]:
    """``n`` parameter sets from the priors (a Latin hypercube, so each prior's range is
    covered evenly even for small ``n``), as dotted-key overrides; the same seed gives the
    same sets."""
    from scipy.stats import qmc

    chosen = [row for row in uncertain() if keys is None or row.key in keys]
    if not chosen or n < 1:
        return []
    cube = qmc.LatinHypercube(d=len(chosen), seed=seed).random(n)
    return [{row.key: row.prior.quantile(float(u), row.bounds) for row, u in zip(chosen, point)}
            for point in cube]
