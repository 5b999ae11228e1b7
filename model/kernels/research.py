"""Academic research: output from compute and model access (mechanisms 8, 10, 12)."""

from __future__ import annotations

import numpy as np


def access_depth(open_capability: float, frontier: float) -> float:
    """How much of frontier behaviour can be studied with open weights, 0–1.

    Open weights allow deep study (interpretability, red-teaming); the value decays as open
    models fall behind the frontier (one order of magnitude of compute → 1/e).
    """
    if not np.isfinite(open_capability):
        return 0.0
    return float(np.exp(-max(frontier - open_capability, 0.0)))


def research_output(productivity: np.ndarray, compute_k: np.ndarray, subsidy_k,
                    access: np.ndarray, reference_compute_k: float, noise_u: np.ndarray,
                    ) -> np.ndarray:
    """Monthly output of each group: productivity × access × sqrt(compute / reference).

    Output rises with compute with diminishing returns (elasticity 0.5, assumption); public
    compute adds to every group's budget (Besiroglu et al. 2024: academia is compute-bound).
    """
    compute = (compute_k + subsidy_k) / reference_compute_k
    return productivity * access * np.sqrt(compute) * (0.5 + noise_u)
