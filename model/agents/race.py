"""Each month's safety efforts: the race game (kernels.race) played with the labs' state.

Every lab chooses at the start of the month from what it sees then: rivals' raw capabilities
(exactly, or through noise when information is private), its liability bills, its accidents,
and the public compute its jurisdiction pays for its safety work.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from aiecosim.model.kernels.policy import safety_cover
from aiecosim.model.kernels.race import (
    extra_care,
    own_safety,
    race_constraint,
    race_safety,
    safety_cost,
)


@dataclass(frozen=True)
class SafetyChoice:
    """What each lab (index = lab) chose this month and what set it."""

    effort: np.ndarray  # safety effort, 0-1
    own: np.ndarray  # best response to its own trade-off, before the race
    covered: np.ndarray  # share of its safety compute public money pays for


def safety_covers(model, labs, spend: np.ndarray) -> np.ndarray:
    """Share of each lab's safety compute (``spend``: its training spend, USD a month) paid
    for by its jurisdiction's safety subsidy."""
    covered = np.zeros(len(labs))
    tax = model.scenario.race.safety_tax
    for regulator in model.regulators:
        pool_usd = regulator.lab_safety_pool_k * 1e3
        if pool_usd <= 0.0:
            continue
        target = regulator.policy.compute_subsidy.safety_target_lab
        eligible = np.array([lab.active and lab.place == regulator.place
                             and (not target or lab.spec.name == target) for lab in labs])
        covered += safety_cover(pool_usd, tax, spend, np.where(eligible, spend, 0.0))
    return covered


def choose_safety(model) -> SafetyChoice:
    """Every lab's safety effort this month (inactive labs: 0)."""
    labs, race = model.labs, model.scenario.race
    active = np.array([lab.active for lab in labs])
    prize = np.array([lab.training_spend_usd() if lab.active else 0.0 for lab in labs])
    covered = safety_covers(model, labs, prize)
    culture = np.array([lab.spec.safety for lab in labs])
    extra_loss = np.array([lab.losses_at_stake_usd() for lab in labs])
    reward = np.array([lab.regulator.safety_reward for lab in labs])
    care = extra_care(extra_loss, prize, culture)
    own = own_safety(culture, race.safety_tax, covered, reward, care)
    effort = np.zeros(len(labs))
    index = np.flatnonzero(active)
    if index.size:
        raw = np.array([labs[i].raw_capability for i in index])
        cost = safety_cost(race.safety_tax, covered[index])
        noise = (model.rng.normal(0.0, race.private_noise, (index.size, index.size))
                 if race.information == "private" else None)
        bound = race_constraint(raw, race.enmity, cost, noise)
        effort[index] = race_safety(own[index], bound)
    return SafetyChoice(effort, own, covered)
