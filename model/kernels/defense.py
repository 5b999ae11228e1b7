"""Defensive capacity: "good AI versus bad AI" (mechanism 8, stylized fact 12)."""

from __future__ import annotations


def defense_step(defense: float, decay: float, safety_research: float, research_weight: float,
                 defender_uplift: float, access_weight: float, open_bonus: float,
                 open_depth: float) -> float:
    """Next month's defensive capacity.

    It depreciates, grows with safety research, and grows with defenders' use of capable models,
    more so when capable weights are open and can be run locally (Shevlane & Dafoe 2020).
    """
    access = defender_uplift * (1.0 + open_bonus * open_depth)
    return defense * (1.0 - decay) + research_weight * safety_research + access_weight * access
