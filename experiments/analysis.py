"""Analysis of a sweep folder: means with bands over seeds, phase grids, Sobol, Morris and
moment-independent (delta) indices, and comparisons of two sets of runs (two points, two designs or two scenarios).

Everything takes and returns polars frames; reports and notebooks call the same functions.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from aiecosim.experiments.experiment import Variable
from aiecosim.experiments.design import Design
from aiecosim.experiments.sampling import salib_problem, sample_matrix
from aiecosim.experiments.stats import difference, mean_interval, seed_bands
from aiecosim.experiments.store import SweepStore

MAX_LEVELS = 12   # a lever with more distinct values than this is binned in a phase diagram
PHASE_BINS = 6  # 6 x 6 cells: a few hundred sampled points give several per cell
MARGINAL_BINS = 8  # bins of equal counts along one sampled lever
MAX_LINES = 6  # more points than this and a time series pools them into one band


@dataclass(frozen=True)
class Sweep:
    """A sweep folder read back: its manifest, points and per-run summaries."""

    store: SweepStore
    manifest: dict[str, Any]
    points: pl.DataFrame
    runs: pl.DataFrame

    @property
    def variables(self) -> list[Variable]:
        return [Variable.from_dict(v) for v in self.manifest["variables"]]

    @property
    def outputs(self) -> list[str]:
        return list(self.manifest["outputs"])

    @property
    def ok_runs(self) -> pl.DataFrame:
        return self.runs.filter(pl.col("status") == "ok") if len(self.runs) else self.runs

    def unit_matrix(self) -> np.ndarray:
        """The sampler's matrix (one row per point, in point order) of a sampled design: the
        levers' values before casting, so a prior's column holds its quantiles."""
        return sample_matrix(Design.model_validate(self.manifest["design"]), self.variables)

    def series(self, metrics: list[str]) -> pl.DataFrame:
        return self.store.series(["run", "point", "seed", "step", *metrics])

    @property
    def metrics(self) -> list[str]:
        """Every metric this folder can summarise: the outputs, and each stored series
        (sweeps store every metric's series; folders from before kept only the outputs)."""
        stored = [c for c in self.store.series_columns() if c not in ("run", "point", "seed", "step")]
        return list(dict.fromkeys([*self.outputs, *stored]))

    def with_metrics(self, metrics: list[str]) -> "Sweep":
        """This sweep with per-run summaries of ``metrics`` that are not outputs, computed from
        the stored series as a run's outputs are (the mean over the design's last
        ``summary_months``, or every month), so a new output needs no rerun."""
        extra = [m for m in metrics if m not in self.runs.columns and m in self.metrics]
        if not extra or not len(self.runs):
            return self
        window = self.manifest.get("summary_months")
        series = self.series(extra)
        if window:
            last = series.group_by("run").agg(pl.col("step").max().alias("_last"))
            series = series.join(last, on="run").filter(pl.col("step") > pl.col("_last") - window)
        means = series.group_by("run").agg(pl.col(extra).mean())
        return replace(self, runs=self.runs.join(means, on="run", how="left"),
                       manifest={**self.manifest, "outputs": [*self.outputs, *extra]})


def load_sweep(root: str | Path) -> Sweep:
    store = SweepStore(root)
    manifest = store.manifest()
    return Sweep(store, manifest, store.points(), store.runs())


# ------------------------------------------------------------------------- means and bands
def point_means(sweep: Sweep, metrics: list[str]) -> pl.DataFrame:
    """One row per point with at least one successful run: levers and ``{m}_mean/_lo/_hi``."""
    bands = seed_bands(sweep.ok_runs, metrics, by=("point",))
    return sweep.points.join(bands, on="point", how="inner").sort("point")


def time_bands(sweep: Sweep, metrics: list[str],
               max_lines: int = MAX_LINES) -> dict[str, pl.DataFrame]:
    """Monthly means and 95% bands over seeds: one frame per point when there are few points,
    else one frame over every run (label "all runs": its band is over points and seeds)."""
    series = sweep.series(metrics)
    if len(sweep.points) > max_lines:
        return {"all runs": seed_bands(series, metrics, by=("step",))}
    bands = seed_bands(series, metrics, by=("point", "step"))
    labels = dict(sweep.points.select("point", "label").iter_rows())
    return {labels[p]: bands.filter(pl.col("point") == p)
            for p in sorted(bands["point"].unique().to_list())}


def marginal_means(means: pl.DataFrame, lever: str, metric: str,
                   bins: int = MARGINAL_BINS) -> pl.DataFrame:
    """How ``metric`` moves along one sampled lever, the others averaged over their samples.

    Points (one row each, ``{metric}_mean`` over its seeds) are cut into ``bins`` groups of
    equal counts by the lever's value, so no group is empty; each gives the lever's mean in it
    (``x``), the metric's mean over its points and a 95% t interval over them (``mean``,
    ``lo``, ``hi``), and its number of points ``n``. This is the marginal mean of the sample, not
    a fitted model's partial dependence: with levers sampled independently (LHS, Sobol,
    Morris) the two agree in expectation.
    """
    frame = means.select(pl.col(lever).cast(pl.Float64), pl.col(f"{metric}_mean")).drop_nulls()
    order = frame.sort(lever)
    groups = np.array_split(np.arange(order.height), min(bins, order.height))
    rows = []
    for index in groups:
        if not index.size:
            continue
        part = order[int(index[0]):int(index[-1]) + 1]
        estimate = mean_interval(part[f"{metric}_mean"].to_numpy())
        rows.append({"x": float(part[lever].mean()), "mean": estimate.mean, "lo": estimate.lo,
                     "hi": estimate.hi, "n": estimate.n})
    return pl.DataFrame(rows, schema={"x": pl.Float64, "mean": pl.Float64, "lo": pl.Float64,
                                      "hi": pl.Float64, "n": pl.Int64})


def phase_grid(means: pl.DataFrame, x: str, y: str, metric: str,
               bins: int = PHASE_BINS) -> pl.DataFrame:
    """Mean of ``{metric}_mean`` over (x, y): grid levels as they are, sampled levers binned,
    other levers averaged over."""
    value = f"{metric}_mean"
    frame = means.select(x, y, value)
    axes = []
    for col in (x, y):
        if frame[col].n_unique() > MAX_LEVELS:
            centres, all_centres = _bin_centres(frame[col], bins)
            frame = frame.with_columns(centres.alias(col))
            axes.append(pl.DataFrame({col: all_centres}))
        else:
            axes.append(frame.select(pl.col(col).unique()))
    cells = frame.group_by([x, y]).agg(pl.col(value).mean())
    # Every cell of the grid, empty ones as nulls, so the diagram's cells are evenly spaced.
    return axes[0].join(axes[1], how="cross").join(cells, on=[x, y], how="left").sort([x, y])


def _bin_centres(values: pl.Series, bins: int) -> tuple[pl.Series, list[float]]:
    """Each value's bin centre, and every bin's centre (equal-width bins over the range)."""
    lo, hi = float(values.min()), float(values.max())
    width = (hi - lo) / bins or 1.0
    index = ((values - lo) / width).floor().clip(0, bins - 1)
    return lo + (index + 0.5) * width, [lo + (i + 0.5) * width for i in range(bins)]


# ------------------------------------------------------------------------------ sensitivity
def sensitivity(sweep: Sweep, metric: str) -> pl.DataFrame:
    """Sobol or Morris indices of ``metric`` (the per-run summary averaged over seeds).

    Raises:
        ValueError: the design is not a Sobol or Morris design, or some point has no run.
    """
    design = sweep.manifest["design"]
    method = design["method"]
    if method not in ("sobol", "morris"):
        raise ValueError(f"sensitivity indices need a sobol or morris design, not {method}")
    means = point_means(sweep, [metric])
    if len(means) < len(sweep.points):
        raise ValueError(f"{len(sweep.points) - len(means)} of {len(sweep.points)} points have "
                         f"no successful run; {method} indices need every point")
    problem = salib_problem(sweep.variables)
    y = means[f"{metric}_mean"].to_numpy()
    if method == "sobol":
        return sobol_indices(problem, y, seed=design["sample_seed"])
    x = sweep.unit_matrix()
    return morris_indices(problem, x, y, levels=design["morris_levels"], seed=design["sample_seed"])


def sobol_indices(problem: dict[str, Any], y: np.ndarray, seed: int = 0) -> pl.DataFrame:
    """First-order (S1) and total (ST) Sobol indices with 95% confidence half-widths.

    The half-widths come from a bootstrap; its seed is ``seed + 1`` because SALib leaves the
    bootstrap unseeded when given 0, and the same sweep must give the same report.
    """
    from SALib.analyze import sobol

    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")  # a constant output gives 0/0; NaN indices say so
        found = sobol.analyze(problem, y, calc_second_order=False, seed=seed + 1)
    return pl.DataFrame({"parameter": problem["names"],
                         **{k: np.asarray(found[k], dtype=float)
                            for k in ("S1", "S1_conf", "ST", "ST_conf")}})


def morris_indices(problem: dict[str, Any], x: np.ndarray, y: np.ndarray, levels: int = 4,
                   seed: int = 0) -> pl.DataFrame:
    """Morris elementary effects: mu* (importance) with its 95% half-width, and sigma
    (interactions and non-linearity)."""
    from SALib.analyze import morris

    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        found = morris.analyze(problem, x, y, num_levels=levels, seed=seed)
    return pl.DataFrame({"parameter": problem["names"],
                         **{k: np.asarray(found[k], dtype=float)
                            for k in ("mu_star", "mu_star_conf", "sigma", "mu")}})


def delta_indices(problem: dict[str, Any], x: np.ndarray, y: np.ndarray, seed: int = 0,
                  resamples: int = 200) -> pl.DataFrame:
    """Borgonovo's moment-independent delta (how far fixing a parameter moves the whole
    distribution of ``y``, 0 to 1) with its 95% bootstrap half-width, from any sample of
    independent inputs (given data: a Latin hypercube serves), and the first-order Sobol index
    S1 from the same sample. Delta itself does not change under a monotone transformation of
    ``y``, but its kernel-density estimate does: a heavy tail blurs it, so log such outputs.
    """
    from SALib.analyze import delta

    with warnings.catch_warnings(), np.errstate(all="ignore"):
        # SALib resets the filters to show its binning notices, so they are dropped at display
        warnings.showwarning = lambda *args, **kwargs: None
        found = delta.analyze(problem, x, y, num_resamples=resamples, seed=seed + 1,
                              print_to_console=False, method="all")
    columns = {"delta": "delta_raw", "delta_conf": "delta_raw_conf", "S1": "S1", "S1_conf": "S1_conf"}
    return pl.DataFrame({"parameter": problem["names"],
                         **{ours: np.asarray(found[theirs], dtype=float)
                            for ours, theirs in columns.items()}})


# ------------------------------------------------------------------------------- comparing
def compare(a: pl.DataFrame, b: pl.DataFrame, metrics: list[str]) -> pl.DataFrame:
    """Mean of each metric in runs ``a`` and ``b`` and the difference b - a with its 95%
    interval; ``a`` and ``b`` are per-run summaries (two points, designs or scenarios).

    With a ``seed`` column on both and the same seeds on both sides the interval pairs runs by
    seed, else it is Welch's (see ``experiments.stats.difference``); ``kind`` says which.
    """
    rows = []
    for m in metrics:
        xa, sa = _values(a, m)
        xb, sb = _values(b, m)
        est = difference(xb, xa, sb, sa)
        rows.append({"metric": m, "mean_a": _mean(xa), "mean_b": _mean(xb), "difference": est.mean,
                     "diff_lo": est.lo, "diff_hi": est.hi, "runs_a": len(xa), "runs_b": len(xb),
                     "kind": est.kind})
    return pl.DataFrame(rows)


def _values(runs: pl.DataFrame, metric: str) -> tuple[np.ndarray, np.ndarray | None]:
    """The runs' values of ``metric`` that are numbers, with their seeds (None without seeds)."""
    kept = runs.filter(pl.col(metric).is_not_null() & pl.col(metric).is_not_nan())
    seeds = kept["seed"].to_numpy() if "seed" in kept.columns else None
    return kept[metric].to_numpy(), seeds


def _mean(x: np.ndarray) -> float:
    return float(x.mean()) if len(x) else math.nan
