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
    Metric("labs_active", "labs", "labs still operating", "labs not forced out by liability"),
    Metric("safety_effort", "share", "mean safety effort of active labs",
           "mean over active labs, after race pressure"),
    Metric("compute_share_top3", "share",
           "share of this month's training compute bought by the three biggest labs",
           "top three labs' run cost per month / (all labs' + academic budgets + open "
           "fine-tuning)"),
    Metric("startups_active", "firms", "startups alive this month", "active startup slots"),
    Metric("startups_open_share", "share", "share of active startups built on open weights",
           "startups on open weights / active startups"),
    Metric("hhi", "0-10,000", "Herfindahl-Hirschman index of model-provider usage shares",
           "users of each lab's API and products count toward the lab; each startup serving "
           "its own open weights is a provider of its own"),
    Metric("innovation", USD_BN, "value created downstream",
           "startups' product value plus academic spill-overs"),
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
    Metric("misuse_harm", USD_BN, "harm above the no-AI baseline",
           "uplift-weighted harm of successful misuse, severe incidents multiplied"),
    Metric("misuse_harm_open", USD_BN, "harm through open weights", "open route"),
    Metric("misuse_harm_api", USD_BN, "harm through APIs", "API route"),
    Metric("severe_incidents", "incidents", "severe incidents this month",
           "successful misuse above the severe threshold that turned severe"),
    Metric("api_bans", "bans", "API abusers detected and banned this month",
           "detections by the labs' monitoring"),
    Metric("liability_paid", USD_BN, "liability payments and premiums",
           "labs' liability bills plus startups' deployer premiums"),
    Metric("liability_strength", "share", "liability strength in force",
           "the regulator's; moves under adaptive regulation"),
    Metric("evaluation_cost", USD_BN, "cost of mandated evaluations",
           "over labs whose runs crossed the threshold"),
    Metric("public_compute_used", USD_BN, "subsidised compute used",
           "by startups and academics"),
    Metric("welfare", USD_BN, "innovation less harm and the costs of policy",
           "innovation - misuse_harm - deadweight_share x liability_paid - evaluation_cost "
           "- public_compute_used"),
)

METRICS: dict[str, Metric] = {m.name: m for m in TABLE}

# The key metrics ``aiecosim run`` prints and a design keeps by default.
SUMMARY_METRICS: tuple[str, ...] = (
    "frontier_capability", "open_capability", "open_lag_months", "labs_open_share",
    "startups_active", "startups_open_share", "hhi", "innovation", "academic_output",
    "safety_research", "defense_capacity", "misuse_incidents", "misuse_harm", "liability_paid",
    "welfare",
)

# The metrics the dashboard's Explore view draws, one figure each.
EXPLORE_METRICS: tuple[str, ...] = ("innovation", "hhi", "startups_active", "open_lag_months",
                                    "misuse_harm", "safety_research", "welfare")


def label(name: str) -> str:
    """The axis title of a column: its meaning and unit, or the bare name if it is not one."""
    found = METRICS.get(name) or next((m for m in TIME if m.name == name), None)
    return found.label if found is not None else name


def _check(subset: tuple[str, ...]) -> tuple[str, ...]:
    unknown = [name for name in subset if name not in METRICS]
    if unknown:
        raise ValueError(f"metric subsets name undeclared metrics: {unknown}")
    return subset


_check(SUMMARY_METRICS)
_check(EXPLORE_METRICS)
