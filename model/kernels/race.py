"""The race as a game: each lab's safety effort is a best response to its rivals (mechanism 6).

Two forces set a lab's safety effort ``s`` (0–1) each month.

*Its own trade-off.* Safety costs the lab a share ``tax · s`` of its effective compute (Jensen,
Emery-Xu & Trager 2023's safety tax), less what a public subsidy for safety work covers, less a
public reward for safe releases. It avoids losses that fall with ``(1 − s)²`` (the first efforts
catch the easy failures: an assumption): the lab's own share of accidents, its liability bills.
The best response to that trade-off is ``own_safety``; with no extra losses and no subsidy it is
the lab's safety culture (``labs.<name>.safety``, which calibrates the losses a lab cares about).

*The race.* Armstrong, Bostrom & Shulman (2016): a team's score is its capability less its
safety cost, and the most capable team wins the market. A trailer could overtake the leader by
dropping safety; it does so only if winning with the lower safety is worth more to it than
losing to a rival it dislikes (enmity ``e``). So the leader can afford only as much safety as
keeps every rival from wanting to challenge: ``s ≤ gap / (e · cost)``, with the gap to the
runner-up and ``cost`` the capability one unit of safety costs. A trailer who cannot win keeps
its own trade-off. Closer races and more enmity mean less safety; a team far behind changes
nothing; cheaper safety (a subsidy) buys more safety at the same gap.
"""

from __future__ import annotations

import numpy as np


def safety_cost(safety_tax: float, covered: np.ndarray | float) -> np.ndarray:
    """Capability (log10 FLOP-eq) a lab gives up at full safety effort, the part of its safety
    compute a subsidy pays for (``covered``, share) aside."""
    kept = 1.0 - safety_tax * (1.0 - np.asarray(covered, dtype=float))
    return -np.log10(kept)


def extra_care(extra_loss_usd: np.ndarray, prize_usd: np.ndarray,
               culture: np.ndarray) -> np.ndarray:
    """Losses at stake beyond those the lab's culture already weighs, in the units of the
    safety tax: ``2 (1 - c) ΔL / prize``.

    The lab minimises ``prize · tax · s + L · (1 − s)²``; its culture ``c`` is the effort that
    choice gives with the losses it cares about anyway, ``L0 = prize · tax / (2 (1 − c))``. Extra
    losses ``ΔL`` (its liability bills, its share of accidents) raise ``L`` to ``L0 + ΔL``.
    """
    prize = np.maximum(np.asarray(prize_usd, dtype=float), 1e-12)
    care = 2.0 * (1.0 - np.asarray(culture, dtype=float))
    return care * np.asarray(extra_loss_usd, dtype=float) / prize


def own_safety(culture: np.ndarray, safety_tax: float, covered: np.ndarray | float,
               reward: np.ndarray | float, care: np.ndarray) -> np.ndarray:
    """The best response to the lab's own trade-off: ``1 − (1 − c) · net / (tax + care)``.

    ``net`` is the marginal cost of safety: the tax less the share of safety compute a subsidy
    covers, less a public reward for safe releases (a share of the release's value per unit of
    safety, Han et al. 2021). ``care`` is ``extra_care``. Safety that costs nothing (or pays) is
    always taken in full, and effort stays within 0–1: the bounds of the choice, not a cap on an
    outcome.
    """
    culture = np.asarray(culture, dtype=float)
    net = (safety_tax * (1.0 - np.asarray(covered, dtype=float))
           - np.asarray(reward, dtype=float))
    weight = safety_tax + np.asarray(care, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        effort = np.where(net <= 0.0, 1.0, 1.0 - (1.0 - culture) * net / weight)
    return np.clip(np.nan_to_num(effort, nan=1.0, neginf=0.0), 0.0, 1.0)


def race_constraint(capabilities: np.ndarray, enmity: float, cost: np.ndarray,
                    noise: np.ndarray | None = None) -> np.ndarray:
    """Most safety each lab can take and still deter every rival from racing past it.

    ``capabilities`` are what each lab could field with no safety (its raw capability). Lab *i*
    sees its own exactly and rival *j*'s through ``noise[i, j]`` (log10 FLOP-eq; none when
    capabilities are public). A lab that believes it leads is bounded by
    ``gap / (enmity · cost)``, the gap it believes it has over the runner-up; a lab that does
    not is unbounded (infinite): it cannot win by racing, so the race does not bind it. Ties:
    every lab at the top faces a gap of zero.
    """
    caps = np.asarray(capabilities, dtype=float)
    cost = np.broadcast_to(np.asarray(cost, dtype=float), caps.shape)
    bound = np.full(caps.size, np.inf)
    if caps.size < 2 or enmity <= 0.0:
        return bound
    seen = np.broadcast_to(caps, (caps.size, caps.size)).copy()
    if noise is not None:
        seen += noise
    np.fill_diagonal(seen, -np.inf)
    gap = caps - seen.max(axis=1)
    leads = (gap >= 0.0) & (cost > 0.0)
    unit = enmity * cost[leads]  # can underflow to 0 for tiny enmity and cost
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        ratio = gap[leads] / unit
    # A vanishing unit: no bound for a lab ahead (inf), none affordable with no lead (0).
    bound[leads] = np.where(unit > 0.0, ratio, np.where(gap[leads] > 0.0, np.inf, 0.0))
    return bound


def race_safety(own: np.ndarray, bound: np.ndarray) -> np.ndarray:
    """A lab's effort: its own best response, unless the race bounds it lower."""
    return np.minimum(np.asarray(own, dtype=float), np.asarray(bound, dtype=float))
