"""A posterior file: the parameter sets calibration accepted, and worlds drawn from them.

The file is parquet, one row per particle: a column per dotted key, ``weight`` (summing to 1),
``distance`` (the run's miss from the observations) and ``seed`` (the run that was accepted),
with the calibration's provenance as JSON in the schema metadata (``run_record.KEY``). Every
consumer (``aiecosim run --posterior``, designs' ``posterior = ...``, the findings) draws worlds
through ``draw_worlds``, so a posterior means the same thing everywhere.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow.parquet as pq

from aiecosim.experiments.atomic import write_atomically
from aiecosim.experiments.run_record import KEY
from aiecosim.experiments.stats import world_interval
from aiecosim.model.errors import ScenarioError

BOOKKEEPING = ("particle", "weight", "distance", "seed")
SHIPPED = "posterior-2023.parquet"  # in calibration/, made by aiecosim calibrate baseline


@dataclass(frozen=True)
class World:
    """One plausible world: a particle's parameter values and a seed to run it with."""

    particle: int
    overrides: dict[str, float]
    seed: int


def write(path: Path, posterior: pl.DataFrame, info: dict) -> None:
    table = posterior.to_arrow()
    text = json.dumps(info, sort_keys=True, separators=(",", ":"))
    table = table.replace_schema_metadata({KEY: text})
    write_atomically(path, lambda tmp: pq.write_table(table, tmp))


def read(path: str | Path) -> tuple[pl.DataFrame, dict]:
    """The particles and the provenance; a file that is not a posterior is one line."""
    path = Path(path)
    if not path.is_file():
        raise ScenarioError("--posterior", str(path), "no such file (aiecosim calibrate writes one)")
    try:
        schema = pq.read_schema(path)
        info = json.loads((schema.metadata or {}).get(KEY.encode(), b"{}"))
        frame = pl.read_parquet(path)
    except (OSError, ValueError) as exc:
        raise ScenarioError("--posterior", str(path), f"cannot read a parquet file: {exc}") from None
    if info.get("kind") != "aiecosim posterior" or not set(BOOKKEEPING) <= set(frame.columns):
        raise ScenarioError("--posterior", str(path), "expected a posterior written by "
                            "aiecosim calibrate, found another parquet file")
    return frame, info


def keys(posterior: pl.DataFrame) -> list[str]:
    return [c for c in posterior.columns if c not in BOOKKEEPING]


def draw_worlds(posterior: pl.DataFrame, n: int, seed: int) -> list[World]:
    """``n`` worlds resampled by weight (systematic resampling, so a particle of weight w
    appears about n·w times), each with its own run seed; the same seed gives the same worlds."""
    if n < 1:
        return []
    rng = np.random.default_rng([seed, 0x5EED])
    weights = posterior.get_column("weight").to_numpy()
    edges = np.cumsum(weights / weights.sum())
    picks = np.searchsorted(edges, (rng.random() + np.arange(n)) / n, side="right")
    picks = np.minimum(picks, len(weights) - 1)
    rng.shuffle(picks)  # so the first k of n worlds are a fair draw too
    run_seeds = rng.integers(0, 2**31 - 1, size=n)
    columns = keys(posterior)
    rows = posterior.select(columns).rows()
    return [World(int(p), {k: float(v) for k, v in zip(columns, rows[p])}, int(s))
            for p, s in zip(picks, run_seeds)]


def intervals(posterior: pl.DataFrame, level: float = 0.9) -> pl.DataFrame:
    """Each parameter's weighted median and central interval over the particles."""
    weights = posterior.get_column("weight").to_numpy()
    out = []
    for key in keys(posterior):
        median, low, high = world_interval(posterior.get_column(key).to_numpy(), weights, level)
        out.append({"key": key, "median": median, "low": low, "high": high})
    return pl.DataFrame(out)


def effective_size(posterior: pl.DataFrame) -> float:
    """Kish's effective number of particles."""
    w = posterior.get_column("weight").to_numpy()
    return float(w.sum() ** 2 / (w * w).sum())
