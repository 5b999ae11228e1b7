"""How robust the regime ranking is: the harm multiplier at which api-only overtakes
open-weights on welfare, and the regime table under each form of defence."""

from __future__ import annotations

import numpy as np
import polars as pl

from aiecosim.experiments.findings.results import Results, difference, estimate

REGIMES = ("open-weights", "api-only", "lab-choice")
DEFENSE_FORMS = ("open-weights", "frontier-api", "neither")
WHOLE = (1, 120)
LAST_YEAR = (109, 120)
BY_DEFENSE = "regimes-by-defense"
FORM_METRICS = ("innovation", "startups_active", "hhi", "hhi_provider", "misuse_harm", "welfare")


def break_even_multiplier(r: Results) -> dict[str, float]:
    """The factor on harm at which api-only's ten-year welfare equals open-weights'.

    Welfare is linear in harm at fixed behaviour, so with W and H the ten-year means,
    k* = 1 + (W_open - W_api) / (H_open - H_api). Behaviour that reacts to harm (liability bills,
    an adaptive regulator) is held fixed, so k* is a first-order answer. Returns k* from the
    means and from each seed's paired values (their range)."""
    v = lambda regime, metric: r.per_seed("release-regimes", f"release_regime={regime}",  # noqa: E731
                                          metric, WHOLE)
    welfare = v("open-weights", "welfare").values - v("api-only", "welfare").values
    harm = v("open-weights", "misuse_harm").values - v("api-only", "misuse_harm").values
    point = 1.0 + welfare.mean() / harm.mean() if harm.mean() > 0 else float("inf")
    with np.errstate(divide="ignore"):
        per_seed = np.where(harm > 0, 1.0 + welfare / harm, np.inf)
    return {"multiplier": float(point), "lowest seed": float(per_seed.min()),
            "highest seed": float(per_seed.max()), "welfare gap": float(welfare.mean()),
            "harm gap": float(harm.mean()), "seeds": int(harm.size)}


def _label(regime: str, form: str) -> str:
    return f"release_regime={regime}, form={form}"


def regime_by_defense_table(r: Results) -> pl.DataFrame:
    """Year-10 means with 95% intervals of each regime under each defence form."""
    rows = []
    for form in DEFENSE_FORMS:
        for regime in REGIMES:
            row = {"defense.form": form, "regime": regime}
            for metric in FORM_METRICS:
                row[metric] = estimate(r.per_seed(BY_DEFENSE, _label(regime, form), metric,
                                                  LAST_YEAR)).text()
            rows.append(row)
    return pl.DataFrame(rows)


def harm_gaps_by_defense(r: Results) -> pl.DataFrame:
    """Ten-year harm of lab-choice and api-only minus open-weights, under each defence form."""
    rows = []
    for form in DEFENSE_FORMS:
        base = r.per_seed(BY_DEFENSE, _label("open-weights", form), "misuse_harm", WHOLE)
        row = {"defense.form": form}
        for regime in ("lab-choice", "api-only"):
            other = r.per_seed(BY_DEFENSE, _label(regime, form), "misuse_harm", WHOLE)
            row[f"{regime} minus open-weights (harm, USD bn/month)"] = \
                difference(base, other).text(3)
        welfare_open = r.per_seed(BY_DEFENSE, _label("open-weights", form), "welfare", WHOLE)
        welfare_api = r.per_seed(BY_DEFENSE, _label("api-only", form), "welfare", WHOLE)
        row["open-weights minus api-only (welfare)"] = difference(welfare_api, welfare_open).text(3)
        rows.append(row)
    return pl.DataFrame(rows)
