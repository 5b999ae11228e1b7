"""The scenario schema: every parameter of a simulated world, with bounds, units and sources.

A scenario is a TOML file. ``Scenario.load`` validates it (unknown keys are errors), follows
``extends = "other.toml"`` chains, and reports any problem as one ``ScenarioError`` line naming
the file and the key. Figures come from the sources named in each field (gathered in
``docs/calibration.md``) and are documented in ``docs/ODD.md``.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, ClassVar, Literal

from pydantic import Field, ValidationError, field_validator, model_validator

from aiecosim.model import scenario_io
from aiecosim.model.catalogue import BASELINE
from aiecosim.model.migrations import SCHEMA_VERSION
from aiecosim.model.errors import KeyedError, did_you_mean
from aiecosim.model.params import Section, param

ReleaseMode = Literal["closed", "staged", "api", "open-weights-licensed", "open-weights"]


# ----------------------------------------------------------------------------------------- policy
class Liability(Section):
    strength: float = param(
        0.1, "Share of attributable misuse harm the liable party must pay (0 none, 1 strict)",
        unit="share", ge=0, le=1, lever=True,
        source="assumption; ordinary negligence rarely reaches AI developers today (Bommasani et al. 2024)",
    )
    bearer: Literal["developer", "deployer", "shared"] = Field(
        "deployer",
        description="Who pays for downstream harm: the model's developer, the deployer, or both "
        "half each. Source: Bommasani et al., Science 2024 (liability debate).",
        json_schema_extra={"lever": True, "unit": "", "source": "Bommasani et al. 2024"},
    )
    open_attribution: Literal["market-share", "best-base"] = Field(
        "market-share",
        description="How harm done with public weights is split among their developers, "
        "since nobody can tell which base a stripped model came from: 'market-share' in "
        "proportion to each developer's share of deployed open-weight use (market-share "
        "liability, Sindell v. Abbott Laboratories, 1980; an assumption for AI), 'best-base' all "
        "of it to the developer of the best public base.",
        json_schema_extra={"lever": True, "unit": "",
                           "source": "Sindell v. Abbott Laboratories (Cal. 1980); assumption"},
    )
    deadweight_share: float = param(
        0.3, "Share of liability payments lost to legal and compliance costs (deadweight)",
        unit="share", ge=0, le=1,
    )


class ComputeSubsidy(Section):
    budget_usd_bn: float = param(
        0.0, "Public compute budget per year", unit="USD bn/year", ge=0, le=100, lever=True,
        source="NAIRR task force: $2.6B over 6 years (about 0.43/year); baseline has none",
    )
    lab_safety_share: float = param(
        0.0, "Share of public compute given to labs' safety work (the rest is shared between "
        "academics and startups)", unit="share", ge=0, le=1, lever=True,
        source="Jensen, Emery-Xu & Trager 2023: compute subsidies aimed at safety; baseline none",
    )
    safety_target_lab: str = Field(
        "", max_length=60, description="Name of the one lab whose safety work the lab share "
        "pays for; empty shares it among all labs of the jurisdiction, by training spend.",
        json_schema_extra={"lever": True, "unit": "", "source": "Jensen et al. 2023"},
    )
    academic_share: float = param(
        0.5, "Share of the rest of public compute given to academics (the rest to startups)",
        unit="share", ge=0, le=1, lever=True, source="assumption (NAIRR targets both)",
    )
    take_up: float = param(
        0.8, "Share of the budget actually used", unit="share", ge=0, le=1,
        source="assumption",
    )


class Evaluation(Section):
    mandate: bool = Field(
        False, description="Pre-release evaluations required above the compute threshold. "
        "Source: EU AI Act (systemic-risk GPAI).",
        json_schema_extra={"lever": True, "unit": "", "source": "EU AI Act"},
    )
    compute_threshold_flop: float = param(
        1e25, "Training compute above which the evaluation mandate applies", unit="FLOP",
        ge=1e20, le=1e32, lever=True,
        source="EU AI Act: 10^25 FLOP; US EO 14110: 10^26 FLOP (revoked)",
    )
    cost_share: float = param(
        0.05, "Evaluation cost as a share of the training run's cost", unit="share",
        ge=0, le=1, source="assumption; red-teaming of Llama 2 used over 350 people",
    )
    delay_months: int = param(
        2, "Months an evaluation delays a release", unit="months", ge=0, le=24,
        source="assumption",
    )
    effectiveness: float = param(
        0.5, "Share of dangerous capability mitigated before release (binds deployed APIs; "
        "stripped from open weights)", unit="share", ge=0, le=1,
        source="assumption; Lermen et al. 2023 show safeguards on open weights strip for < $200",
    )


class Watermark(Section):
    mandate: bool = Field(
        False, description="Outputs must carry a watermark. Source: Bommasani et al. 2024.",
        json_schema_extra={"lever": True, "unit": "", "source": "Bommasani et al. 2024"},
    )
    api_effectiveness: float = param(
        0.4, "Share of API-route misuse success removed by watermark detection", unit="share",
        ge=0, le=1, source="assumption; text watermarks are fragile (Bommasani et al. 2024)",
    )
    open_compliance: float = param(
        0.1, "Share of open-weight misuse that still carries a watermark (users can remove it)",
        unit="share", ge=0, le=1, source="assumption; LeCun's Senate testimony, 2023",
    )


class Adaptive(Section):
    enabled: bool = Field(
        False, description="The regulator tightens liability after harm spikes. Source: assumption.",
        json_schema_extra={"lever": True, "unit": "", "source": "assumption"},
    )
    lag_months: int = param(6, "Months between a harm spike and the policy response",
                            unit="months", ge=0, le=60)
    harm_trigger_usd_bn: float = param(
        0.5, "Monthly harm above which the regulator tightens", unit="USD bn/month", ge=0, le=1e3,
    )
    liability_step: float = param(0.1, "Increase of liability strength per tightening",
                                  unit="share", ge=0, le=1)
    restrict_release_after: int = param(
        0, "After this many tightenings the regime becomes api-only (0 never)", unit="count",
        ge=0, le=100,
    )


class SafetyReward(Section):
    strength: float = param(
        0.0, "Public reward for safe releases, as a share of a release's commercial value",
        unit="share", ge=0, le=1, lever=True,
        source="Han et al., PLOS One 2021: rewarding safe actors can beat punishment",
    )


class Policy(Section):
    release_regime: Literal["open-weights", "api-only", "lab-choice"] = Field(
        "lab-choice",
        description="What labs may release: all release weights, no weights above the threshold, "
        "or each lab's own choice. Source: Solaiman 2023 (the gradient of release).",
        json_schema_extra={"lever": True, "unit": "", "source": "Solaiman 2023"},
    )
    api_only_threshold: float = param(
        24.5, "Capability above which api-only forbids releasing weights", unit="log10 FLOP-eq",
        ge=20, le=32, lever=True, source="assumption; near the open models of early 2023",
    )
    api_export: bool = Field(
        True, description="Whether the APIs of labs in this jurisdiction serve users in other "
        "jurisdictions; false is an export control (a geo-restricted API). Source: US export "
        "controls on advanced AI (2022-25) restrict chips and model weights; geo-restricted "
        "APIs are an assumption of the same kind.",
        json_schema_extra={"lever": True, "unit": "", "source": "assumption (export controls)"},
    )
    liability: Liability = Field(default_factory=Liability)
    compute_subsidy: ComputeSubsidy = Field(default_factory=ComputeSubsidy)
    evaluation: Evaluation = Field(default_factory=Evaluation)
    watermark: Watermark = Field(default_factory=Watermark)
    adaptive: Adaptive = Field(default_factory=Adaptive)
    safety_reward: SafetyReward = Field(default_factory=SafetyReward)


class Jurisdiction(Section):
    name: str = Field(..., min_length=1, max_length=60,
                      description="Unique name of the jurisdiction.")
    population_share: float = param(
        1.0, "Weight of this jurisdiction in the populations: its share of bad actors is this "
        "weight over the sum of all jurisdictions' weights", unit="weight", ge=0, le=1e3,
        source="assumption; the baseline splits home 40% and abroad 60%, near the US share of "
        "generative-AI users in 2023 (prior 25-60%)",
    )
    policy: Policy = Field(default_factory=Policy)


def _home_only() -> list[Jurisdiction]:
    return [Jurisdiction(name="home")]


# ----------------------------------------------------------------------------------- technology
class Technology(Section):
    flop_per_usd: float = param(
        2.6e17, "Training FLOP bought per dollar at the start", unit="FLOP/USD", ge=1e15, le=1e20,
        source="AI Index 2024: GPT-4 about $78M for about 2e25 FLOP",
    )
    training_cost_growth: float = param(
        2.4, "Growth of frontier training-run cost per year", unit="x/year", ge=1, le=5,
        source="Cottier et al. 2024: 2.4x/year (95% CI 2.0-3.1)",
    )
    flop_per_usd_growth: float = param(
        1.7, "Growth of training FLOP per dollar per year (hardware and longer runs)",
        unit="x/year", ge=1, le=3,
        source="derived: Epoch AI compute growth 4-5x/year divided by cost growth 2.4x/year",
    )
    algorithmic_halving_months: float = param(
        8.0, "Months for compute needed at fixed capability to halve", unit="months", ge=2, le=48,
        source="Ho et al. 2024: 8 months (95% CI 5-14)",
    )
    research_spillover: float = param(
        0.1, "Extra algorithmic progress per unit rise of academic output above its start, "
        "in units of the start's output at full access (docs/ODD.md §7)",
        unit="share", ge=0, le=1, source="assumption",
    )


# -------------------------------------------------------------------------------------- finance
class Finance(Section):
    form: Literal["capital", "exogenous"] = Field(
        "capital",
        description="How labs pay for training: 'capital' each lab holds capital fed by its "
        "revenue, investors and any parent, spends it at a burn rate and leaves when it runs "
        "out; 'exogenous' run costs grow at technology.training_cost_growth whatever the "
        "money, and a lab leaves when its yearly liability exceeds exogenous_exit_years of its "
        "training budget (the behaviour before lab finance, kept for comparison; "
        "docs/ODD.md 7.9a). Source: assumption; the capital form is calibrated to 2023's run "
        "costs, revenue and investment (AI Index 2024), the exogenous form follows Cottier et "
        "al. 2024's 2.4x/year.",
        json_schema_extra={"lever": False, "unit": "",
                           "source": "assumption; AI Index 2024 (capital form), Cottier et al. "
                           "2024 (exogenous form)"},
    )
    investment_usd_bn: float = param(
        25.2, "Private investment in generative AI in the run's first year", unit="USD bn/year",
        ge=0, le=1e5, source="AI Index 2024: USD 25.2 bn in 2023",
    )
    investment_growth: float = param(
        2.4, "Growth of that capital market per year", unit="x/year", ge=1, le=5,
        source="assumption; prior range 1.2-3: investors keep pace with the growth of "
        "frontier training costs (Cottier et al. 2024: 2.4x/year, 95% CI 2.0-3.1)",
    )
    lab_share: float = param(
        0.75, "Share of the capital market that goes to frontier labs (the rest funds "
        "startups and tools outside the labs' accounts)", unit="share", ge=0, le=1,
        source="assumption; prior range 0.5-0.9: the largest 2023 rounds went to frontier labs",
    )
    capability_pull: float = param(
        2.6, "How strongly investors favour capability: a lab one order of magnitude behind "
        "the best gets exp(-this) of its share", unit="1/log10 FLOP-eq", ge=0, le=20,
        source="assumption; prior range 1-4: at ln 10 (about 2.3) shares are proportional to "
        "effective compute, so gaps in spending persist; below it laggards catch up, above it "
        "the leader takes all",
    )
    growth_pull: float = param(
        1.0, "How strongly investors favour revenue growth: the weight of log growth of "
        "revenue over its trend in investors' softmax", unit="", ge=0, le=20,
        source="assumption; prior range 0-3",
    )
    revenue_trend_months: float = param(
        12.0, "Time constant of the revenue trend against which growth is measured",
        unit="months", ge=1, le=120, source="assumption; prior range 6-24 (a year of revenue)",
    )
    runway_months: float = param(
        18.0, "Months of capital a lab plans to last: each month it commits capital / this "
        "plus its revenue", unit="months", ge=1, le=240,
        source="assumption; prior range 12-48",
    )
    flagship_share: float = param(
        0.04, "Share of a lab's spending that goes to its flagship training run (the rest: "
        "staff, research compute, serving its products)", unit="share", gt=0, le=1,
        source="assumption; prior range 0.02-0.2, sized so that the 2023 run costs of "
        "labs.*.budget_usd_m come out of 2023's investment (AI Index 2024)",
    )
    settlement_months: float = param(
        24.0, "Under form 'capital': mean time for a liability claim to be settled and paid. Each "
        "month a lab pays 1/this of the claims it has outstanding (claims resolve at a constant "
        "hazard), so a month's harm comes out of capital over the following years",
        unit="months", ge=1, le=240,
        source="assumption; prior range 12-48: civil claims take years to resolve (US federal "
        "civil cases take about two to three years from filing to trial, US Courts' Federal "
        "Judicial Caseload Statistics) and large awards are often paid in instalments",
    )
    product_revenue_per_user_usd: float = param(
        1.4, "Net revenue per user-month of a lab's own products (most users pay nothing)",
        unit="USD/user-month", ge=0, le=1e3,
        source="calibrated: the leading lab's revenue of about USD 1.6-2 bn annualised at the "
        "end of 2023 (press reports) with about 100M weekly users",
    )
    parent_growth: float = param(
        2.4, "Growth per year of a big-tech parent's funding of its lab", unit="x/year",
        ge=1, le=5, source="assumption; prior range 1.2-3: parents keep pace with the market",
    )
    exogenous_exit_years: float = param(
        5.0, "Under form 'exogenous' only: yearly liability, in years of training budget, that "
        "forces a lab out", unit="years", gt=0, le=1000,
        source="assumption; Cottier et al. 2024: training hardware is about half of "
        "development cost",
    )


# ------------------------------------------------------------------------------------ diffusion
class Diffusion(Section):
    initial_open_capability: float = param(
        23.6, "Best open-weight capability before the run, from models released earlier",
        unit="log10 FLOP-eq", ge=15, le=30,
        source="BLOOM-176B and OPT-175B (2022): about 4e23 FLOP of training compute",
    )
    leak_rate_per_accessor: float = param(
        4e-4, "Monthly leak hazard contributed by each person given gated access",
        unit="1/person-month", ge=0, le=1,
        source="calibrated: LLaMA leaked within 7 days of access for thousands of researchers",
    )
    derivative_boost_max: float = param(
        0.5, "Most capability community fine-tuning adds to the best open base model",
        unit="log10 FLOP-eq", ge=0, le=2,
        source="assumption; Alpaca matched text-davinci-003 on many tasks for $600",
    )
    derivative_rate: float = param(
        0.1, "Monthly rate at which derivatives close toward that boost per unit of community",
        unit="1/month", ge=0, le=1, source="assumption; 'tens of thousands of derivatives' (Meta)",
    )


# ------------------------------------------------------------------------------------- race
class Race(Section):
    enmity: float = param(
        0.6, "How much a lab dislikes a rival winning the market rather than itself (0 a rival's "
        "win is as good as its own, 1 as bad as disaster); sets how much safety the leader can "
        "afford at a given lead", unit="share", ge=0, le=1, lever=True,
        source="Armstrong, Bostrom & Shulman 2016 (enmity e); value an assumption, prior range "
        "0.2-1.0",
    )
    safety_tax: float = param(
        0.3, "Share of effective compute lost at full safety effort", unit="share", ge=0, le=0.9,
        source="Jensen, Emery-Xu & Trager 2023 (safety tax); value an assumption, prior range "
        "0.05-0.5",
    )
    information: Literal["public", "private"] = Field(
        "public", description="Whether labs know their rivals' capabilities (public) or see "
        "them through noise (private). Source: Armstrong, Bostrom & Shulman 2016 compare both.",
        json_schema_extra={"lever": True, "unit": "", "source": "Armstrong et al. 2016"},
    )
    private_noise: float = param(
        0.3, "Spread of a lab's error about a rival's capability when information is private "
        "(standard deviation)", unit="log10 FLOP-eq", ge=0, le=5,
        source="assumption, prior range 0.1-1.0 (training compute is disclosed late and "
        "loosely: Epoch AI's estimates carry about a factor of two, 0.3 in log10)",
    )


class Accidents(Section):
    harm_per_uplift_usd_bn: float = param(
        0.25, "Expected harm a month from accidents (failures in use, not misuse) with a "
        "flagship that served all the use of the labs' services, at zero safety effort, per "
        "unit of its marginal uplift (the misuse uplift curve); a lab's accidents scale with "
        "its share of that use", unit="USD bn/month", ge=0, le=100,
        source="assumption, prior range 0-2.5; no measured rate of AI accidents exists "
        "(AI Incident Database counts incidents, not losses); 0.25 is the earlier 0.05 per "
        "flagship for the baseline's five home labs",
    )
    internalised_share: float = param(
        0.2, "Share of its own accidents' harm a lab bears without any liability (reputation, "
        "lost customers, its own damages)", unit="share", ge=0, le=1,
        source="assumption, prior range 0-0.5",
    )


# ------------------------------------------------------------------------------------- misuse
class MisuseTail(Section):
    annual_probability: float = param(
        1e-4, "Yearly chance of a catastrophic misuse event at one unit of uplift of the best "
        "model anyone can reach", unit="1/year", ge=0, le=1,
        source="Forecasting Research Institute, Existential Risk Persuasion Tournament 2023: "
        "forecasts of AI-enabled catastrophe span about 1e-6 to 1e-3 a year (superforecasters "
        "and experts differ by an order of magnitude or more); 1e-4 is the geometric middle",
    )
    capability_elasticity: float = param(
        2.0, "Exponent of uplift in the yearly chance of a catastrophic event",
        unit="", ge=0, le=10, source="assumption (prior 1-4)",
    )
    harm_usd_bn: float = param(
        100.0, "Harm of one catastrophic misuse event", unit="USD bn", ge=0, le=1e6,
        source="Forecasting Research Institute, Existential Risk Persuasion Tournament 2023: "
        "catastrophes of 1e10-1e12 USD; 1e11 is the geometric middle",
    )


class BadActorTier(Section):
    name: str = Field(..., min_length=1, max_length=60, description="Name of the tier.")
    share: float = Field(
        ..., ge=0, le=1, description="Share of all bad actors in this tier [share]. "
        "Source: assumption.", json_schema_extra={"unit": "share", "source": "assumption"},
    )
    skill: float = Field(
        ..., gt=0, le=1e3, description="Attack skill of the tier's members: it multiplies "
        "uplift in the contest with defence [x]. Source: assumption.",
        json_schema_extra={"unit": "x", "source": "assumption"},
    )
    joins_at: float = Field(
        ..., ge=15, le=40, description="Capability of the best model anyone can reach at which "
        "the tier starts attempting misuse [log10 FLOP-eq]. Source: assumption.",
        json_schema_extra={"unit": "log10 FLOP-eq", "source": "assumption"},
    )


def _default_tiers() -> list[BadActorTier]:
    # Assumptions: a mass of opportunists (scams, spam) who try anything that is easy; a
    # smaller organised-crime tier that comes in once models are worth building a business on;
    # a rare sophisticated tier (state-linked or expert groups) that joins at higher capability.
    return [
        BadActorTier(name="opportunists", share=0.9, skill=0.5, joins_at=24.0),
        BadActorTier(name="organised-crime", share=0.09, skill=2.0, joins_at=25.5),
        BadActorTier(name="sophisticated", share=0.01, skill=8.0, joins_at=27.0),
    ]


class Misuse(Section):
    harm_threshold: float = param(
        26.0, "Capability at and below which misuse gets no uplift over the no-AI baseline",
        unit="log10 FLOP-eq", ge=20, le=32,
        source="RAND 2024: no significant bio uplift from 2023 models; assumption beyond",
    )
    uplift_scale: float = param(
        0.5, "Capability above the harm threshold at which uplift reaches one unit",
        unit="log10 FLOP-eq", gt=0, le=5, source="assumption",
    )
    uplift_exponent: float = param(
        0.35, "Exponent of uplift in capability above the threshold: uplift grows without a "
        "ceiling, concave below 1", unit="", gt=0, le=1,
        source="assumption (prior 0.2-1)",
    )
    attempt_rate: float = param(
        0.1, "Monthly probability that an engaged bad actor attempts misuse when access costs "
        "the reference cost", unit="1/month", ge=0, le=1, source="assumption",
    )
    attempt_cost_elasticity: float = param(
        0.3, "Elasticity of the attempt probability to the cost of the cheapest access route",
        unit="", ge=0, le=3, source="assumption (prior 0-1)",
    )
    attempt_reference_cost_usd: float = param(
        20.0, "Access cost at which bad actors attempt at attempt_rate: the cheapest route in "
        "the first month of the calibrated world (a chat subscription)", unit="USD",
        gt=0, le=1e7, source="published chat subscription prices, 2023 (USD 20 a month)",
    )
    api_access_cost_usd: float = param(
        20.0, "Cost of a month of API access at the start (it falls as compute gets cheaper)",
        unit="USD/month", ge=0, le=1e7,
        source="published chat subscription prices, 2023 (USD 20 a month)",
    )
    harm_per_incident_usd_m: float = param(
        5.0, "Harm of one successful misuse per unit of uplift", unit="USD m",
        ge=0, le=1e4,
        source="assumption, sized to Deloitte 2024's $12B of US fraud losses enabled by "
        "generative AI in 2023; fraud and scams dominate incidents (AI Index 2025)",
    )
    strip_cost_usd: float = param(
        200.0, "Cost to strip safety training from open weights at the start (it falls as "
        "compute gets cheaper)", unit="USD", ge=0, le=1e7,
        source="Lermen et al. 2023; Gade et al. 2023: under $200 on one GPU",
    )
    unstripped_uplift_share: float = param(
        0.01, "Share of an open model's uplift an actor gets without stripping its safety "
        "training", unit="share", ge=0, le=1,
        source="assumption; safety-tuned chat models refuse nearly all harmful requests, "
        "stripped ones about 1% (Gade et al. 2023)",
    )
    api_refusal: float = param(
        0.8, "Share of API misuse refused at full safety effort (jailbreaks get the rest)",
        unit="share", ge=0, le=1, source="assumption; US senators' letter contrasting ChatGPT",
    )
    ban_months: int = param(
        6, "Months a detected API abuser stays banned before re-registering", unit="months",
        ge=0, le=120, source="assumption",
    )
    reputation_weight: float = param(
        0.1, "Weight labs put on harm from their own models even without liability",
        unit="x", ge=0, le=100, source="assumption (self-regulation; Han et al. 2020)",
    )
    liability_scale: float = param(
        4.0, "Expected attributable harm at unit uplift, relative to a release's value",
        unit="x", ge=0, le=100, source="assumption",
    )
    tail: MisuseTail = Field(default_factory=MisuseTail)


class Defense(Section):
    form: Literal["open-weights", "frontier-api", "neither"] = Field(
        "frontier-api",
        description="Which models defenders use: 'open-weights' the best model anyone can "
        "reach, more of it the closer open weights are to the frontier (LeCun 2023, 'good AI "
        "beats bad AI'); 'frontier-api' the best model anyone can reach, with no bonus for "
        "openness; 'neither' none (defence grows only with safety research). Source: "
        "assumption; defenders use the best model they can reach (Shevlane & Dafoe 2020: the "
        "offence-defence balance of publishing).",
        json_schema_extra={"lever": False, "unit": "",
                           "source": "assumption; Shevlane & Dafoe 2020; LeCun 2023"},
    )
    initial: float = param(1.0, "Defensive capacity at the start", unit="index", gt=0, le=1e3,
                           source="normalisation")
    decay: float = param(0.02, "Monthly depreciation of defensive capacity", unit="1/month",
                         ge=0, le=1, source="assumption")
    research_weight: float = param(
        0.02, "Defensive capacity added per unit of safety research", unit="index",
        ge=0, le=10, source="Shevlane & Dafoe 2020; assumption",
    )
    access_weight: float = param(
        0.02, "Defensive capacity added per month per unit of uplift of the model defenders use",
        unit="index", ge=0, le=10, source="LeCun 2023 ('good AI beats bad AI'); assumption",
    )
    open_access_bonus: float = param(
        0.5, "Extra defensive use when capable weights are open (defenders run them locally); "
        "read only under form 'open-weights'", unit="share", ge=0, le=5, source="assumption",
    )


# ----------------------------------------------------------------------------------- populations
class Startups(Section):
    segments: int = param(
        150, "Market segments (product niches) in which startups compete for users",
        unit="segments", ge=1, le=100_000,
        source="assumption; sets the market's breadth, not its depth: within a segment, free "
        "entry decides how many firms the users can pay for",
    )
    segment_users: float = param(
        480_000.0, "Users a segment can have with the 2023 frontier model at 2023 prices",
        unit="users", gt=0, le=1e10,
        source="assumption (prior 1e5-2e6); with 150 segments, about 70M users of AI startups' "
        "products in 2023",
    )
    addressable_users: float = param(
        5.4e9, "People a segment's products could ever reach: its demand saturates toward this "
        "as better and cheaper models draw users (a harmonic mean of the two)",
        unit="users", gt=0, le=1e11,
        source="ITU, Facts and Figures 2023: 5.4 billion people, 67% of the world, use the "
        "internet (prior 4e9-8.1e9: from fewer online to everyone alive, UN WPP 2022)",
    )
    initial_per_segment: int = param(
        30, "Startups in each segment at the start", unit="firms", ge=0, le=100_000,
        source="assumption; about 4,500 in all, near the free-entry count of 2023's market",
    )
    max_firms: int = param(
        500_000, "Most startups a run holds at once: a limit on memory and time, not a rule of "
        "the market. Where free entry would need more, entry stops there and the month's "
        "startups_at_limit reads 1", unit="firms", ge=1, le=50_000_000,
        source="computational limit; the baseline peaks near 180,000",
    )
    entry_flow: float = param(
        0.15, "Potential startups arriving in a segment a month per firm its expected profit "
        "could still pay for (the share of the gap to free entry closed a month)",
        unit="1/month", ge=0, le=10,
        source="assumption (prior 0.02-0.5); checked against about 1,800 entrants in the first "
        "year, the count of newly funded AI companies in the US in 2023 (AI Index 2024: 1,812)",
    )
    quality_pull: float = param(
        0.2, "Orders of magnitude of a firm's share of its segment's users per order of "
        "magnitude its base model is behind the best product", unit="", ge=0, le=5,
        source="assumption (prior 0.1-1): products differ by more than their base model, so "
        "2023's open bases, about 1.5 orders behind, kept a share of users",
    )
    value_per_user_usd: float = param(
        10.0, "Monthly value created per user", unit="USD/user-month", ge=0, le=1e4,
        source="assumption (typical AI subscription price)",
    )
    serving_cost_usd: float = param(
        1.2, "Cost of serving one user a month on the 2023 frontier model at the start",
        unit="USD/user-month", ge=0, le=1e3,
        source="assumption, sized so that an API bill is about 30% of a startup's revenue in 2023",
    )
    inference_cost_decline: float = param(
        10.0, "Fall of serving cost at fixed capability per year", unit="x/year", ge=1, le=1000,
        source="AI Index 2025; Epoch AI, Mar 2025 (9x-900x a year by task); a16z 'LLMflation' "
        "(about 10x a year)",
    )
    serving_capability_elasticity: float = param(
        0.7, "Orders of magnitude of serving cost per order of magnitude of capability",
        unit="", ge=0, le=2,
        source="assumption (prior 0.3-1): frontier APIs cost more per user than older models",
    )
    api_markup: float = param(
        0.25, "API price over serving cost when the API has no lead over the next-best offer",
        unit="share", ge=0, le=10, source="assumption (prior 0.1-1)",
    )
    markup_lead_scale: float = param(
        0.2, "Quality lead over the next-best offer that adds one more base markup",
        unit="log10 FLOP-eq", gt=0, le=5, source="assumption (prior 0.05-1)",
    )
    api_liability_pass_through: float = param(
        0.5, "Share of a developer's expected liability per unit of uplift passed into its API "
        "price", unit="share", ge=0, le=1, source="assumption",
    )
    self_hosting_overhead: float = param(
        0.25, "Extra cost of serving open weights oneself over a provider's serving cost",
        unit="share", ge=0, le=10, source="assumption (smaller fleets run at lower utilisation)",
    )
    open_compute_usd_k: float = param(
        15.0, "Monthly cost of fine-tuning open weights of the 2023 frontier's capability at the "
        "start; it scales with the base's serving cost", unit="USD k/month", ge=0, le=1e4,
        source="assumption",
    )
    fixed_cost_usd_k: float = param(60.0, "Monthly fixed cost of a startup", unit="USD k/month",
                                    ge=0, le=1e4, source="assumption")
    platform_risk: float = param(
        0.01, "Monthly chance an API provider's change of terms costs an API startup its users",
        unit="1/month", ge=0, le=1, source="assumption (platform risk)",
    )
    platform_loss: float = param(
        0.5, "Share of users an API startup loses when its provider changes terms",
        unit="share", ge=0, le=1, source="assumption",
    )
    customisation_bonus: float = param(
        0.15, "Quality gained from fine-tuning open weights", unit="log10 FLOP-eq", ge=0, le=2,
        source="assumption",
    )
    choice_noise: float = param(
        0.06, "Spread of startups' idiosyncratic taste for a base model and a provider, as a "
        "share of a typical firm's monthly revenue", unit="share", gt=0, le=10,
        source="calibrated: about a fifth of startups build on open weights in 2023 (O'Reilly, "
        "Generative AI in the Enterprise, Nov 2023: 16% of companies build on open-source "
        "models, 23% on OpenAI's GPT models)")
    starting_cash_usd_k: float = param(1_000.0, "Cash a startup enters with", unit="USD k",
                                       gt=0, le=1e6, source="assumption (seed round)")
    entrant_users_share: float = param(
        0.1, "Share of its eventual users an entrant has in its first month", unit="share",
        ge=0, le=1, source="assumption",
    )
    value_capture: float = param(0.5, "Share of the value created that a startup earns",
                                 unit="share", ge=0, le=1, source="assumption")
    users_capability_elasticity: float = param(
        0.1, "Orders of magnitude of users per order of magnitude of capability",
        unit="", ge=0, le=2, source="assumption (prior 0-0.3: flat demand to strong growth)",
    )
    users_price_elasticity: float = param(
        0.05, "Orders of magnitude of users per order of magnitude fall in inference cost",
        unit="", ge=0, le=1, source="assumption (prior 0-0.2): cheaper inference opens new uses",
    )
    user_growth_rate: float = param(0.1, "Monthly share of the gap to a firm's users closed",
                                    unit="1/month", ge=0, le=1, source="assumption")
    exit_hazard: float = param(0.005, "Monthly chance an active startup exits for other reasons",
                               unit="1/month", ge=0, le=1, source="assumption")
    switch_rate: float = param(0.02, "Monthly chance an active startup reconsiders its base model",
                               unit="1/month", ge=0, le=1, source="assumption")
    liability_premium_rate: float = param(
        0.2, "Deployer-liability premium as a share of revenue per unit of uplift at full "
        "strength", unit="share", ge=0, le=1, source="assumption",
    )


class Academics(Section):
    count: int = param(5_000, "Academic research groups", unit="groups", ge=10, le=5_000_000,
                       source="assumption")
    safety_share: float = param(0.25, "Share of groups doing safety and security research",
                                unit="share", ge=0, le=1)
    compute_usd_k: float = param(
        5.0, "Median monthly compute budget of a group", unit="USD k/month", gt=0, le=1e5,
        source="Besiroglu et al. 2024 (the compute divide); value assumed",
    )
    api_access_factor: float = param(
        0.3, "Research value of black-box API access relative to open weights for safety work",
        unit="share", ge=0, le=1, source="assumption; Shevlane & Dafoe 2020 (deep versus black-box study)",
    )
    general_api_access: float = param(
        0.7, "Research value of black-box API access relative to open weights for general "
        "(not safety) research, which needs a model's internals less than safety work does",
        unit="share", ge=0, le=1, source="assumption, prior range 0.4-0.9; Shevlane & Dafoe "
        "2020 (deep versus black-box study)",
    )
    value_per_output_usd_k: float = param(
        50.0, "Downstream value of one unit of a group's monthly output (spill-overs)",
        unit="USD k", ge=0, le=1e5, source="assumption",
    )
    lab_safety_weight: float = param(
        100.0, "Safety research output of a lab at full safety effort, in group-equivalents",
        unit="groups", ge=0, le=1e5, source="assumption",
    )


class BadActors(Section):
    count: int = param(10_000, "Bad actors, over all tiers", unit="actors", ge=10,
                       le=5_000_000, source="assumption")
    tiers: list[BadActorTier] = Field(
        default_factory=_default_tiers, min_length=1, max_length=20,
        description="Tiers of bad actors, each with its share of count (shares add up to 1), "
        "attack skill and the capability at which it joins. Defaults are assumptions: "
        "opportunists 0.9 (skill 0.5, join at 24.0), organised crime 0.09 (2.0, 25.5), "
        "sophisticated 0.01 (8.0, 27.0). A file that sets tiers replaces the whole list.",
    )
    sophistication_sigma: float = param(
        1.0, "Spread (lognormal sigma, mean 1) of members' skill around their tier's skill",
        unit="", ge=0, le=3, source="assumption",
    )
    resources_usd_median: float = param(
        1_000.0, "Median money a bad actor can spend", unit="USD", gt=0, le=1e9,
        source="assumption",
    )
    resources_sigma: float = param(
        1.5, "Spread (lognormal sigma) of bad actors' money", unit="", ge=0, le=5,
        source="assumption",
    )
    evasion_per_skill: float = param(
        0.5, "How much skill lowers the chance of detection: monitoring is divided by "
        "1 + this x skill", unit="1/skill", ge=0, le=100, source="assumption",
    )

    @field_validator("tiers")
    @classmethod
    def _tiers_add_up(cls, tiers: list[BadActorTier]) -> list[BadActorTier]:
        names = [tier.name for tier in tiers]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"tier names must be unique; repeated: {', '.join(dupes)}")
        total = sum(tier.share for tier in tiers)
        if abs(total - 1.0) > 1e-6:
            parts = " + ".join(f"{tier.share:g} ({tier.name})" for tier in tiers)
            raise ValueError(f"tier shares must add up to 1, found {parts} = {total:g}")
        return tiers


class Populations(Section):
    startups: Startups = Field(default_factory=Startups)
    academics: Academics = Field(default_factory=Academics)
    bad_actors: BadActors = Field(default_factory=BadActors)


# ------------------------------------------------------------------------------------------ labs
class Licence(Section):
    mau_cap: float = param(
        7e8, "Monthly active users above which an open-licensed model needs a separate licence",
        unit="users", ge=0, le=1e11, source="Llama 2 licence: 700M monthly active users",
    )
    startup_penalty: float = param(
        0.05, "Quality-equivalent cost to startups of licence restrictions",
        unit="log10 FLOP-eq", ge=0, le=1, source="assumption (Llama 2 licence terms)",
    )


class Lab(Section):
    name: str = Field(..., min_length=1, max_length=60, description="Unique name of the lab.")
    jurisdiction: str = Field(
        "", max_length=60, description="Name of the jurisdiction whose regulator binds the lab "
        "(its release regime, liability, evaluation mandate, export controls); empty means the "
        "first jurisdiction.",
    )
    budget_usd_m: float = param(
        50.0, "Cost of the lab's flagship training run at the start, at least USD 10,000 (0.01): "
        "a smaller run is no frontier lab's, and costs near zero overflow or underflow the "
        "model's arithmetic (shares of use, the hhi metrics)", unit="USD m", ge=0.01, le=1e6,
        source="AI Index 2024: GPT-4 about $78M, Gemini Ultra about $191M",
    )
    skill: float = param(0.0, "Capability offset from the lab's own methods",
                         unit="log10 FLOP-eq", ge=-2, le=2)
    openness: float = param(
        0.2, "The lab's preference for open release (strategic value of openness)",
        unit="share", ge=0, le=1, source="assumption; Meta, Mistral open-leaning; others closed",
    )
    safety: float = param(
        0.5, "The lab's safety culture: its safety effort with no race binding it, no liability "
        "or accidents at stake and no subsidy (docs/ODD.md 7.7)", unit="share", ge=0, le=1,
        source="assumption; the order of labs follows their stated safety priorities in 2023",
    )
    monitoring: float = param(
        0.5, "Chance per month an API abuser is detected at full safety effort", unit="share",
        ge=0, le=1, source="assumption",
    )
    monitoring_floor: float = param(
        0.5, "Share of the lab's abuse monitoring that works with no safety effort: detection "
        "is monitoring x (floor + (1 - floor) x safety effort)", unit="share", ge=0, le=1,
        source="assumption (prior 0-1): trust-and-safety teams run with or without frontier "
        "safety work, but safety effort funds classifiers and red-teaming",
    )
    release_interval_months: int = param(12, "Months between flagship releases",
                                         unit="months", ge=1, le=60, source="assumption")
    first_release_month: int = param(6, "Month of the first new release in the run",
                                     unit="months", ge=1, le=600)
    initial_mode: ReleaseMode = Field(
        "api", description="Release mode of the flagship the lab holds at the start.",
    )
    release_plan: list[ReleaseMode] = Field(
        default_factory=list,
        description="Modes of the lab's next releases in order; afterwards the lab chooses.",
    )
    staged_access: int = param(
        4_000, "People given access to a staged release", unit="people", ge=0, le=10_000_000,
        source="LLaMA: over 100,000 requests; 4,000 approvals is unconfirmed",
    )
    parent_funding_usd_bn: float = param(
        0.0, "Funding from a big-tech parent in the run's first year, paid monthly and "
        "growing at finance.parent_growth: open releases as ecosystem strategy (The Atlantic's "
        "'open-washing')", unit="USD bn/year", ge=0, le=1e4,
        source="assumption; prior range 0-5; 0 for a lab without a parent",
    )
    direct_users_m: float = param(20.0, "Users of the lab's own products at the start",
                                  unit="million users", ge=0, le=1e4, source="assumption")
    licence: Licence = Field(default_factory=Licence)


class Event(Section):
    month: int = Field(..., ge=1, le=600, description="Month the event happens.")
    kind: Literal["cut-api", "restore-api", "leak"] = Field(
        ..., description="cut-api: the lab's API is shut; restore-api: reopened; "
        "leak: the lab's flagship weights become public.",
    )
    lab: str = Field("*", description="Name of the lab, or * for every lab.")


class Scenario(Section):
    """A complete, validated world: policy, technology, populations and labs."""

    schema_version: int = Field(SCHEMA_VERSION, ge=1, description="Version of this schema.")
    name: str = Field("baseline", min_length=1, max_length=120, description="Scenario name.")
    description: str = Field("", max_length=4000, description="What question it serves.")
    steps: int = param(120, "Months simulated", unit="months", ge=1, le=600,
                       source="the policy horizon studied: ten years, 2023-2032")
    start_year: int = param(2023, "Calendar year of month 1", unit="year", ge=1990, le=2100)
    jurisdictions: list[Jurisdiction] = Field(
        default_factory=_home_only, min_length=1, max_length=20,
        description="The jurisdictions, each with its own regulator and policy; the first is "
        "home. Weights published anywhere are usable everywhere; APIs and deployers obey their "
        "own jurisdiction. In dotted keys, policy.<field> sets the field in every jurisdiction "
        "and reads it from the first.",
    )
    technology: Technology = Field(default_factory=Technology)
    finance: Finance = Field(default_factory=Finance)
    diffusion: Diffusion = Field(default_factory=Diffusion)
    race: Race = Field(default_factory=Race)
    accidents: Accidents = Field(default_factory=Accidents)
    misuse: Misuse = Field(default_factory=Misuse)
    defense: Defense = Field(default_factory=Defense)
    populations: Populations = Field(default_factory=Populations)
    labs: list[Lab] = Field(..., min_length=1, max_length=50,
                            description="The frontier labs; scenarios/baseline.toml has the 2023 field.")
    events: list[Event] = Field(default_factory=list, max_length=1000)

    @field_validator("schema_version")
    @classmethod
    def _known_version(cls, v: int) -> int:
        if v > SCHEMA_VERSION:
            raise ValueError(
                f"schema_version {v} is newer than this aiecosim understands ({SCHEMA_VERSION}); "
                "upgrade aiecosim"
            )
        return v

    @model_validator(mode="after")
    def _consistent(self) -> "Scenario":
        # Each check raises at the key at fault (KeyedError), so the one line names it.
        names = [lab.name for lab in self.labs]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise KeyedError(("labs",), f"lab names must be unique; repeated: {', '.join(dupes)}")
        places = [j.name for j in self.jurisdictions]
        repeated = sorted({n for n in places if places.count(n) > 1})
        if repeated:
            raise KeyedError(("jurisdictions",), "jurisdiction names must be unique; repeated: "
                             f"{', '.join(repeated)}")
        if sum(j.population_share for j in self.jurisdictions) <= 0:
            raise KeyedError(("jurisdictions",), "jurisdictions' population_share must not all "
                             "be 0")
        for i, lab in enumerate(self.labs):
            if lab.jurisdiction and lab.jurisdiction not in places:
                raise KeyedError(("labs", i, "jurisdiction"),
                                 f"lab {lab.name!r} names unknown jurisdiction "
                                 f"{lab.jurisdiction!r}; jurisdictions are {places}"
                                 f"{did_you_mean(lab.jurisdiction, places)}")
        for index, place in enumerate(self.jurisdictions):
            target = place.policy.compute_subsidy.safety_target_lab
            hosted = [lab.name for lab in self.labs if self.jurisdiction_of(lab) == index]
            if target and target not in hosted:
                raise KeyedError((
                    "jurisdictions", index, "policy", "compute_subsidy", "safety_target_lab"),
                    f"jurisdiction {place.name!r}: compute_subsidy.safety_target_lab names "
                    f"{target!r}, not one of its labs {hosted}{did_you_mean(target, hosted)}")
        for i, event in enumerate(self.events):
            if event.lab != "*" and event.lab not in names:
                raise KeyedError(("events", i, "lab"), f"event names unknown lab {event.lab!r}; "
                                 f"labs are {names}, or '*' for every lab"
                                 f"{did_you_mean(event.lab, names)}")
        return self

    # Dotted keys may name ``policy.<field>``: the field in every jurisdiction (model.keys).
    shorthand_tables: ClassVar[dict[str, type[Section]]] = {"policy": Policy}

    @property
    def home(self) -> Jurisdiction:
        return self.jurisdictions[0]

    @property
    def policy(self) -> Policy:
        """The first (home) jurisdiction's policy, as ``policy.<field>`` reads it."""
        return self.jurisdictions[0].policy

    def jurisdiction_of(self, lab: Lab) -> int:
        """Index of the jurisdiction that binds ``lab``."""
        names = [j.name for j in self.jurisdictions]
        return names.index(lab.jurisdiction) if lab.jurisdiction else 0

    def population_shares(self) -> list[float]:
        weights = [j.population_share for j in self.jurisdictions]
        return [w / sum(weights) for w in weights]

    # ------------------------------------------------------------------ loading and overriding
    @classmethod
    def load(cls, path: str | Path) -> "Scenario":
        """Read, resolve ``extends`` and validate a scenario file; raise ``ScenarioError``."""
        return scenario_io.load_scenario(path, cls)

    @classmethod
    def baseline(cls) -> "Scenario":
        """The shipped calibrated world, ``scenarios/baseline.toml``."""
        return cls.load(BASELINE)

    @classmethod
    def from_dict(cls, data: dict[str, Any], source: str = "<scenario>") -> "Scenario":
        """Validate a plain mapping; errors name ``source`` and the offending key."""
        return scenario_io.validate_mapping(data, source, cls)

    def with_overrides(self, overrides: dict[str, Any], source: str = "--set") -> "Scenario":
        """A new scenario with dotted keys replaced, e.g. ``{"policy.liability.strength": 0.8}``.

        Labs are addressed by name or index: ``labs.open-bigtech.openness`` (see ``model.keys``).
        """
        return scenario_io.apply_overrides(self, overrides, source)

    def to_dict(self) -> dict[str, Any]:
        """Plain data, fully resolved, in schema order."""
        return self.model_dump(mode="json")

    def digest(self) -> str:
        """A short hash of the resolved scenario, for provenance."""
        text = json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()[:16]


__all__ = ["Scenario", "Lab", "Jurisdiction", "Policy", "Event", "SCHEMA_VERSION",
           "ValidationError"]
