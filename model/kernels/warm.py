"""Compile every fused kernel once, so no user's run pays for it.

    python -m aiecosim.model.kernels.warm     # run by scripts/setup.sh; prints the seconds

Kernels are compiled for the argument types a model passes them, so the warm-up runs real
models for two months (the first month has its own path): the shipped baseline, with two
jurisdictions and public compute off, and a one-jurisdiction world with public compute on.
``numba``'s cache (``cache=True``, see ``kernels.compiled``) keeps the result for every later
process; a second warm-up finds it and compiles nothing.
"""

from __future__ import annotations

import time

WARM_MONTHS = 2


def warm() -> float:
    """Build and step the warm-up models; returns the seconds it took."""
    from aiecosim.model.ecosystem import EcosystemModel
    from aiecosim.model.scenario import Scenario

    start = time.perf_counter()
    baseline = Scenario.baseline().with_overrides({"steps": WARM_MONTHS})
    data = baseline.model_dump()
    data["jurisdictions"] = data["jurisdictions"][:1]
    home = data["jurisdictions"][0]
    home["population_share"] = 1.0
    home["policy"]["compute_subsidy"]["budget_usd_bn"] = 0.43
    for lab in data["labs"]:
        lab["jurisdiction"] = home["name"]
    one_place = Scenario.model_validate(data)
    for scenario in (baseline, one_place):
        model = EcosystemModel(scenario, rng=0)
        for _ in range(WARM_MONTHS):
            model.step()
    return time.perf_counter() - start


if __name__ == "__main__":
    print(f"fused kernels ready in {warm():.2f} s")
