"""Experiment design files: which scenario, which levers to vary over which ranges, how to sample.

A design is a TOML file. ``load_experiment`` validates it like a scenario (unknown keys are
errors with a "did you mean") and checks every range against the scenario schema's bounds, so a
sweep never starts on a mistake. Problems are one ``ScenarioError`` line naming file and key.

```toml
name = "liability-x-subsidy"
scenario = "../../scenarios/baseline.toml"
method = "grid"                      # grid | lhs | sobol | morris
seeds = 4
outputs = ["innovation", "hhi", "misuse_harm"]

[set]                                # fixed overrides for every run
"policy.liability.bearer" = "developer"

[vary."policy.liability.strength"]   # a dotted scenario key
min = 0.0
max = 1.0
levels = 5                           # grid only; or: values = [0, 0.5, 1]
```
"""

from __future__ import annotations

import math
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from aiecosim.model import keys
from aiecosim.model.errors import ScenarioError, unknown_key_message
from aiecosim.model.metrics import METRICS, SUMMARY_METRICS
from aiecosim.model.schema_walk import field_names

RANGE_KEYS = frozenset({"values", "labels", "min", "max", "levels"})


class Range(BaseModel):
    """How one scenario key varies: listed ``values``, or ``min``/``max`` (with ``levels`` on a grid)."""

    model_config = ConfigDict(extra="forbid", strict=True)  # strict: levels = "5" is an error

    values: list[Any] | None = Field(None, min_length=1, max_length=10_000,
                                     description="The values a grid takes, in order.")
    labels: list[str] | None = Field(None, description="Names for the values, shown in reports.")
    min: float | None = Field(None, description="Lower end of a continuous range.")
    max: float | None = Field(None, description="Upper end of a continuous range.")
    levels: int | None = Field(None, ge=2, le=10_000,
                               description="Evenly spaced grid points from min to max.")


class Design(BaseModel):
    """A validated design file; see the module docstring for the layout."""

    # Strict, like the scenario schema: seeds = "3" or seeds = true is an error, not a 3 or a 1.
    model_config = ConfigDict(extra="forbid", strict=True)

    name: str = Field(..., min_length=1, max_length=120, description="Name of the design.")
    description: str = Field("", max_length=4000, description="The question it serves.")
    scenario: str = Field(..., min_length=1, description="Scenario file, relative to the design.")
    method: Literal["grid", "lhs", "sobol", "morris"] = Field(
        ..., description="grid: every combination; lhs: Latin hypercube; sobol: Saltelli "
        "sampling for Sobol indices; morris: elementary-effect trajectories.")
    vary: dict[str, Range] = Field(default_factory=dict,
                                   description="Dotted scenario keys and their ranges.")
    variants: dict[str, dict[str, Any]] = Field(
        default_factory=dict, description="Named bundles of overrides (grid only), e.g. a "
        "counterfactual; an empty bundle is the scenario as it is.")
    set: dict[str, Any] = Field(default_factory=dict, description="Overrides for every run.")
    seeds: int = Field(..., ge=1, le=100_000, description="Seeds per point.")
    first_seed: int = Field(1, ge=0, le=2**31, description="Seeds are first_seed, first_seed+1, ...")
    months: int | None = Field(None, ge=1, le=600, description="Months simulated (scenario's steps).")
    samples: int | None = Field(None, ge=1, le=1_000_000, description=(
        "lhs: points; sobol: base samples N (a power of two; N*(D+2) points); "
        "morris: trajectories (N*(D+1) points)."))
    morris_levels: int = Field(4, ge=2, le=100, description="Grid levels of Morris trajectories.")
    sample_seed: int = Field(0, ge=0, le=2**31, description="Seed of the sampler (lhs, sobol, morris).")
    outputs: list[str] = Field(default_factory=lambda: list(SUMMARY_METRICS), min_length=1,
                               description="Metrics kept in the results.")
    summary_months: int | None = Field(
        12, ge=1, le=600, description="The per-run summary averages the last this many months "
        "(all months if unset).")
    runs_per_task: int | None = Field(None, ge=1, le=10_000,
                                      description="Runs per Dask task (chosen automatically if unset).")
    posterior: str | None = Field(None, min_length=1, description=(
        "A posterior file (aiecosim calibrate), relative to the design: every point runs in "
        "each of `worlds` plausible worlds drawn from it by weight (grid only)."))
    worlds: int | None = Field(None, ge=1, le=10_000, description="Worlds drawn from the posterior.")
    world_seed: int = Field(1, ge=0, le=2**31, description="Seed of the draw of worlds.")
    priors: Literal["all", "assumptions"] | None = Field(None, description=(
        "Also vary every number with a prior (all) or only the assumptions, each over its "
        "prior's central 95% through the prior's quantiles (lhs, sobol, morris); a key in "
        "vary or set keeps its own range or value. `aiecosim scenario priors` lists them."))

    def quick(self) -> "Design":
        """A small version for smoke tests and CI: at most 3 values per lever, 2 seeds, 24 months."""
        vary = {key: _quick_range(r) for key, r in self.vary.items()}
        samples = {"lhs": min(self.samples or 8, 8), "sobol": 2, "morris": 2}.get(self.method)
        return self.model_copy(update={
            "vary": vary, "samples": samples, "seeds": min(self.seeds, 2),
            "months": min(self.months or 24, 24), "runs_per_task": None,
            "worlds": min(self.worlds, 3) if self.worlds else None,
        })


def _quick_range(r: Range) -> Range:
    if r.values is not None and len(r.values) > 3:
        keep = [0, len(r.values) // 2, len(r.values) - 1]
        labels = [r.labels[i] for i in keep] if r.labels else None
        return r.model_copy(update={"values": [r.values[i] for i in keep], "labels": labels})
    if r.levels is not None:
        return r.model_copy(update={"levels": min(r.levels, 3)})
    return r


# --------------------------------------------------------------------------------- parsing
def parse_design(data: dict[str, Any], source: str) -> Design:
    """Validate the raw mapping of a design file; every problem is one ``ScenarioError`` line."""
    # TOML turns an unquoted dotted key into nested tables; both spellings mean the same key.
    # Lab lists stay lists here: a design's ``labs = [...]`` replaces the labs whole.
    data = dict(data)
    if "objectives" in data and "method" not in data:  # a search's design, not a sweep's
        raise ScenarioError(source, "objectives", "this is a policy search design; run it "
                            "with `aiecosim optimize`")
    if isinstance(data.get("vary"), dict):
        data["vary"] = keys.flatten(data["vary"], _is_range, labs=False)
    if isinstance(data.get("set"), dict):
        data["set"] = keys.flatten(data["set"], labs=False)
    if isinstance(data.get("variants"), dict):
        data["variants"] = {name: keys.flatten(v, labs=False) if isinstance(v, dict) else v
                            for name, v in data["variants"].items()}
    try:
        design = Design.model_validate(data)
    except ValidationError as exc:
        raise _one_line(exc, source) from None
    check_consistency(design, source)
    return design


def _is_range(key: str, table: dict[str, Any]) -> bool:
    """A table of ``vary`` is a range once it holds a range's keys, not more nesting."""
    return bool(RANGE_KEYS & table.keys())


def _one_line(exc: ValidationError, source: str) -> ScenarioError:
    return validation_line(exc, source, Design, {"vary": Range})


def validation_line(exc: ValidationError, source: str, model, tables: dict) -> ScenarioError:
    """A design file's first validation error as one line naming its key. ``tables``: the
    model of each table of named entries (``vary``'s ranges), whose keys an unknown key in one
    of them is matched against."""
    err = exc.errors(include_url=False)[0]
    loc = [str(part) for part in err["loc"]]
    key = keys.join(*loc)
    if err["type"] == "extra_forbidden":
        table = tables.get(loc[0]) if len(loc) == 3 else None
        allowed = field_names(table or model)
        return ScenarioError(source, key, unknown_key_message(loc[-1], allowed))
    if err["type"] == "missing":
        return ScenarioError(source, key, "required key is missing")
    if err["type"] == "too_short":
        least = err.get("ctx", {}).get("min_length")
        return ScenarioError(source, key, f"expected at least {least} entries, found "
                             f"{err.get('ctx', {}).get('actual_length')}")
    message = err["msg"].removeprefix("Value error, ")
    if message.startswith("Input should be "):
        expected = message.removeprefix("Input should be ")
        return ScenarioError(source, key, f"expected {expected}, found {err.get('input')!r}")
    return ScenarioError(source, key, message)


def check_consistency(design: Design, source: str) -> None:
    """Checks across keys that pydantic's per-field validation cannot express."""
    continuous = design.method != "grid"
    if design.priors is not None and not continuous:
        raise ScenarioError(source, "priors", "priors are sampled; expected method = 'lhs', "
                            "'sobol' or 'morris'")
    if continuous and not design.vary and design.priors is None:
        raise ScenarioError(source, "vary", f"method {design.method!r} needs at least one range")
    if continuous and design.samples is None:
        raise ScenarioError(source, "samples", f"method {design.method!r} needs samples")
    if not continuous and design.samples is not None:
        raise ScenarioError(source, "samples", "a grid takes every combination; remove samples")
    if design.method == "sobol" and design.samples & (design.samples - 1):
        raise ScenarioError(source, "samples", "expected a power of two (Sobol' sequences are "
                            f"balanced only then), found {design.samples}")
    if design.variants and continuous:
        raise ScenarioError(source, "variants", "variants need method = 'grid'")
    if (design.posterior is None) != (design.worlds is None):
        given, missing = ("posterior", "worlds") if design.worlds is None else ("worlds", "posterior")
        raise ScenarioError(source, missing, f"{given} needs {missing} too")
    if design.posterior is not None and continuous:
        raise ScenarioError(source, "posterior", "plausible worlds need method = 'grid' (each "
                            "grid point runs in every world)")
    for metric in design.outputs:
        if metric not in METRICS:
            raise ScenarioError(source, "outputs", unknown_key_message(metric, list(METRICS)))
    for key, r in design.vary.items():
        _check_range(key, r, design.method, source)


def _check_range(key: str, r: Range, method: str, source: str) -> None:
    where = f"vary.{key}"
    bounded = r.min is not None or r.max is not None
    if r.values is not None and bounded:
        raise ScenarioError(source, where, "give either values or min and max, not both")
    if r.values is None and (r.min is None or r.max is None):
        missing = "min and max" if method != "grid" else "values, or min and max"
        raise ScenarioError(source, where, f"expected {missing}")
    if method != "grid" and r.values is not None:
        raise ScenarioError(source, f"{where}.values",
                            f"{method} samples a continuous range; expected min and max")
    if method != "grid" and r.levels is not None:
        raise ScenarioError(source, f"{where}.levels", f"levels are for grids; {method} uses samples")
    if r.values is None:
        if not (math.isfinite(r.min) and math.isfinite(r.max)) or r.min >= r.max:
            raise ScenarioError(source, where, f"expected min < max, found min {r.min}, max {r.max}")
        if method == "grid" and r.levels is None:
            raise ScenarioError(source, f"{where}.levels", "a grid over min..max needs levels")
    if r.labels is not None and (r.values is None or len(r.labels) != len(r.values)):
        raise ScenarioError(source, f"{where}.labels", "expected one label per value")
