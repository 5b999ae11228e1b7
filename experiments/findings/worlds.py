"""The headlines over plausible worlds: in what share of the worlds the 2023 evidence allows
does each one hold?

Each world is a particle of the shipped posterior with its own values of every prior; the
variants of a world share its seed, so a difference within a world is the policy's effect in
that world. A claim states the share of worlds in which its direction holds, and the median
and central 90% interval of the effect over worlds. It *holds across worlds* when the share is
at least ``ACROSS``; below that it is *conditional*, and the worlds where it fails are
described by the parameters that separate them (``conditions``).

Labels (DESIGN.md §6): *identity* (true by the code), *by construction* (follows directly from
an assumption), or *emergent*. Only emergent claims are findings.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import polars as pl

from aiecosim.experiments.findings.results import Results
from aiecosim.experiments.stats import world_interval

DESIGN = "headlines-over-worlds"
ACROSS = 0.9
LAST_YEAR, TEN_YEARS, LATER = (109, 120), (1, 120), (13, 120)


@dataclass(frozen=True)
class WorldClaim:
    name: str
    statement: str
    label: str  # identity | by construction | emergent
    why: str
    effect: np.ndarray  # one value per world
    holds_in: np.ndarray  # one bool per world
    unit: str = ""

    @property
    def share(self) -> float:
        return float(self.holds_in.mean())

    @property
    def across(self) -> bool:
        return self.share >= ACROSS

    def interval(self) -> tuple[float, float, float]:
        return world_interval(self.effect, level=0.9)


def by_world(r: Results, variant: str, metric: str, months: tuple[int, int],
             design: str = DESIGN) -> np.ndarray:
    """Each world's mean of ``metric`` over ``months`` in ``variant``, in world order."""
    points = r.sweeps[design].points.filter(pl.col("variant") == variant).select("point", "world")
    frame = (r.series(design).filter(pl.col("step").is_between(*months))
             .join(points, on="point").group_by("world").agg(pl.col(metric).mean()).sort("world"))
    return frame[metric].to_numpy()


def world_claims(r: Results, design: str = DESIGN) -> list[WorldClaim]:
    """The headlines over the worlds of ``design`` (the headlines' design, or its rerun under
    a structural switch)."""
    v: Callable[[str, str, tuple[int, int]], np.ndarray] = (  # noqa: E731
        lambda a, m, w=LAST_YEAR: by_world(r, a, m, w, design))
    open_, api, base = "open-weights", "api-only everywhere", "lab choice"
    strict, public, home = "strict developer liability", "public compute", "api-only at home"
    gap = lambda a, b, m, w=LAST_YEAR: v(a, m, w) - v(b, m, w)  # noqa: E731
    claims = []

    def claim(name, statement, label, why, effect, holds=None, unit=""):
        claims.append(WorldClaim(name, statement, label, why, effect,
                                 effect > 0 if holds is None else holds, unit))

    claim("open weights raise innovation", "In year 10, open-weights creates more downstream "
          "value than api-only everywhere.", "emergent", "through startups' entry, costs and "
          "competition", gap(open_, api, "innovation"), unit=" USD bn a month")
    claim("open weights raise entry", "In year 10, open-weights has more active startups than "
          "api-only everywhere.", "emergent", "entry responds to expected profit",
          gap(open_, api, "startups_active"), unit=" firms")
    claim("API-only concentrates inference", "In year 10, api-only everywhere has a higher HHI "
          "by inference provider than open-weights.", "emergent", "api-only stops new public "
          "weights, but startups may stay on weights published before", gap(api, open_,
                                                                            "hhi_provider"))
    claim("open weights raise misuse harm", "Over the ten years, open-weights has more misuse "
          "harm than api-only everywhere.", "emergent", "depends on stripping costs, defence "
          "and attempts", gap(open_, api, "misuse_harm", TEN_YEARS), unit=" USD bn a month")
    claim("open weights raise welfare", "Over the ten years, open-weights has higher welfare "
          "than api-only everywhere.", "emergent", "value created against harm and costs",
          gap(open_, api, "welfare", TEN_YEARS), unit=" USD bn a month")
    claim("strict liability costs innovation", "Strict developer liability (0.8) lowers "
          "year-10 innovation against the baseline's ordinary negligence.", "emergent",
          "labs' releases and exits respond to expected bills", gap(base, strict, "innovation"),
          unit=" USD bn a month")
    open_share = v(strict, "labs_open_share")
    claim("strict developer liability is a de facto ban", "Under strict developer liability "
          "(0.8), fewer than 10% of labs keep public weights in year 10.", "emergent",
          "labs weigh expected liability against openness's value", open_share,
          holds=open_share < 0.1, unit=" (labs' open share)")
    change = gap(public, base, "innovation")
    scale = v(base, "innovation")
    claim("public compute barely moves downstream value", "Public compute of 4 USD bn a year "
          "changes year-10 innovation by less than 10% of it.", "emergent",
          "subsidised compute against a demand-driven market", change / np.maximum(scale, 1e-12),
          holds=np.abs(change) < 0.1 * np.abs(scale), unit=" (share of innovation)")
    lag_home, lag_all = v(home, "open_lag_months", LATER), v(api, "open_lag_months", LATER)
    claim("a home-only rule cannot freeze the open frontier", "With api-only at home and lab "
          "choice abroad, the open lag over years 2-10 is less than half of api-only "
          "everywhere's.", "emergent", "weights from abroad are usable at home",
          lag_home / np.maximum(lag_all, 1e-12), holds=lag_home < 0.5 * lag_all,
          unit=" (home-only lag over everywhere's)")
    claim("a home-only rule buys less safety", "Api-only at home only leaves more misuse harm "
          "over years 2-10 than api-only everywhere.", "emergent", "open weights from abroad "
          "reach bad actors at home", gap(home, api, "misuse_harm", LATER),
          unit=" USD bn a month")
    return claims


def everywhere(name: str, by_structure: dict[str, list[WorldClaim]]) -> bool:
    """Whether headline ``name`` holds across worlds under every structure."""
    return all(c.across for claims in by_structure.values() for c in claims if c.name == name)


def table(by_structure: dict[str, list[WorldClaim]]) -> pl.DataFrame:
    """The headlines under the default forms, each marked by whether it holds across worlds
    under every structure."""
    rows = []
    for c in next(iter(by_structure.values())):
        median, low, high = c.interval()
        rows.append({"claim": c.statement, "label": c.label,
                     "effect, median [90% over worlds]": f"{median:.3g} [{low:.3g}, {high:.3g}]{c.unit}",
                     "share of worlds": f"{c.share:.0%}",
                     "holds across worlds and switches":
                         "yes" if everywhere(c.name, by_structure) else "conditional",
                     "worlds": len(c.effect)})
    return pl.DataFrame(rows)


def switch_table(by_structure: dict[str, list[WorldClaim]]) -> pl.DataFrame:
    """Each headline's share of worlds under each structure, with the worlds each ran."""
    columns: dict[str, list] = {"headline": [c.name for c in next(iter(by_structure.values()))]}
    for structure, claims in by_structure.items():
        columns[f"{structure} ({len(claims[0].effect)} worlds)"] = [
            f"{c.share:.0%}" if c.across else f"**{c.share:.0%}**" for c in claims]
    return pl.DataFrame(columns)


@dataclass(frozen=True)
class Box:
    """A PRIM box: the worlds it holds, what share of the worlds where a claim holds it
    covers, and what share of its worlds the claim holds in."""

    limits: list[tuple[str, float, float]]  # restricted parameters: (key, low, high)
    coverage: float
    density: float
    mass: float

    def text(self) -> str:
        where = " and ".join(f"`{key}` in [{low:.3g}, {high:.3g}]" for key, low, high in self.limits)
        return (f"{where or 'anywhere'} (the claim holds in {self.density:.0%} of those "
                f"worlds; they are {self.mass:.0%} of all worlds and {self.coverage:.0%} of the "
                "worlds where it holds)")


MAX_DIMENSIONS = 3  # a box a reader can use restricts few parameters (Bryant & Lempert 2010)
MIN_COVERAGE = 0.5  # and holds at least half of the worlds where the claim holds
CLEAR_DENSITY = 0.8  # a box is a condition when the claim holds in this share of its worlds
CLEAR_LIFT = 0.1  # and in this much more of them than of all worlds


def clear(box: "Box", share: float) -> bool:
    """Whether a PRIM box is a condition worth stating, not a trim of the edges."""
    return box.density >= CLEAR_DENSITY and box.density >= share + CLEAR_LIFT


def conditions(holds: np.ndarray, parameters: pl.DataFrame) -> Box | None:
    """Scenario discovery (Bryant & Lempert 2010) with ema-workbench's PRIM: on PRIM's peeling
    trajectory, the densest box restricting at most ``MAX_DIMENSIONS`` parameters that still
    covers ``MIN_COVERAGE`` of the worlds where the claim holds. None when the claim holds
    everywhere or nowhere, or no such box is denser than all worlds together."""
    import warnings

    y = holds.astype(bool)
    if y.all() or not y.any():
        return None
    x = parameters.to_pandas()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from ema_workbench.analysis import prim

        box = prim.Prim(x, y, peel_alpha=0.05, mass_min=0.05).find_box()
    if box is None:
        return None
    trajectory = box.peeling_trajectory
    usable = trajectory[(trajectory["res_dim"] <= MAX_DIMENSIONS)
                        & (trajectory["coverage"] >= MIN_COVERAGE)]
    if usable.empty or usable["density"].max() <= y.mean():
        return None
    i = int(usable["density"].idxmax())
    limits, initial = box.box_lims[i], box.prim.box_init
    restricted = [(key, float(limits[key].iloc[0]), float(limits[key].iloc[1]))
                  for key in x.columns
                  if (limits[key].iloc[0], limits[key].iloc[1]) != (initial[key].iloc[0], initial[key].iloc[1])]
    row = trajectory.loc[i]
    return Box(restricted, float(row["coverage"]), float(row["density"]), float(row["mass"]))


def world_parameters(r: Results, design_path) -> pl.DataFrame:
    """Each world's values of every prior, in world order (the design's draw, repeated)."""
    from aiecosim.experiments import posterior
    from aiecosim.experiments.experiment import load_experiment

    n = r.sweeps[DESIGN].points["world"].n_unique()
    experiment = load_experiment(design_path)
    file = (design_path.parent / experiment.design.posterior).resolve()
    particles, _ = posterior.read(file)
    drawn = posterior.draw_worlds(particles, n, experiment.design.world_seed)
    return pl.DataFrame([w.overrides for w in drawn])


NEAR_LIMIT = 0.95  # a world's year-10 startups this close to max_firms are held by the limit


def at_limit_share(r: Results, variant: str) -> float:
    """The share of worlds whose year-10 startups sit within NEAR_LIMIT of
    ``populations.startups.max_firms``, a computational limit, not a rule of the market."""
    from aiecosim.model import keys
    from aiecosim.model.scenario import Scenario

    limit = keys.get(Scenario.baseline().to_dict(), "populations.startups.max_firms")
    return float(np.mean(by_world(r, variant, "startups_active", LAST_YEAR) >= NEAR_LIMIT * limit))
