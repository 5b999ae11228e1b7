"""Academics: a vectorized population whose research needs model access and compute."""

from __future__ import annotations

import mesa
import numpy as np

from aiecosim.model.kernels.places import draw_places
from aiecosim.model.kernels.research_month import groups_output

F32 = np.float32
# Output is reported per thousand groups' worth of typical output (a unit, not a behaviour).
GROUPS_PER_OUTPUT_UNIT = 1000.0


class AcademicPopulation(mesa.Agent):
    """All academic groups as arrays: compute budget, field (safety or not), productivity."""

    def __init__(self, model: mesa.Model) -> None:
        super().__init__(model)
        p = model.scenario.populations.academics
        self.params = p
        rng = model.rng
        n = p.count
        draws = rng.standard_normal((2, n))
        # Lognormal productivity with mean 1; compute budgets spread an order of magnitude.
        self.productivity = np.exp(0.5 * draws[0] - 0.125).astype(F32)
        self.compute_k = (p.compute_usd_k * np.exp(draws[1])).astype(F32)
        self.is_safety = rng.random(n) < p.safety_share
        shares = model.scenario.population_shares()
        self.place = draw_places(rng, shares, n)  # where each group is
        self.groups_by_place = np.bincount(self.place, minlength=len(shares))
        self.own_compute_usd = float(self.compute_k.sum(dtype=np.float64)) * 1e3
        self.output = 0.0
        self.full_access_output_start = 0.0  # month 1's output had every group full access
        self.safety_output = 0.0
        self.public_compute_usd_bn = 0.0

    def step(self) -> None:
        """Do a month's research with the access the ecosystem allows and the compute at hand."""
        p, model = self.params, self.model
        access, world = model.access, model.world
        any_model = access.open_available or np.isfinite(access.api_capability).any()
        depth = world.open_depth
        safety_access = p.api_access_factor + (1.0 - p.api_access_factor) * depth
        general_access = p.general_api_access + (1.0 - p.general_api_access) * depth
        if not any_model:
            safety_access = general_access = 0.0
        noise = model.rng.random(self.compute_k.size, dtype=F32)
        output = groups_output(self.productivity, self.compute_k, self.subsidy_by_place(),
                               self.place, self.is_safety, F32(safety_access),
                               F32(general_access), p.compute_usd_k, noise)
        self.output = float(output.sum(dtype=np.float64)) / GROUPS_PER_OUTPUT_UNIT
        if model.steps == 1:  # the unit of the spill-over: what these groups could do in 2023
            full = groups_output(self.productivity, self.compute_k, self.subsidy_by_place(),
                                 self.place, self.is_safety, F32(1.0), F32(1.0),
                                 p.compute_usd_k, noise)
            self.full_access_output_start = (float(full.sum(dtype=np.float64))
                                             / GROUPS_PER_OUTPUT_UNIT)
        self.safety_output = (float(output[self.is_safety].sum(dtype=np.float64))
                              / GROUPS_PER_OUTPUT_UNIT)
        self.public_compute_usd_bn = self.public_pool_k() / 1e6

    def pools_k(self) -> np.ndarray:
        """Each jurisdiction's public compute for academics, USD k a month (index = place)."""
        return np.array([regulator.academic_pool_k for regulator in self.model.regulators])

    def public_pool_k(self) -> float:
        """Public compute in use: a jurisdiction's pool goes to its own groups only."""
        # Plain Python over a handful of jurisdictions, in order (numpy's overhead dominates).
        return float(sum(regulator.academic_pool_k for regulator, groups
                         in zip(self.model.regulators, self.groups_by_place) if groups > 0))

    def subsidy_by_place(self) -> np.ndarray:
        """Public compute per group (USD k a month, index = place): its jurisdiction's pool,
        shared equally among that jurisdiction's groups."""
        return (self.pools_k() / np.maximum(self.groups_by_place, 1)).astype(F32)

    def compute_spend_usd(self) -> float:
        """Monthly compute all groups buy, their own budgets plus public compute."""
        return self.own_compute_usd + self.public_pool_k() * 1e3

    @property
    def value_usd_bn(self) -> float:
        return self.output * GROUPS_PER_OUTPUT_UNIT * self.params.value_per_output_usd_k / 1e6
