"""How the fused kernels are compiled: one decorator, so every compiled loop has the same rules.

``cache=True`` keeps the machine code next to the source (``__pycache__``), so a process
compiles a kernel only if no earlier process has; ``scripts/setup.sh`` runs
``python -m aiecosim.model.kernels.warm`` once, so a user's first run compiles nothing.
``fastmath`` stays off: float32 sums and products round exactly as numpy's do, which keeps a
seed's results identical to the numpy kernels they replace (``tests/test_fused_kernels.py``).
"""

from __future__ import annotations

import numba

fused = numba.njit(cache=True, nogil=True, fastmath=False, error_model="numpy")
