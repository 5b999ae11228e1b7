"""Optimisation designs: which policy levers to search, which objectives, over which worlds.

A robust policy search (``aiecosim optimize``) reads a TOML file of its own, separate from the
sweep designs of ``experiments/design.py``: a search has no sampling method or seeds per point,
but a budget, a population and objectives. It is checked the same way: unknown keys are one
``ScenarioError`` line with a "did you mean", levers are checked against the scenario schema,
and nothing runs on a mistake.

```toml
name = "robust-policy"
scenario = "../../scenarios/baseline.toml"
posterior = "../../calibration/posterior-2023.parquet"
worlds = 8                 # every candidate policy runs in the same 8 worlds
nfe = 160                  # candidate policies evaluated in all
population = 16
seed = 1                   # the search's random choices

[levers."policy.liability.strength"]
min = 0.0
max = 1.0
[levers."policy.release_regime"]
values = ["open-weights", "api-only", "lab-choice"]

[objectives.innovation]
direction = "maximize"     # robust value: the 10th percentile over worlds unless given
epsilon = 0.5
```
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from aiecosim.experiments import posterior as post
from aiecosim.experiments.ema import policy_levers
from aiecosim.experiments.design import validation_line
from aiecosim.experiments.experiment import base_scenario, design_worlds, find_design
from aiecosim.model import Scenario, keys
from aiecosim.model.errors import ScenarioError, unknown_key_message
from aiecosim.model.metrics import METRICS
from aiecosim.model.scenario_io import read_toml

# The pessimistic side of each objective, unless a design names its own percentile: a policy
# is judged by its bad worlds (the 10th percentile of what it should raise, the 90th of what it
# should lower), not by its average world.
DEFAULT_PERCENTILE = {"maximize": 10.0, "minimize": 90.0}
LEVER_KEYS = frozenset({"min", "max", "values"})


class LeverRange(BaseModel):
    """One searched lever: a number anywhere in ``min``..``max``, or one of ``values``."""

    model_config = ConfigDict(extra="forbid", strict=True)

    min: float | None = Field(None, description="Lower end of a numeric lever's range.")
    max: float | None = Field(None, description="Upper end of a numeric lever's range.")
    values: list[Any] | None = Field(None, min_length=2, max_length=1000, description=(
        "The choices the search picks among (switches: [false, true])."))


class Objective(BaseModel):
    """One metric to optimise, scored over worlds by a percentile."""

    model_config = ConfigDict(extra="forbid", strict=True)

    direction: Literal["maximize", "minimize"] = Field(..., description="Raise or lower it.")
    percentile: float | None = Field(None, ge=0, le=100, description=(
        "The percentile over worlds a policy is scored by (default: 10 when maximising, 90 "
        "when minimising)."))
    epsilon: float = Field(..., gt=0, description=(
        "The resolution of the front in this metric's unit: policies closer than this are "
        "one point of it."))


class OptimizeDesign(BaseModel):
    """A validated optimisation design; see the module docstring for the layout."""

    model_config = ConfigDict(extra="forbid", strict=True)

    name: str = Field(..., min_length=1, max_length=120)
    description: str = Field("", max_length=4000)
    scenario: str = Field(..., min_length=1, description="Scenario file, relative to the design.")
    posterior: str = Field(..., min_length=1, description="Posterior file the worlds come from.")
    worlds: int = Field(..., ge=2, le=1000, description="Plausible worlds every policy runs in.")
    world_seed: int = Field(1, ge=0, le=2**31, description="Seed of the draw of worlds.")
    seed: int = Field(1, ge=0, le=2**31, description="Seed of the search's random choices.")
    nfe: int = Field(..., ge=2, le=1_000_000, description="Candidate policies evaluated.")
    population: int = Field(..., ge=2, le=10_000, description="Policies per generation.")
    months: int | None = Field(None, ge=1, le=600, description="Months simulated.")
    summary_months: int = Field(12, ge=1, le=600, description=(
        "A run's value of a metric is its mean over the last this many months."))
    set: dict[str, Any] = Field(default_factory=dict, description="Overrides for every run.")
    levers: dict[str, LeverRange] = Field(..., min_length=1, description="Levers searched.")
    objectives: dict[str, Objective] = Field(..., min_length=2, description=(
        "Metrics of the front, each with its direction, percentile and epsilon."))

    def quick(self) -> "OptimizeDesign":
        """A small version for smoke tests: 3 worlds, 24 months, 48 policies of 12 a
        generation."""
        return self.model_copy(update={"worlds": min(self.worlds, 3), "months": 24,
                                       "nfe": min(self.nfe, 48),
                                       "population": min(self.population, 12)})


# --------------------------------------------------------------------------------- levers
@dataclass(frozen=True)
class Lever:
    """A searched lever as the search sees it: a number in ``low..high`` (``kind`` float or
    int), or an index into ``values`` (``kind`` choice)."""

    key: str
    kind: str
    low: float | None = None
    high: float | None = None
    values: tuple[Any, ...] | None = None

    def parameter(self):
        """The EMA decision variable. A choice is an integer index into its values: EMA 3.0's
        categorical levers cannot be decoded next to real ones on the way into platypus."""
        from ema_workbench import IntegerParameter, RealParameter

        if self.kind == "float":
            return RealParameter(self.key, self.low, self.high)
        if self.kind == "int":
            return IntegerParameter(self.key, int(self.low), int(self.high))
        return IntegerParameter(self.key, 0, len(self.values) - 1)

    def value(self, decision: Any) -> Any:
        """The scenario value of a decision variable's value."""
        if self.kind == "choice":
            return self.values[int(decision)]
        return int(decision) if self.kind == "int" else float(decision)

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "kind": self.kind, "low": self.low, "high": self.high,
                "values": list(self.values) if self.values is not None else None}


@dataclass(frozen=True)
class Optimization:
    """A design ready to search: base scenario, levers, objectives and the fixed worlds."""

    design: OptimizeDesign
    source: str
    scenario: Scenario
    levers: tuple[Lever, ...]
    worlds: tuple[post.World, ...]
    posterior_file: Path
    posterior_digest: str

    def objectives(self) -> list[dict[str, Any]]:
        """Each objective with its percentile filled in and the name of its front column."""
        out = []
        for metric, o in self.design.objectives.items():
            q = o.percentile if o.percentile is not None else DEFAULT_PERCENTILE[o.direction]
            out.append({"metric": metric, "direction": o.direction, "percentile": q,
                        "epsilon": o.epsilon, "column": f"{metric}_p{q:g}"})
        return out

    def world_scenario(self, world: int, policy: dict[str, Any]) -> Scenario:
        """World ``world`` with ``policy``'s lever values (the levers win over the world's)."""
        overrides = {**self.worlds[world].overrides, **policy}
        return self.scenario.with_overrides(overrides, source=f"world {world}")


# --------------------------------------------------------------------------------- loading
def load_optimization(path: str | Path, quick: bool = False) -> Optimization:
    """Read and check an optimisation design and what it names; raise ``ScenarioError``.

    ``path`` may be the bare name of a shipped design (``experiments/designs/NAME.toml``)."""
    path = find_design(path)
    source = str(path)
    design = parse_optimize_design(read_toml(path), source)
    if quick:
        design = design.quick()
    scenario = base_scenario(design, path.parent, source)
    levers = tuple(_lever(scenario, key, r, source) for key, r in design.levers.items())
    # The design's own values, fixed or searched, win over a world's.
    worlds, file, digest = design_worlds(design, path.parent, source,
                                         set(design.set) | set(design.levers))
    return Optimization(design, source, scenario, levers, worlds, file, digest)


def parse_optimize_design(data: dict[str, Any], source: str) -> OptimizeDesign:
    """Validate the raw mapping of a design file; every problem is one ``ScenarioError``."""
    data = dict(data)
    if "method" in data or "vary" in data:  # the sweep's keys: the wrong command, not a typo
        raise ScenarioError(source, "method" if "method" in data else "vary",
                            "this is a sweep design; run it with `aiecosim sweep`")
    # TOML turns an unquoted dotted key into nested tables; both spellings mean the same key.
    if isinstance(data.get("levers"), dict):
        data["levers"] = keys.flatten(data["levers"], lambda _, t: bool(LEVER_KEYS & t.keys()),
                                      labs=False)
    if isinstance(data.get("set"), dict):
        data["set"] = keys.flatten(data["set"], labs=False)
    try:
        design = OptimizeDesign.model_validate(data)
    except ValidationError as exc:
        raise _one_line(exc, source) from None
    _check(design, source)
    return design


def _one_line(exc: ValidationError, source: str) -> ScenarioError:
    return validation_line(exc, source, OptimizeDesign,
                           {"levers": LeverRange, "objectives": Objective})


def _check(design: OptimizeDesign, source: str) -> None:
    """Checks across keys that pydantic's per-field validation cannot express."""
    for metric in design.objectives:
        if metric not in METRICS:
            raise ScenarioError(source, f"objectives.{metric}",
                                unknown_key_message(metric, list(METRICS)))
    allowed = policy_levers()
    for key, r in design.levers.items():
        where = f"levers.{key}"
        if key not in allowed:
            raise ScenarioError(source, where, unknown_key_message(key, list(allowed)) +
                                " (a search varies policy levers; other keys go in set)")
        if key in design.set:
            raise ScenarioError(source, where, "is also in set; search it or fix it, not both")
        if r.values is not None and (r.min is not None or r.max is not None):
            raise ScenarioError(source, where, "give either values or min and max, not both")
        if r.values is None and (r.min is None or r.max is None):
            raise ScenarioError(source, where, "expected values, or min and max")
        if r.values is None and not (math.isfinite(r.min) and math.isfinite(r.max)
                                     and r.min < r.max):
            raise ScenarioError(source, where, f"expected min < max, found min {r.min}, "
                                f"max {r.max}")
    if design.population > design.nfe:
        raise ScenarioError(source, "nfe", f"expected at least one generation of population "
                            f"({design.population}) policies, found {design.nfe}")


def _lever(scenario: Scenario, key: str, r: LeverRange, source: str) -> Lever:
    """Check one lever's values or range ends against the schema; find its kind."""
    ends = {"values": r.values} if r.values is not None else {"min": [r.min], "max": [r.max]}
    for field, candidates in ends.items():
        for value in candidates:
            try:
                scenario.with_overrides({key: value}, source=source)
            except ScenarioError as exc:
                raise ScenarioError(source, f"levers.{key}.{field}", exc.problem) from None
    if r.values is not None:
        if len(set(map(repr, r.values))) < len(r.values):
            raise ScenarioError(source, f"levers.{key}.values", "expected distinct values")
        return Lever(key, "choice", values=tuple(r.values))
    current = keys.get(scenario.to_dict(), key)
    if isinstance(current, bool) or not isinstance(current, (int, float)):
        raise ScenarioError(source, f"levers.{key}", f"takes {type(current).__name__} values, "
                            "not a numeric range; list them with values = [...]")
    if isinstance(current, int):
        if not (float(r.min).is_integer() and float(r.max).is_integer()):
            raise ScenarioError(source, f"levers.{key}", "an integer lever needs whole min "
                                f"and max, found {r.min} and {r.max}")
        return Lever(key, "int", r.min, r.max)
    return Lever(key, "float", r.min, r.max)
