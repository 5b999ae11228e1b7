"""Frontier growth: capability is log10 of effective training compute (mechanism 1).

Capability is measured in "log10 FLOP-equivalents at 2023 algorithms": the training compute a
model would have needed with the algorithms of the run's first month.
"""

from __future__ import annotations

import numpy as np

LOG10_2 = float(np.log10(2.0))


def algorithmic_progress(halving_months: float, research_boost: float) -> float:
    """Monthly gain in log10 effective compute from better algorithms (Ho et al. 2024).

    ``research_boost`` is the extra progress diffusing from academic research (0 = none).
    """
    return LOG10_2 / halving_months * (1.0 + max(research_boost, 0.0))


def run_capability(
    run_cost_usd: np.ndarray | float,
    flop_per_usd: float,
    algorithmic_log10: float,
    skill: np.ndarray | float,
    safety_effort: np.ndarray | float,
    safety_tax: float,
) -> np.ndarray:
    """Capability of a new training run: log10(FLOP) + algorithms + skill − safety tax.

    Safety effort diverts a share ``safety_tax * effort`` of effective compute (Jensen et al. 2023).
    """
    flop = np.asarray(run_cost_usd, dtype=float) * flop_per_usd
    kept = 1.0 - safety_tax * np.asarray(safety_effort, dtype=float)
    return np.log10(flop) + algorithmic_log10 + skill + np.log10(kept)


def monthly_growth(cost_growth: float, flop_per_usd_growth: float, halving_months: float) -> float:
    """Frontier capability gained per month with no research boost; extrapolates pre-run history."""
    return float(np.log10(cost_growth * flop_per_usd_growth) / 12.0 + LOG10_2 / halving_months)
