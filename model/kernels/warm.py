"""Compile every fused kernel once, so no user's run pays for it.

    python -m aiecosim.model.kernels.warm     # run by scripts/setup.sh; prints the seconds

Kernels are compiled for the argument types a model passes them, so the warm-up runs real
models for two months (the first month has its own path): the shipped baseline, and a small
per-agent reference, whose one-firm choices pass float64 arrays. One and two jurisdictions, and
public compute or none, pass the same types. ``numba``'s cache (``cache=True``, see
``kernels.compiled``) keeps the result for every later process; a second warm-up finds it and
compiles nothing.
"""

from __future__ import annotations

import time

WARM_MONTHS = 2


def warm() -> float:
    """Build and step the warm-up models; returns the seconds it took."""
    from aiecosim.model.ecosystem import EcosystemModel
    from aiecosim.model.reference.ecosystem import ReferenceEcosystemModel
    from aiecosim.model.scenario import Scenario

    start = time.perf_counter()
    baseline = Scenario.baseline().with_overrides({"steps": WARM_MONTHS})
    small = baseline.with_overrides({"populations.startups.segments": 1,
                                     "populations.academics.count": 10,
                                     "populations.bad_actors.count": 40})
    for engine, scenario in ((EcosystemModel, baseline), (ReferenceEcosystemModel, small)):
        model = engine(scenario, rng=0)
        for _ in range(WARM_MONTHS):
            model.step()
    return time.perf_counter() - start


if __name__ == "__main__":
    print(f"fused kernels ready in {warm():.2f} s")
