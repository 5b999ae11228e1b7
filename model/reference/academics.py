"""Academics the plain Mesa way: one ``mesa.Agent`` per research group, stepped in random order.

The rules are those of ``model.agents.academics`` (``research_output``, called with one group's
scalars; the vectorized population runs it fused, ``kernels.research_month``). The access every group has this month is computed once by the cohort.
"""

from __future__ import annotations

import math

import mesa
import numpy as np

from aiecosim.model.agents.academics import GROUPS_PER_OUTPUT_UNIT
from aiecosim.model.kernels.places import draw_places
from aiecosim.model.kernels.research import research_output


class ResearchGroup(mesa.Agent):
    """One academic group: productivity, its own compute budget, safety field or not."""

    def __init__(self, model: mesa.Model, cohort: "AcademicCohort") -> None:
        super().__init__(model)
        p = cohort.params
        self.cohort = cohort
        z_productivity, z_compute = model.rng.standard_normal(2)
        # Lognormal productivity with mean 1; compute budgets spread an order of magnitude.
        self.productivity = math.exp(0.5 * z_productivity - 0.125)
        self.compute_k = p.compute_usd_k * math.exp(z_compute)
        self.is_safety = model.rng.random() < p.safety_share
        self.place = int(draw_places(model.rng, model.scenario.population_shares(), 1)[0])

    def step(self) -> None:
        """A month's research with this month's access and compute; report it to the cohort."""
        c = self.cohort
        access = c.safety_access if self.is_safety else c.general_access
        noise = self.model.rng.random()
        output = float(research_output(self.productivity, self.compute_k,
                                       c.subsidy_k[self.place], access,
                                       c.params.compute_usd_k, noise))
        c.output += output / GROUPS_PER_OUTPUT_UNIT
        if self.model.steps == 1:  # the spill-over's unit: this month's output at full access
            c.full_access_output_start += float(research_output(
                self.productivity, self.compute_k, c.subsidy_k[self.place], 1.0,
                c.params.compute_usd_k, noise)) / GROUPS_PER_OUTPUT_UNIT
        if self.is_safety:
            c.safety_output += output / GROUPS_PER_OUTPUT_UNIT


class AcademicCohort:
    """The model's view of the per-agent academics: this month's access and its totals.

    Exposes what ``EcosystemModel`` and ``model.metrics`` read from ``AcademicPopulation``.
    """

    def __init__(self, model: mesa.Model) -> None:
        self.model = model
        self.params = model.scenario.populations.academics
        for _ in range(self.params.count):
            ResearchGroup(model, self)
        self.own_compute_k = sum(group.compute_k for group in self.groups)  # budgets are fixed
        self.groups_by_place = np.bincount([group.place for group in self.groups],
                                           minlength=len(model.scenario.jurisdictions))
        self.output = self.safety_output = self.public_compute_usd_bn = 0.0
        self.full_access_output_start = 0.0

    @property
    def groups(self) -> "mesa.agentset.AgentSet":
        return self.model.agents_by_type[ResearchGroup]

    def step(self) -> None:
        """Set this month's access and subsidy, let every group work in random order."""
        p, model = self.params, self.model
        access, world = model.access, model.world
        any_model = access.open_available or np.isfinite(access.api_capability).any()
        depth = world.open_depth
        self.safety_access = p.api_access_factor + (1.0 - p.api_access_factor) * depth
        self.general_access = p.general_api_access + (1.0 - p.general_api_access) * depth
        if not any_model:
            self.safety_access = self.general_access = 0.0
        # A jurisdiction's public compute is shared equally by its own groups.
        self.subsidy_k = self.pools_k() / np.maximum(self.groups_by_place, 1)
        self.output = self.safety_output = 0.0
        self.groups.shuffle_do("step")
        self.public_compute_usd_bn = self.public_pool_k() / 1e6

    def pools_k(self) -> np.ndarray:
        return np.array([regulator.academic_pool_k for regulator in self.model.regulators])

    def public_pool_k(self) -> float:
        return float(np.sum(self.pools_k(), where=self.groups_by_place > 0))

    def compute_spend_usd(self) -> float:
        """Monthly compute all groups buy, their own budgets plus public compute."""
        return self.own_compute_k * 1e3 + self.public_pool_k() * 1e3

    @property
    def value_usd_bn(self) -> float:
        return self.output * GROUPS_PER_OUTPUT_UNIT * self.params.value_per_output_usd_k / 1e6
