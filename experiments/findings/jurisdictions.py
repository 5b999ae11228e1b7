"""A rule at home against the same rule everywhere: api-only in the home jurisdiction only
against api-only in every jurisdiction, with lab choice everywhere as the reference."""

from __future__ import annotations

import polars as pl

from aiecosim.experiments.findings.claims import Claim
from aiecosim.experiments.findings.results import Results, difference, estimate

DESIGN = "jurisdictions"
VARIANTS = ("lab choice everywhere", "api-only at home", "api-only everywhere")
METRICS = ("misuse_harm", "innovation", "open_lag_months", "hhi", "hhi_provider", "welfare")
LATER = (13, 120)  # years 2-10: after the 2023 flagships have been replaced


def jurisdiction_table(r: Results) -> pl.DataFrame:
    """Means over years 2-10 with 95% intervals of each variant."""
    rows = []
    for variant in VARIANTS:
        row = {"rule": variant}
        for metric in METRICS:
            row[metric] = estimate(r.per_seed(DESIGN, variant, metric, LATER)).text()
        rows.append(row)
    return pl.DataFrame(rows)


def jurisdiction_claims(r: Results) -> list[Claim]:
    v = lambda variant, metric: r.per_seed(DESIGN, variant, metric, LATER)  # noqa: E731
    home, everywhere = "api-only at home", "api-only everywhere"
    lag_home, lag_all = estimate(v(home, "open_lag_months")), estimate(v(everywhere,
                                                                         "open_lag_months"))
    harm_gap = difference(v(everywhere, "misuse_harm"), v(home, "misuse_harm"))
    return [
        Claim("jurisdictions", "a home-only rule cannot freeze the open frontier",
              "With api-only at home and lab choice abroad, the open lag over years 2-10 is "
              "less than half of what api-only everywhere gives.",
              f"open lag {lag_home.text(1)} months at home only, {lag_all.text(1)} everywhere",
              lag_home.mean < 0.5 * lag_all.mean, lag_home.hi < 0.5 * lag_all.lo, lag_home.n),
        Claim("jurisdictions", "a home-only rule buys less safety",
              "Api-only at home only leaves more misuse harm than api-only everywhere.",
              f"harm, home only minus everywhere: {harm_gap.text(3)} USD bn a month",
              harm_gap.mean > 0, harm_gap.lo > 0, harm_gap.n),
    ]
