"""Ecosystem-level state: technology, the frontier, open capability and defence.

The world holds what no single agent owns: compute prices, algorithmic efficiency, the frontier
and its history, the best open-weight capability (which never falls), and defensive capacity.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from aiecosim.model.kernels.defense import defender_access, defense_step
from aiecosim.model.kernels.diffusion import derivative_boost, open_lag_months
from aiecosim.model.kernels.frontier import algorithmic_progress, monthly_growth
from aiecosim.model.kernels.misuse import marginal_uplift
from aiecosim.model.kernels.research import access_depth
from aiecosim.model.scenario import Scenario


@dataclass
class World:
    scenario: Scenario
    month: int = 0
    flop_per_usd: float = 0.0
    run_cost_multiplier: float = 1.0
    algorithmic_log10: float = 0.0
    frontier: float = -np.inf
    frontier_history: np.ndarray = field(default_factory=lambda: np.zeros(0))
    reference_capability: float = 0.0
    pre_start_growth: float = 0.0
    open_base: float = -np.inf  # best public base model (released or leaked)
    open_origin: int = -1  # index of the lab whose weights those are (-1: released before the run)
    open_licensed: bool = False
    # Every public base by origin (index = lab; the last entry holds releases before the run):
    # its best capability and whether its licence restricts use. Startups choose among them.
    public_capability: np.ndarray = field(default_factory=lambda: np.zeros(0))
    public_licensed: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    boost: float = 0.0  # what derivatives add to the best open base
    open_capability: float = -np.inf  # best public capability; never falls
    open_lag: float = 0.0
    defense: float = 1.0
    academic_output_start: float = 0.0
    research_boost: float = 0.0

    @classmethod
    def start(cls, scenario: Scenario) -> "World":
        tech = scenario.technology
        public = np.full(len(scenario.labs) + 1, -np.inf)
        public[-1] = scenario.diffusion.initial_open_capability
        return cls(
            scenario=scenario,
            flop_per_usd=tech.flop_per_usd,
            frontier_history=np.full(scenario.steps + 1, np.nan),
            pre_start_growth=monthly_growth(
                tech.training_cost_growth, tech.flop_per_usd_growth, tech.algorithmic_halving_months
            ),
            defense=scenario.defense.initial,
            open_base=scenario.diffusion.initial_open_capability,
            open_capability=scenario.diffusion.initial_open_capability,
            public_capability=public,
            public_licensed=np.zeros(public.size, dtype=bool),
        )

    # -------------------------------------------------------------------------- technology
    def advance_technology(self, month: int) -> None:
        """Compute gets cheaper, runs get costlier, algorithms improve (Epoch AI; Ho et al.)."""
        tech = self.scenario.technology
        self.month = month
        self.flop_per_usd *= tech.flop_per_usd_growth ** (1 / 12)
        self.run_cost_multiplier *= tech.training_cost_growth ** (1 / 12)
        self.algorithmic_log10 += algorithmic_progress(
            tech.algorithmic_halving_months, tech.research_spillover * self.research_boost
        )

    def note_models(self, capabilities: np.ndarray) -> None:
        """Raise the frontier to the best model in existence."""
        if capabilities.size:
            self.frontier = max(self.frontier, float(capabilities.max()))

    def begin(self, capabilities: np.ndarray) -> None:
        """Record the frontier before month 1; it anchors reachable users and the lag."""
        self.note_models(capabilities)
        self.reference_capability = self.frontier
        self.frontier_history[0] = self.frontier

    # --------------------------------------------------------------------------- diffusion
    def publish(self, capability: float, lab_index: int, licensed: bool) -> None:
        """Weights became public (released or leaked): they can never be recalled."""
        if capability > self.public_capability[lab_index]:
            self.public_capability[lab_index] = capability
            self.public_licensed[lab_index] = licensed
        if capability > self.open_base:
            self.open_base, self.open_origin, self.open_licensed = capability, lab_index, licensed
            self.boost = 0.0  # derivatives of the new base start afresh

    def diffuse(self, community: float) -> None:
        """Derivatives improve on the best open base; open capability and its lag follow."""
        diff = self.scenario.diffusion
        self.boost = derivative_boost(
            self.boost, diff.derivative_boost_max, diff.derivative_rate, community
        )
        self.open_capability = max(self.open_capability, self.open_base + self.boost)
        self.frontier = max(self.frontier, self.open_capability)  # derivatives are models too
        self.frontier_history[self.month] = self.frontier
        self.open_lag = open_lag_months(
            self.frontier_history[: self.month + 1], self.open_capability, self.pre_start_growth,
        )

    def public_quality(self) -> np.ndarray:
        """Capability of each public base by origin, with derivatives added to the best one."""
        quality = self.public_capability.copy()
        quality[self.open_origin] = max(quality[self.open_origin], self.open_base + self.boost)
        return quality

    @property
    def open_depth(self) -> float:
        return access_depth(self.open_capability, self.frontier)

    # ----------------------------------------------------------------------------- defence
    def update_defense(self, safety_research: float, best_accessible: float) -> None:
        """Defence depreciates and grows with safety research and, in the form the scenario
        names (``defense.form``), with defenders' use of the best model they can reach."""
        d, m = self.scenario.defense, self.scenario.misuse
        uplift = float(marginal_uplift(float(best_accessible), m.harm_threshold, m.uplift_scale,
                                       m.uplift_exponent))
        access = defender_access(d.form, uplift, d.open_access_bonus, self.open_depth)
        self.defense = defense_step(self.defense, d.decay, safety_research, d.research_weight,
                                    access, d.access_weight)
