"""The points of a design: a full grid, or SALib's Latin hypercube, Saltelli (Sobol) or Morris samples.

Points are generated in the driver from the design's ``sample_seed`` alone, so the same design
gives the same points on any machine and at every resume.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np

from aiecosim.experiments.design import Design


def salib_problem(variables) -> dict[str, Any]:
    """SALib's description of the numeric levers: names and bounds, in design order."""
    return {"num_vars": len(variables), "names": [v.key for v in variables],
            "bounds": [[v.low, v.high] for v in variables]}


def sample_matrix(design: Design, variables) -> np.ndarray:
    """SALib's sample for a continuous method: one row per point, one column per lever."""
    from SALib.sample import latin, morris, sobol

    problem = salib_problem(variables)
    n, seed = design.samples, design.sample_seed
    if design.method == "lhs":
        return latin.sample(problem, n, seed=seed)
    if design.method == "sobol":
        # First and total-order indices only: second order would need N*(2D+2) runs.
        return sobol.sample(problem, n, calc_second_order=False, seed=seed)
    return morris.sample(problem, n, num_levels=design.morris_levels, seed=seed)


def count_points(design: Design, variables) -> int:
    """How many points ``sample_points`` would give, by arithmetic alone, so that a design too
    big to run is refused before its points are built (a grid of 3 levers x 1,000 levels is
    10^9 dictionaries)."""
    if design.method == "grid":
        return math.prod(len(v.grid_values()) for v in variables)
    # Saltelli's first and total order: N*(D+2); Morris trajectories: N*(D+1); lhs: N.
    extra = {"lhs": 0, "sobol": len(variables) + 1, "morris": len(variables)}[design.method]
    return design.samples * (extra + 1)


def sample_points(design: Design, variables) -> list[dict[str, Any]]:
    """Every point as ``{key: value}``; a grid varies the first lever slowest."""
    if design.method == "grid":
        combos = itertools.product(*(v.grid_values() for v in variables))
        return [dict(zip((v.key for v in variables), combo)) for combo in combos]
    matrix = sample_matrix(design, variables)
    return [{v.key: v.cast(x) for v, x in zip(variables, row)} for row in matrix]
