"""What ``simulate`` measures: every column of its monthly table, declared once.

Each column has a name, a unit, a meaning and a note on how it is computed. The recorder fills
exactly these columns, in this order; axis titles, tooltips, a design's ``outputs`` and the
subsets shown by ``aiecosim run`` and the dashboard's Explore view all read this table, so a
unit or a meaning is written here and nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Metric:
    """One column of the monthly table."""

    name: str
    unit: str
    meaning: str
    computed: str

    @property
    def label(self) -> str:
        """The meaning with its unit, for an axis title or a tooltip."""
        return f"{self.meaning} ({self.unit})" if self.unit else self.meaning

    @property
    def bounds(self) -> tuple[float | None, float | None]:
        """The values the unit allows (None: unbounded), so a band drawn over runs stays in
        them: a normal interval of a share near 0 would otherwise reach below it."""
        return UNIT_BOUNDS.get(self.unit, (None, None))


UNIT_BOUNDS: dict[str, tuple[float | None, float | None]] = {
    "share": (0.0, 1.0), "0-10,000": (0.0, 10_000.0), "flag": (0.0, 1.0),
    "firms": (0.0, None), "labs": (0.0, None), "attempts": (0.0, None),
    "incidents": (0.0, None), "events": (0.0, None), "actors": (0.0, None), "bans": (0.0, None),
}


USD_BN = "USD bn/month"

# The two columns that say when a row is; every other column is measured.
TIME: tuple[Metric, ...] = (
    Metric("step", "month", "month of the run", "1 for the first month"),
    Metric("year", "year", "calendar time at the start of the month",
           "start_year + (step - 1) / 12"),
)

TABLE: tuple[Metric, ...] = (
    Metric("frontier_capability", "log10 FLOP-eq", "best capability of any model released",
           "the world's frontier: the best flagship, leak or open derivative so far"),
    Metric("open_capability", "log10 FLOP-eq",
           "best capability whose weights are public, with derivatives; never falls",
           "best public base model plus what community fine-tuning has added"),
    Metric("open_lag_months", "months", "months since the frontier was at today's open capability",
           "from the frontier's history, extrapolated before month 1"),
    Metric("labs_open_share", "share",
           "share of active labs whose current flagship's weights are public",
           "active labs with public weights / active labs"),
    Metric("labs_active", "labs", "labs still operating",
           "labs whose capital has not run out (exogenous form: not forced out by liability)"),
    Metric("safety_effort", "share", "mean safety effort of active labs",
           "mean over active labs, after race pressure"),
    Metric("compute_share_top3", "share",
           "share of this month's base-model training compute bought by the three biggest "
           "labs", "top three labs' run cost per month / (all labs' + academic budgets); "
           "startups' fine-tuning adapts bases and is left out (it counts in hhi_compute)"),
    Metric("startups_active", "firms", "startups alive this month", "firms in every segment"),
    Metric("startups_entered", "firms", "startups founded this month",
           "arrivals of potential startups in each segment, a Poisson flow that rises with the "
           "profit an entrant expects there"),
    Metric("startups_at_limit", "flag", "entry stopped at the run's limit on startups",
           "1 when more would have entered than populations.startups.max_firms allows (a "
           "limit on memory, not a rule of the market)"),
    Metric("startups_open_share", "share", "share of active startups built on open weights",
           "startups fine-tuning a public base / active startups"),
    Metric("hhi", "0-10,000", "Herfindahl-Hirschman index of usage shares by model developer",
           "users of a lab's API, of its own products and of startups running its weights count "
           "toward the lab; bases released before the run count as one developer"),
    Metric("hhi_provider", "0-10,000", "Herfindahl-Hirschman index of usage shares by inference "
           "provider", "users of a lab's API and products count toward the lab; each startup "
           "serving its own open weights is a provider of its own"),
    Metric("hhi_compute", "0-10,000", "Herfindahl-Hirschman index of this month's training "
           "compute spending", "each lab's run cost per month; each academic group and each "
           "startup fine-tuning open weights as a buyer of its own"),
    Metric("inference_price", "USD/user-month",
           "cheapest API price for the capability of the first month's frontier",
           "min over APIs of price / 10^(serving_capability_elasticity x (capability - "
           "first month's frontier)); with no API, the cost of self-hosting a public base"),
    Metric("innovation", USD_BN, "value created downstream",
           "value of startups' products, of labs' own products and academic spill-overs"),
    Metric("lab_product_value", USD_BN, "value of labs' own products",
           "labs' direct users x value_per_user_usd"),
    Metric("academic_output", "thousand group-months", "research output",
           "all academic groups' output"),
    Metric("safety_research", "thousand group-months", "safety and security research output",
           "academic safety groups plus labs' own safety work"),
    Metric("defense_capacity", "index", "the ecosystem's defensive capacity against misuse",
           "starts at defense.initial (1); grows with safety research and defenders' access, "
           "decays monthly"),
    Metric("misuse_attempts", "attempts", "attempted misuse this month", "over every route"),
    Metric("misuse_incidents", "incidents", "successful misuse this month", "over every route"),
    Metric("misuse_attempts_open", "attempts", "attempts using open weights", "open route"),
    Metric("misuse_attempts_api", "attempts", "attempts through an API", "API route"),
    Metric("misuse_attempts_api_abroad", "attempts",
           "API attempts by actors outside the API lab's jurisdiction",
           "API route, across a border; 0 when export controls geo-restrict every API"),
    Metric("misuse_harm", USD_BN, "harm above the no-AI baseline, with the catastrophic tail's "
           "expectation",
           "uplift-weighted harm of successful misuse plus tail_harm_expected"),
    Metric("misuse_harm_open", USD_BN, "harm through open weights",
           "open route, with its share of the tail expectation"),
    Metric("misuse_harm_api", USD_BN, "harm through APIs",
           "API route, with its share of the tail expectation"),
    Metric("tail_harm_expected", USD_BN, "expected harm of catastrophic misuse this month",
           "monthly tail probability (rising with the best accessible model's uplift) x "
           "misuse.tail.harm_usd_bn; included in misuse_harm"),
    Metric("tail_harm_sampled", USD_BN, "harm of catastrophic misuse events drawn this month",
           "tail_events x misuse.tail.harm_usd_bn; one draw per month, for illustration, "
           "not in misuse_harm"),
    Metric("tail_events", "events", "catastrophic misuse events drawn this month",
           "0 or 1, drawn with the monthly tail probability"),
    Metric("accident_harm", USD_BN, "expected harm of accidents with the labs' own flagships",
           "sum over active labs of accidents.harm_per_uplift_usd_bn x the flagship's uplift x "
           "the lab's share of the use of the labs' services x (1 - safety effort)^2, less "
           "what an evaluation mitigated"),
    Metric("bad_actors_engaged", "actors", "bad actors whose tier has joined",
           "members of tiers whose joins_at the best accessible capability has reached"),
    Metric("api_bans", "bans", "API abusers detected and banned this month",
           "detections by the labs' monitoring"),
    Metric("liability_paid", USD_BN, "liability payments and premiums",
           "labs' liability bills plus startups' deployer premiums"),
    Metric("liability_strength", "share", "liability strength in force",
           "the regulator's; moves under adaptive regulation"),
    Metric("evaluation_cost", USD_BN, "cost of mandated evaluations",
           "over labs whose runs crossed the threshold"),
    Metric("public_compute_used", USD_BN, "subsidised compute used",
           "by startups, academics and labs' safety work"),
    Metric("liability_deadweight", USD_BN, "liability payments lost to legal and compliance "
           "costs", "policy.liability.deadweight_share x liability_paid"),
    Metric("lab_capital_usd_bn", "USD bn", "capital held by active labs at the end of the month",
           "each lab's capital: revenue, investment and parent funding in, its committed "
           "spending, liability bills and evaluation costs out; 0 under finance.form "
           "'exogenous'"),
    Metric("lab_revenue_usd_bn", USD_BN, "labs' revenue",
           "API fees (users x price) plus own products (direct users x "
           "finance.product_revenue_per_user_usd), over active labs"),
    Metric("lab_investment_usd_bn", USD_BN, "private investment received by labs",
           "the capital market (finance.investment_usd_bn x lab_share, growing) shared by "
           "investors' softmax; 0 under finance.form 'exogenous'"),
    Metric("lab_parent_funding_usd_bn", USD_BN, "big-tech parents' funding of their labs",
           "labs.*.parent_funding_usd_bn, growing at finance.parent_growth; 0 under "
           "finance.form 'exogenous'"),
    Metric("training_cost", USD_BN, "spent on frontier training runs",
           "each active lab's run cost / release interval; with capital, the run cost is "
           "finance.flagship_share of the spending it committed to"),
    Metric("serving_cost", USD_BN, "spent on serving startups' users, at cost",
           "users x serving cost of their base model (self-hosting overhead included)"),
    Metric("welfare", USD_BN, "innovation less harm and the costs of policy, training and serving",
           "innovation - misuse_harm - accident_harm - liability_deadweight - evaluation_cost "
           "- public_compute_used - training_cost - serving_cost"),
)

METRICS: dict[str, Metric] = {m.name: m for m in TABLE}

# The key metrics ``aiecosim run`` prints and a design keeps by default.
SUMMARY_METRICS: tuple[str, ...] = (
    "frontier_capability", "open_capability", "open_lag_months", "labs_open_share",
    "startups_active", "startups_open_share", "hhi", "hhi_provider", "innovation", "academic_output",
    "safety_research", "defense_capacity", "misuse_incidents", "misuse_harm", "accident_harm",
    "liability_paid",
    "training_cost", "welfare",
)

# The metrics the dashboard's Explore view draws, one figure each.
EXPLORE_METRICS: tuple[str, ...] = ("innovation", "hhi", "hhi_provider", "startups_active",
                                    "open_lag_months", "misuse_harm", "safety_research",
                                    "welfare")


def label(name: str) -> str:
    """The axis title of a column: its meaning and unit, or the bare name if it is not one."""
    found = METRICS.get(name) or next((m for m in TIME if m.name == name), None)
    return found.label if found is not None else name


def unit(name: str) -> str:
    """A column's unit; "" for a name that is not a column."""
    found = METRICS.get(name)
    return found.unit if found is not None else ""


def bounds(name: str) -> tuple[float | None, float | None]:
    """The values a column's unit allows; (None, None) for a name that is not a column."""
    found = METRICS.get(name)
    return found.bounds if found is not None else (None, None)


def _check(subset: tuple[str, ...]) -> tuple[str, ...]:
    unknown = [name for name in subset if name not in METRICS]
    if unknown:
        raise ValueError(f"metric subsets name undeclared metrics: {unknown}")
    return subset


_check(SUMMARY_METRICS)
_check(EXPLORE_METRICS)
