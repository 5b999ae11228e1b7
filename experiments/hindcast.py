"""The hindcast: what the calibrated worlds predict for the held-out 2024-25 observations.

For every observation of ``calibration/hindcast-2024-25.toml``, the posterior predictive
median and central 90% interval over plausible worlds, against the observed value and its
interval. An observation is *covered* when its observed value lies inside the predictive 90%
interval. Misses are reported as misses: nothing here feeds back into a default or a prior.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from aiecosim.experiments import observations as obs
from aiecosim.experiments.plausible import world_frames
from aiecosim.experiments.stats import world_interval
from aiecosim.model.scenario import Scenario

SECTION = "hindcast"
LEVEL = 0.9


@dataclass(frozen=True)
class Predicted:
    name: str
    quantity: str
    observed: float
    interval: tuple[float, float]
    median: float
    low: float
    high: float
    defined: int  # worlds in which the quantity is defined (a ratio needs a non-empty base)
    worlds: int

    @property
    def covered(self) -> bool:
        return self.low <= self.observed <= self.high


def predict(scenario: Scenario, posterior_path: Path, worlds: int, seed: int,
            hindcast_path: Path | None = None, workers: int | None = None) -> list[Predicted]:
    held_out = obs.load(hindcast_path or obs.shipped(obs.HINDCAST_FILE))
    short = scenario.with_overrides({"steps": max(held_out.months_needed, 1)})
    _, frames = world_frames(short, posterior_path, worlds, seed, workers)
    values = [held_out.model_values(frame) for frame in frames]
    out = []
    for each in held_out.observation:
        sample = [v[each.name] for v in values if math.isfinite(v[each.name])]
        median, low, high = world_interval(sample, level=LEVEL) if sample else (math.nan,) * 3
        out.append(Predicted(each.name, each.quantity, each.value, tuple(each.interval), median,
                             low, high, len(sample), worlds))
    return out


def markdown(rows: list[Predicted], posterior_name: str, seed: int) -> str:
    covered = sum(r.covered for r in rows)
    lines = [
        f"Posterior predictive over {rows[0].worlds} plausible worlds drawn from "
        f"`{posterior_name}` (world seed {seed}): the median and central 90% interval over "
        "worlds of each held-out 2024–25 quantity, against the observation. *Covered* means "
        "the observed value lies inside the predictive interval. "
        f"**{covered} of {len(rows)} covered.**",
        "",
        "| held-out observation | model quantity | observed [interval] | predicted median "
        "[90% over worlds] | covered |",
        "|---|---|---|---|---|",
    ]
    for r in rows:
        defined = "" if r.defined == r.worlds else f" ({r.defined} of {r.worlds} worlds defined)"
        lines.append(f"| {r.name} | `{r.quantity}` | {_n(r.observed)} [{_n(r.interval[0])}, "
                     f"{_n(r.interval[1])}] | {_n(r.median)} [{_n(r.low)}, {_n(r.high)}]{defined}"
                     f" | {'yes' if r.covered else '**no: a miss**'} |")
    return "\n".join(lines)


def _n(x: float) -> str:
    if not math.isfinite(x):
        return "undefined"
    return f"{x:.3g}" if abs(x) < 1000 else f"{x:,.0f}"
