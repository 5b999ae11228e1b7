"""Defensive capacity: "good AI versus bad AI" (mechanism 8, stylized fact 12).

Which models defenders can use is a named assumption, ``defense.form``:

- ``"open-weights"``: defenders use the best model anyone can reach, and more of it when
  capable weights are open and can be run locally (LeCun 2023, "good AI beats bad AI").
- ``"frontier-api"``: defenders use the best model anyone can reach, open or not; openness
  adds nothing (Shevlane & Dafoe 2020 on the offence-defence balance of publishing).
- ``"neither"``: defenders' use of models adds nothing; defence grows only with safety research.
"""

from __future__ import annotations

DEFENSE_FORMS = ("open-weights", "frontier-api", "neither")


def defender_access(form: str, defender_uplift: float, open_bonus: float,
                    open_depth: float) -> float:
    """What defenders' use of capable models adds to defence this month, per unit of weight.

    Args:
        form: one of ``DEFENSE_FORMS``.
        defender_uplift: uplift of the best model anyone can reach (``misuse.marginal_uplift``).
        open_bonus: extra use when weights are open (``defense.open_access_bonus``), read only
            by the ``"open-weights"`` form.
        open_depth: how close open models are to the frontier, 0-1
            (``research.access_depth``).
    """
    if form == "open-weights":
        return defender_uplift * (1.0 + open_bonus * open_depth)
    if form == "frontier-api":
        return defender_uplift
    if form == "neither":
        return 0.0
    raise ValueError(f"unknown defense form {form!r}; expected one of {DEFENSE_FORMS}")


def defense_step(defense: float, decay: float, safety_research: float, research_weight: float,
                 access: float, access_weight: float) -> float:
    """Next month's defensive capacity: it depreciates by ``decay``, grows with safety research
    and with defenders' access term (``defender_access``)."""
    return defense * (1.0 - decay) + research_weight * safety_research + access_weight * access
