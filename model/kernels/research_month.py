"""The academic groups' month as one compiled loop (mechanisms 8, 10, 12).

``kernels.research.research_output`` written out per group, in float32 and in the same order of
operations, so each group's output rounds exactly as the array version's.
"""

from __future__ import annotations

import numpy as np

from aiecosim.model.kernels.compiled import fused


@fused
def groups_output(productivity, compute_k, subsidy_by_place, place, is_safety, safety_access,
                  general_access, reference_compute_k, noise_u):
    """Each group's output this month: productivity × access × sqrt(compute / reference) ×
    (0.5 + noise), with its jurisdiction's public compute per group added to its budget and
    the access of its field (``safety_access`` or ``general_access``, float32)."""
    half = np.float32(0.5)
    reference = np.float32(reference_compute_k)
    out = np.empty(productivity.size, dtype=np.float32)
    for i in range(productivity.size):
        access = safety_access if is_safety[i] else general_access
        compute = (compute_k[i] + subsidy_by_place[place[i]]) / reference
        out[i] = productivity[i] * access * np.sqrt(compute) * (half + noise_u[i])
    return out
