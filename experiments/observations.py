"""Observations as data: the files in ``calibration/`` and the model's value for each one.

An observation names a metric column, the months of a run it summarises and how (a mean, a
maximum, a sum, or the ratio of two windows' sums, as for growth), the observed value and an interval
for what the evidence allows. ``distance`` measures a run's miss from each observation in units
of the interval's half on the side it falls (so an asymmetric range counts as it reads), on a
log scale for ratios. The same functions serve calibration (the 2023 file) and the hindcast
(the held-out 2024-25 file), so both compare the model with the evidence in one way.
"""

from __future__ import annotations

import hashlib
import math
from importlib import resources
from pathlib import Path
from typing import Annotated, Literal

import polars as pl
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from aiecosim.model.errors import ScenarioError
from aiecosim.model.metrics import TABLE
from aiecosim.model.scenario_io import error_line, read_toml

CALIBRATION_FILE = "observations-2023.toml"
HINDCAST_FILE = "hindcast-2024-25.toml"
COLUMNS = [column.name for column in TABLE]


Pair = Annotated[list[float], Field(min_length=2, max_length=2)]
MonthPair = Annotated[list[int], Field(min_length=2, max_length=2)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)  # no bool or string where a number is meant


class Observation(Strict):
    """One observed quantity, the model column it compares with, and its uncertainty."""

    name: str = Field(min_length=1, max_length=80)
    quantity: str = Field(description="a column of the metric table")
    statistic: Literal["mean", "max", "sum", "ratio"]
    months: MonthPair = Field(description="first and last month, 1-based, inclusive")
    base_months: MonthPair | None = Field(None, description="the ratio's denominator")
    value: float
    interval: Pair
    source: str = Field(min_length=1)
    note: str = ""

    @model_validator(mode="after")
    def _consistent(self) -> "Observation":
        if self.quantity not in COLUMNS:
            raise ValueError(f"quantity {self.quantity!r} is not a metric column")
        for window in (self.months, self.base_months):
            if window is not None and not 1 <= window[0] <= window[1]:
                raise ValueError(f"months {list(window)} must be 1 <= first <= last")
        if (self.statistic == "ratio") != (self.base_months is not None):
            raise ValueError("base_months goes with statistic 'ratio', and only with it")
        low, high = self.interval
        if not low <= self.value <= high or low == high:
            raise ValueError(f"interval {list(self.interval)} must hold value {self.value} "
                             "and have width")
        if self.log_scale and low <= 0:
            raise ValueError("a ratio's interval must be above 0")
        return self

    @property
    def last_month(self) -> int:
        return max(self.months[1], self.base_months[1] if self.base_months else 0)

    @property
    def log_scale(self) -> bool:
        return self.statistic == "ratio"

    def model_value(self, frame: pl.DataFrame) -> float:
        """This observation's quantity in one run's metric frame (NaN where the run is short)."""
        if frame.height < self.last_month:
            return math.nan
        column = frame.get_column(self.quantity)
        window = column.slice(self.months[0] - 1, self.months[1] - self.months[0] + 1)
        if self.statistic == "mean":
            return float(window.mean())
        if self.statistic == "max":
            return float(window.max())
        if self.statistic == "sum":
            return float(window.sum())
        first, last = self.base_months
        base = float(column.slice(first - 1, last - first + 1).sum())
        return float(window.sum()) / base if base > 0 else math.inf

    def miss(self, model_value: float) -> float:
        """Signed miss in units of the interval's half on the side ``model_value`` falls."""
        scale = math.log if self.log_scale else float
        if self.log_scale and not model_value > 0:
            return -math.inf if model_value == 0 else math.nan
        value, low, high = scale(self.value), scale(self.interval[0]), scale(self.interval[1])
        here = scale(model_value)
        half = (high - value) if here >= value else (value - low)
        return (here - value) / (half if half > 0 else (high - low) / 2)

    def covers(self, model_value: float) -> bool:
        return self.interval[0] <= model_value <= self.interval[1]


class NotCompared(Strict):
    """An observation the model cannot be compared with, and why (reported, not dropped)."""

    name: str = Field(min_length=1)
    observation: str = Field(min_length=1)
    reason: str = Field(min_length=1)


class Observations(Strict):
    role: Literal["calibration", "hindcast"]
    period: str = Field(min_length=1)
    observation: list[Observation] = Field(min_length=1)
    not_compared: list[NotCompared] = []

    @model_validator(mode="after")
    def _unique(self) -> "Observations":
        names = [each.name for each in self.observation]
        repeated = sorted({name for name in names if names.count(name) > 1})
        if repeated:
            raise ValueError(f"observation names must be unique; repeated: {repeated}")
        return self

    @property
    def months_needed(self) -> int:
        return max(each.last_month for each in self.observation)

    def model_values(self, frame: pl.DataFrame) -> dict[str, float]:
        return {each.name: each.model_value(frame) for each in self.observation}

    def distance(self, values: dict[str, float]) -> float:
        """Root mean square of the misses: 1 means a run sits at the intervals' edges on
        average; a missing or undefined value is infinitely far."""
        misses = [each.miss(values.get(each.name, math.nan)) for each in self.observation]
        if any(math.isnan(m) or math.isinf(m) for m in misses):
            return math.inf
        return math.sqrt(sum(m * m for m in misses) / len(misses))


def shipped(name: str) -> Path:
    """The path of an observations file shipped in ``calibration/``."""
    return Path(str(resources.files("aiecosim.calibration").joinpath(name)))


def load(path: str | Path) -> Observations:
    """Read and check an observations file; any problem is one ``ScenarioError`` line."""
    path = Path(path)
    data = read_toml(path)
    try:
        return Observations.model_validate(data)
    except ValidationError as exc:
        raise error_line(exc, data, str(path), Observations) from None


def file_digest(path: str | Path) -> str:
    """SHA-256 of an observations file's bytes, for a posterior's provenance."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()
