"""Read sweep results for the findings: per-seed means of a metric over a window of months."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import polars as pl

from aiecosim.experiments import stats
from aiecosim.experiments.analysis import Sweep
from aiecosim.experiments.stats import Estimate


@dataclass(frozen=True)
class PerSeed:
    """One value per seed, sorted by seed, with the seeds: what lets a difference pair runs."""

    values: np.ndarray
    seeds: np.ndarray


def estimate(values: PerSeed | np.ndarray) -> Estimate:
    """The mean over seeds with its 95% interval."""
    return stats.mean_interval(values.values if isinstance(values, PerSeed) else values)


def difference(a: PerSeed, b: PerSeed) -> Estimate:
    """b - a with its 95% interval, paired by seed when both ran the same seeds, else Welch's."""
    return stats.difference(b.values, a.values, b.seeds, a.seeds)


@dataclass
class Results:
    """The sweeps behind the findings, by name, with their monthly series loaded once."""

    sweeps: dict[str, Sweep]
    _series: dict[str, pl.DataFrame] = field(default_factory=dict)
    hindcast: list = field(default_factory=list)  # experiments.hindcast.Predicted, one per held-out observation

    def seeds(self, design: str) -> int:
        """How many seeds each point of ``design`` ran (as run: ``--small`` runs fewer)."""
        return len(self.sweeps[design].manifest["seeds"])

    def series(self, design: str) -> pl.DataFrame:
        if design not in self._series:
            sweep = self.sweeps[design]
            frame = sweep.series(sweep.outputs)
            labels = sweep.points.select("point", "label")
            self._series[design] = frame.join(labels, on="point")
        return self._series[design]

    def per_seed(self, design: str, label: str, metric: str,
                 months: tuple[int, int] | None = None) -> PerSeed:
        """Each seed's mean of ``metric`` over months ``first..last`` (1-based, inclusive)."""
        frame = self.series(design).filter(pl.col("label") == label)
        if months is not None:
            frame = frame.filter(pl.col("step").is_between(*months))
        if frame.is_empty():
            raise KeyError(f"{design}: no runs labelled {label!r} with {metric}")
        means = frame.group_by("seed").agg(pl.col(metric).mean()).sort("seed")
        return PerSeed(means[metric].to_numpy(), means["seed"].to_numpy())

    def in_world(self, world: int, copies: dict[str, str]) -> "Results":
        """These results as one plausible world saw them: each design named in ``copies`` is
        replaced by its copy over worlds (``{design: copy}``), cut to ``world``'s runs and
        labelled as the design labels its points, so every claim computes unchanged in it."""
        sweeps, series = dict(self.sweeps), dict(self._series)
        for design, copy in copies.items():
            sweep = self.sweeps[copy]
            points = sweep.points.filter(pl.col("world") == world).with_columns(_WITHOUT_WORLD)
            ids = points["point"].to_list()
            sweeps[design] = replace(sweep, points=points,
                                     runs=sweep.runs.filter(pl.col("point").is_in(ids)))
            series[design] = (self.series(copy).filter(pl.col("point").is_in(ids)).drop("label")
                              .join(points.select("point", "label"), on="point"))
        return Results(sweeps, series, self.hindcast)

    def runs(self, design: str, label: str, metric: str) -> list[np.ndarray]:
        """Each run's whole monthly series of ``metric``."""
        frame = self.series(design).filter(pl.col("label") == label).sort(["seed", "step"])
        return [part[metric].to_numpy() for part in frame.partition_by("seed", maintain_order=True)]


# A point's label without its world (``world=3, baseline`` is ``baseline``); a design with no
# levers of its own labels its one point ``all``, as ``points_frame`` does.
_BARE = pl.col("label").str.replace(r"^world=\d+(, )?", "")
_WITHOUT_WORLD = pl.when(_BARE == "").then(pl.lit("all")).otherwise(_BARE).alias("label")
