"""The claims docs/findings.md makes, each computed from the sweeps it ran.

A claim states a direction (with a margin) and reports the measured effect with its 95%
interval. ``holds`` checks the point estimate against the stated direction; ``confident``
checks that the whole interval does. The regression test reruns small sweeps and asserts
``holds`` for every claim, so a documented direction that flips fails the suite.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from aiecosim.experiments.findings.results import PerSeed, Results, difference, estimate
from aiecosim.experiments.stats import Estimate

FACTS = "stylized-facts"
LATER = (13, 120)  # years 2-10, after the initial flagships are replaced
WHOLE = (1, 120)


@dataclass(frozen=True)
class Claim:
    section: str
    name: str
    statement: str
    measured: str
    holds: bool
    confident: bool
    seeds: int
    label: str = ""  # identity | by construction | emergent (findings.over_worlds.LABELS)
    held_in: tuple[int, int] | None = None  # (worlds where it holds, worlds), over_worlds

    @property
    def share(self) -> float | None:
        """The share of plausible worlds in which the claim holds, once computed."""
        return None if self.held_in is None else self.held_in[0] / self.held_in[1]


def _diff_claim(section: str, name: str, statement: str, effect: Estimate, above: float,
                unit: str = "") -> Claim:
    """A claim that ``effect`` exceeds ``above`` (use negated effects for 'less than')."""
    return Claim(section, name, statement, f"{effect.text()}{unit}", effect.mean > above,
                 effect.lo > above, effect.n)


def _ratio(a: PerSeed, b: PerSeed) -> Estimate:
    """b / a as the relative difference (b - a) / mean(a), with its interval."""
    d = difference(a, b)
    scale = np.float64(a.values.mean())
    # Undefined (NaN, or infinite) where a is zero, e.g. a plausible world with no harm in the
    # years compared; a claim on it then does not hold there.
    with np.errstate(divide="ignore", invalid="ignore"):
        return replace(d, mean=float(d.mean / scale), lo=float(d.lo / scale),
                       hi=float(d.hi / scale))


# ------------------------------------------------------------------------ stylized facts
def fact_claims(r: Results) -> list[Claim]:
    s = "facts"
    v = lambda label, metric, months=LATER: r.per_seed(FACTS, label, metric, months)  # noqa: E731
    claims: list[Claim] = []

    never_fall = all(np.all(np.diff(run) >= 0) for label in r.series(FACTS)["label"].unique()
                     for run in r.runs(FACTS, label, "open_capability"))
    after_cut = v("cut every API at month 60", "misuse_attempts_api", (61, 120))
    claims.append(Claim(s, "1 irreversibility",
                        "Released weights are never recalled (open capability never falls in any "
                        "run), and cutting every API at month 60 ends misuse through APIs.",
                        f"open capability monotone in every run: {never_fall}; API attempts per "
                        f"month after the cut: {estimate(after_cut).text(1)}",
                        never_fall and after_cut.values.max() == 0,
                        never_fall and after_cut.values.max() == 0, len(after_cut.values)))
    claims.append(_diff_claim(s, "2 gated access leaks",
                              "A staged release to 100,000 people is public within the month; to "
                              "50 people it mostly is not (open capability, months 2-6, higher).",
                              difference(v("staged release to 50 people", "open_capability", (2, 6)),
                                         v("staged release to 100,000 people", "open_capability",
                                           (2, 6))), 0.05, " log10 FLOP-eq"))
    entry = _ratio(v("api-only", "startups_active"), v("open-weights", "startups_active"))
    claims.append(_diff_claim(s, "3a open release raises entry",
                              "Open-weights has at least 4% more active startups than api-only.",
                              entry, 0.04))
    claims.append(_diff_claim(s, "3b open release lowers concentration among providers",
                              "Open-weights has an HHI by inference provider at least 1,500 "
                              "points below api-only (section 2 gives concentration by model "
                              "developer).",
                              difference(v("open-weights", "hhi_provider"),
                                         v("api-only", "hhi_provider")), 1500))
    share = estimate(v("open-weights", "compute_share_top3", (37, 120)))
    claims.append(Claim(s, "4 compute stays concentrated",
                        "Even when every lab releases weights, the top three labs buy over 80% of "
                        "the compute that creates base models (labs' and academic groups' "
                        "runs; startups' fine-tuning is left out) in years 4-10.", share.text(3), share.mean > 0.8,
                        share.lo > 0.8, share.n))
    lag = estimate(v("baseline", "open_lag_months"))
    claims.append(Claim(s, "5a the open lag is months to a year",
                        "The baseline's open lag (years 2-10) lies between 4 and 15 months.",
                        lag.text(1) + " months", 4 < lag.mean < 15, 4 < lag.lo and lag.hi < 15,
                        lag.n))
    claims.append(_diff_claim(s, "5b the lag emerges",
                              "A ten times richer open-leaning lab shortens the lag by over 3 months.",
                              difference(v("richer open lab", "open_lag_months"),
                                         v("baseline", "open_lag_months")), 3, " months"))
    early = (1, 36)
    claims.append(_diff_claim(s, "6a marginal risk",
                              "Below the harm threshold capability adds almost no harm: moving the "
                              "threshold to 32 cuts harm in years 1-3 by over 98%.",
                              -_ratio(v("baseline", "misuse_harm", early),
                                      v("harm threshold at 32", "misuse_harm", early)), 0.98))
    claims.append(_diff_claim(s, "6b safety training does not protect open weights",
                              "Maximal safety effort and refusals change harm through open weights "
                              "by less than 15%.",
                              -_abs(_ratio(v("all labs careless", "misuse_harm_open"),
                                           v("all labs careful", "misuse_harm_open"))), -0.15))
    claims.append(_diff_claim(s, "7 developer liability pushes labs to APIs",
                              "Developer liability of 0.9 lowers the share of labs with public "
                              "weights by over 0.2.",
                              difference(v("developer liability 0.9", "labs_open_share"),
                                         v("no liability", "labs_open_share")), 0.2))
    api_cut = -_ratio(v("baseline", "misuse_harm_api"), v("watermark mandate", "misuse_harm_api"))
    open_cut = -_ratio(v("baseline", "misuse_harm_open"), v("watermark mandate", "misuse_harm_open"))
    claims.append(Claim(s, "8 watermarks bind APIs, not open weights",
                        "A watermark mandate cuts harm through APIs by over 25% and by over three "
                        "times its cut of harm through open weights.",
                        f"API harm cut {api_cut.text()}, open-weight harm cut {open_cut.text()}",
                        api_cut.mean > 0.25 and api_cut.mean > 3 * open_cut.mean,
                        api_cut.lo > 0.25 and api_cut.lo > 3 * open_cut.hi, api_cut.n))
    claims += _band_claims(r)
    claims.append(_diff_claim(s, "10a closer races cut safety",
                              "Funding every lab alike (the same 2023 run and skill, and investors "
                              "who share the market evenly: a level field) lowers mean safety "
                              "effort by over 0.01.",
                              difference(v("level field", "safety_effort"),
                                         v("baseline", "safety_effort")), 0.01))
    claims.append(_diff_claim(s, "10b more enmity cuts safety",
                              "Enmity of 0.9 lowers mean safety effort by over 0.005 against 0.1 "
                              "(the race binds only the leader, and only when its lead is small).",
                              difference(v("enmity 0.9", "safety_effort"),
                                         v("enmity 0.1", "safety_effort")), 0.005))
    academic = _ratio(v("baseline", "academic_output"), v("public compute 10x NAIRR", "academic_output"))
    lag_change = difference(v("baseline", "open_lag_months"),
                            v("public compute 10x NAIRR", "open_lag_months"))
    claims.append(Claim(s, "11 subsidies raise research, not the frontier",
                        "Ten times NAIRR's budget raises academic output by over 50% while the "
                        "open lag moves by less than 1.5 months.",
                        f"academic output {academic.text()} (relative), lag change "
                        f"{lag_change.text(1)} months",
                        academic.mean > 0.5 and abs(lag_change.mean) < 1.5,
                        academic.lo > 0.5 and -1.5 < lag_change.lo and lag_change.hi < 1.5,
                        academic.n))
    research = _ratio(v("api-only", "safety_research"), v("open-weights", "safety_research"))
    defence = _ratio(v("api-only", "defense_capacity"), v("open-weights", "defense_capacity"))
    claims.append(Claim(s, "12 open access helps defenders",
                        "Open-weights raises safety research by over 20% and defensive capacity "
                        "by over 10% against api-only.",
                        f"safety research {research.text()}, defence {defence.text()} (relative)",
                        research.mean > 0.2 and defence.mean > 0.1,
                        research.lo > 0.2 and defence.lo > 0.1, research.n))
    return claims


def _abs(e: Estimate) -> Estimate:
    """|e|, with the interval of the largest magnitude inside it."""
    worst = max(abs(e.lo), abs(e.hi))
    return replace(e, mean=abs(e.mean), lo=min(abs(e.lo), abs(e.hi)) if e.lo * e.hi > 0 else 0.0,
                   hi=worst)


def _band_claims(r: Results) -> list[Claim]:
    """Fact 9: regulation's welfare gain by risk level, and rewards against punishment."""
    def welfare(label: str) -> PerSeed:
        return r.per_seed(FACTS, label, "welfare", WHOLE)

    none = {"low": "low risk, no regulation", "middle": "no liability",
            "high": "high risk, no regulation"}
    gain = {level: difference(welfare(base), welfare(f"{level} risk, developer liability 0.5"))
            for level, base in none.items()}
    reward = {level: difference(welfare(base), welfare(f"{level} risk, safety reward 0.1"))
              for level, base in none.items()}
    measured = ", ".join(f"{k} {v.text()}" for k, v in gain.items())
    # Two points of the band; fact 9c (findings.risk_axis) finds both edges on a continuous axis.
    holds = gain["middle"].mean > 0.2 and gain["low"].mean < 0
    confident = gain["middle"].lo > 0.2 and gain["low"].hi < 0
    claims = [Claim("facts", "9a regulation does not help at low risk",
                    "Developer liability of 0.5 raises welfare (USD bn a month) at the middle "
                    "risk level and lowers it at a tenth of the harm (fact 9c finds the band's "
                    "edges on a continuous axis).",
                    f"welfare gain by risk level: {measured}", holds, confident,
                    gain["middle"].n)]
    edge = {level: difference(welfare(f"{level} risk, developer liability 0.5"),
                              welfare(f"{level} risk, safety reward 0.1")) for level in ("low", "high")}
    claims.append(Claim("facts", "9b rewards can beat punishment at low risk",
                        "At low risk a safety reward of 0.1 gives more welfare than developer "
                        "liability of 0.5 (at high risk, with open-weight harm billed to "
                        "every open developer by market share, neither is clearly ahead).",
                        ", ".join(f"{k} risk: reward minus liability {v.text()}"
                                  for k, v in edge.items())
                        + "; reward's own gain: " + ", ".join(f"{k} {v.text()}"
                                                             for k, v in reward.items()),
                        edge["low"].mean > 0.02, edge["low"].lo > 0.02, edge["low"].n))
    return claims
