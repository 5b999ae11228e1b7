"""Sensitivity over every prior, in two stages: Morris screening finds the assumptions that move
an output at all; moment-independent (delta) indices from a Latin hypercube over every prior then
rank the leaders, with bootstrap intervals and their convergence as the sample grows.

Outputs are compared on a signed log scale, sign(y) log(1 + |y|): innovation and harm span
orders of magnitude across the priors, and on their own scale a few extreme worlds would carry
every elementary effect, and a heavy tail blurs delta's kernel-density estimate. Morris' mu*
and S1 are in the units of that scale, which is why it is stated with them.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from aiecosim.experiments.analysis import Sweep, delta_indices, morris_indices, point_means
from aiecosim.experiments.findings.results import Results
from aiecosim.experiments.sampling import salib_problem

OUTPUTS = ("innovation", "hhi_provider", "misuse_harm", "welfare")
LEADERS_PER_OUTPUT = 3  # the top of each output's screening joins the delta stage
SIZES = (128, 256, 512, 1024)  # the convergence plot's sample sizes (the full sample last)
DUMMY = "a dummy input (noise floor)"  # uniform noise no run reads: delta's floor at this size


def signed_log(y: np.ndarray) -> np.ndarray:
    """sign(y) log(1 + |y|): monotone, defined at zero and for negative welfare."""
    return np.sign(y) * np.log1p(np.abs(y))


def _outputs(sweep: Sweep, metric: str) -> np.ndarray:
    means = point_means(sweep, [metric])
    if len(means) < len(sweep.points):
        raise ValueError(f"{len(sweep.points) - len(means)} of {len(sweep.points)} points of "
                         f"{sweep.manifest['name']} have no successful run")
    return signed_log(means[f"{metric}_mean"].to_numpy())


def screening(r: Results, metric: str) -> pl.DataFrame:
    """Morris indices of ``metric`` over every prior, largest mu* first; ``share`` is mu* over
    the sum of all mu*, the part of the output's elementary effects that a prior carries."""
    sweep = r.sweeps["screening"]
    design = sweep.manifest["design"]
    frame = morris_indices(salib_problem(sweep.variables), sweep.unit_matrix(),
                           _outputs(sweep, metric), levels=design["morris_levels"],
                           seed=design["sample_seed"])
    total = float(frame["mu_star"].sum()) or 1.0
    return (frame.with_columns((pl.col("mu_star") / total).alias("share"),
                               (pl.col("mu_star_conf") / total).alias("share_conf"))
            .sort("mu_star", descending=True))


def leaders(r: Results) -> list[str]:
    """The union of every output's top screened priors, in order of first appearance."""
    found: list[str] = []
    for metric in OUTPUTS:
        for key in screening(r, metric)["parameter"].head(LEADERS_PER_OUTPUT).to_list():
            if key not in found:
                found.append(key)
    return found


def deltas(r: Results, metric: str, keys: list[str], size: int | None = None) -> pl.DataFrame:
    """Delta indices of ``metric`` for ``keys`` and a dummy input from the first ``size``
    worlds of the prior Latin hypercube (all of them by default), largest first.

    The estimator is biased upwards at finite samples: an input no run reads still scores
    above zero. The dummy's row measures that floor, so an index near it means "no effect
    found", not a small effect.
    """
    sweep = r.sweeps["prior-worlds"]
    seed = sweep.manifest["design"]["sample_seed"]
    x, y = sweep.unit_matrix(), _outputs(sweep, metric)
    n = len(y) if size is None else min(size, len(y))
    names = [v.key for v in sweep.variables]
    columns = [names.index(k) for k in keys]
    dummy = np.random.default_rng(seed).uniform(size=(len(y), 1))
    problem = {"num_vars": len(keys) + 1, "names": [*keys, DUMMY],
               "bounds": [*salib_problem([sweep.variables[i] for i in columns])["bounds"], [0, 1]]}
    frame = delta_indices(problem, np.hstack([x[:, columns], dummy])[:n], y[:n], seed=seed)
    return frame.sort("delta", descending=True)


def above_floor(frame: pl.DataFrame) -> list[str]:
    """The parameters whose delta interval lies wholly above the dummy's."""
    dummy = frame.filter(pl.col("parameter") == DUMMY).row(0, named=True)
    floor = dummy["delta"] + dummy["delta_conf"]
    return frame.filter((pl.col("parameter") != DUMMY)
                        & (pl.col("delta") - pl.col("delta_conf") > floor))["parameter"].to_list()


def widest(frames: list[pl.DataFrame]) -> float:
    """The largest 95% half-width among the frames' indices (share, delta and S1)."""
    found = [float(f[c].max()) for f in frames for c in f.columns
             if c in ("share_conf", "delta_conf", "S1_conf")]
    return max(found) if found else float("nan")


def convergence(r: Results, metric: str, keys: list[str]) -> pl.DataFrame:
    """Delta of each key at growing sample sizes: ``size``, ``parameter``, ``delta``,
    ``delta_conf``. The sizes stop at the sample's own size."""
    total = len(r.sweeps["prior-worlds"].points)
    sizes = sorted({min(s, total) for s in SIZES} | {total})
    return pl.concat([deltas(r, metric, keys, s).with_columns(pl.lit(s).alias("size"))
                      for s in sizes if s >= 16])
