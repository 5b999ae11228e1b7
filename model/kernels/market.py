"""The downstream market as pure functions: demand, prices, entry, base choice, concentration.

Mechanism 5 (downstream market), with deployer liability (9) and subsidies (10) entering costs.
Amounts are USD thousands a month unless a name says otherwise; users are people.
"""

from __future__ import annotations

import math

import numpy as np


F32_MAX = float(np.finfo(np.float32).max)


def as_float32(values: np.ndarray | float) -> np.ndarray:
    """Float64 amounts as the compiled loops' float32, a magnitude beyond float32's range held
    at its largest finite value (about 3.4e38). A cost or margin that large decides nothing
    differently (no firm could pay it, and no chooser picks it), while an infinity would turn
    zero users times its cost into NaN. Serving a model fifty orders of magnitude beyond 2023's
    with no fall in cost, which the schema allows, reaches it."""
    return np.clip(values, -F32_MAX, F32_MAX).astype(np.float32)


def in_precision(value: float, dtype: np.dtype):
    """``value`` as a scalar of ``dtype``, held inside its range as ``as_float32`` holds
    arrays: an advantage beyond float32's largest value (a model fifty orders of magnitude
    ahead) decides the same choice as that value does, while casting it would give an
    infinity and then NaN. (float64, the per-agent reference's precision, is left as it is.)"""
    largest = float(np.finfo(dtype).max)
    return dtype.type(min(max(float(value), -largest), largest))


def serving_cost(capability: np.ndarray | float, reference: float, months: int,
                 cost_usd: float, capability_elasticity: float, yearly_decline: float,
                 ) -> np.ndarray:
    """Cost of serving one user for a month (USD) on a model of this capability.

    At fixed capability the cost falls ``yearly_decline``-fold a year (about 10x: AI Index 2025,
    Epoch AI 2025); a more capable model costs ``capability_elasticity`` orders of magnitude more
    per order of magnitude of capability (assumption: bigger models are dearer to run).
    """
    capability = np.asarray(capability, dtype=float)
    served = np.isfinite(capability)
    gap = np.where(served, capability - reference, 0.0)
    cost = cost_usd * np.power(10.0, capability_elasticity * gap) / yearly_decline ** (months / 12)
    return np.where(served, cost, np.inf)


def api_markups(api_capability: np.ndarray, best_public: float, base_markup: float,
                lead_scale: float) -> np.ndarray:
    """Each API's price over its serving cost, set by competition with the next-best offer.

    The next-best offer is the best rival API or a public model anyone can host. An API with no
    lead earns ``base_markup``; each ``lead_scale`` of lead adds as much again (assumption: a
    differentiated Bertrand market; a lead is what lets a frontier API charge more).
    """
    capability = api_capability.tolist()  # a handful of labs: plain floats are faster
    markups = np.full(api_capability.shape, base_markup)
    if not capability:
        return markups
    # The best rival of every API but the best is the best; the best's is the runner-up.
    best = max(range(len(capability)), key=capability.__getitem__)
    runner_up = max(capability[:best] + capability[best + 1:], default=-math.inf)
    for i, own in enumerate(capability):
        if not math.isfinite(own):
            continue
        alternative = max(runner_up if i == best else capability[best], best_public)
        lead = own - alternative if math.isfinite(alternative) else lead_scale
        markups[i] = base_markup * (1.0 + max(lead, 0.0) / lead_scale)
    return markups


def segment_demand(best_quality: float, reference: float, segment_users: float,
                   capability_elasticity: float, price_index: float,
                   price_elasticity: float, addressable_users: float) -> float:
    """Users a market segment can have: more with better models and with cheaper inference,
    and never more than the people its products could reach (``saturating_users``).

    ``price_index`` is today's serving cost at fixed capability relative to the first month's
    (below 1 as inference gets cheaper). Both elasticities are assumptions (docs/ODD.md).
    """
    if not np.isfinite(best_quality) or price_index <= 0.0:
        return 0.0
    log_pull = (math.log10(segment_users) + capability_elasticity * (best_quality - reference)
                - price_elasticity * math.log10(price_index))
    return saturating_users(log_pull, addressable_users)


def saturating_users(log10_pull: float, addressable_users: float) -> float:
    """Users of a product whose pull alone would bring ``P = 10^log10_pull``, when only
    ``addressable_users`` people could ever use it: the harmonic mean D = P·A / (P + A).

    D ≈ P while P ≪ A (the baseline's ten years: at most 0.3% below P) and D → A as P grows, as
    adoption saturates a market (Bass 1969's market potential). Taken on a log scale because P
    itself exceeds any float over the schema's longest horizons.
    """
    excess = math.log10(addressable_users) - log10_pull
    # A / (1 + A/P); past 10^300, A/P overflows a float and D is 0 to every float anyway.
    return 0.0 if excess > 300.0 else float(addressable_users / (1.0 + 10.0 ** excess))


def attraction(quality: np.ndarray, best_quality: float, pull: float) -> np.ndarray:
    """A product's pull on a segment's users: ``pull`` orders of magnitude of user share per
    order of magnitude of base-model quality behind the best product (0 where none is offered)."""
    quality = np.asarray(quality, dtype=float)
    gap = np.where(np.isfinite(quality), np.minimum(quality - best_quality, 0.0), 0.0)
    return np.where(np.isfinite(quality), np.power(10.0, pull * gap), 0.0)


def user_targets(demand: float, weight: np.ndarray, segment: np.ndarray,
                 segment_weight: np.ndarray) -> np.ndarray:
    """Each firm's share of its segment's users: its attraction over the segment's total.

    The share is taken before it is scaled by demand: a segment whose firms all sit far behind
    the best product pulls with a weight near float32's smallest, and demand over that weight
    would overflow where the share itself is at most 1.
    """
    # A segment's total pull is at least any of its firms' own; where it is 0 so are they all.
    floor = np.finfo(weight.dtype).tiny
    per_total = 1.0 / np.maximum(segment_weight, floor).astype(weight.dtype)
    return weight * per_total.take(segment) * weight.dtype.type(demand)


def expected_margin(users: np.ndarray | float, unit_margin_k: np.ndarray | float,
                    compute_k: np.ndarray | float, subsidy_k: float,
                    fixed_cost_k: np.ndarray | float) -> np.ndarray:
    """Monthly profit (USD k): users times the margin per user, less fixed costs and the part
    of the compute bill public compute does not cover."""
    covered = np.minimum(compute_k, subsidy_k)
    return users * unit_margin_k - fixed_cost_k + covered


def entry_rate(demand: float, unit_margin_k: float, cost_k: float, weight: float,
               segment_weight: np.ndarray, flow: float) -> np.ndarray:
    """Potential startups arriving in each segment this month (a Poisson mean).

    An entrant on a base with pull ``weight`` expects ``demand · weight / (W + weight)`` users
    in a segment whose firms pull ``W``, so its profit is positive until the segment holds
    ``demand · unit_margin / cost - 1`` firms like it (free entry). Arrivals are ``flow`` times
    the number of firms that profit could still pay for: they rise with the expected profit and
    stop where entry would lose money. ``cost_k`` is the entrant's monthly fixed cost net of
    public compute.
    """
    if weight <= 0.0 or unit_margin_k <= 0.0:
        return np.zeros(segment_weight.shape)
    room = demand * unit_margin_k / max(cost_k, 1e-9) - 1.0 - segment_weight / weight
    return flow * np.maximum(room, 0.0)


def arrivals_within(rng: np.random.Generator, rate: np.ndarray,
                    room: int) -> tuple[np.ndarray, bool]:
    """Entrants per cell this month: Poisson arrivals at ``rate``, of which at most ``room``
    may enter (``max_firms`` less the firms active). Where more arrive, a random subset enters,
    each arrival equally likely to be kept: a multivariate hypergeometric draw per cell, whose
    cost does not grow with the arrivals (they can number in the hundreds of millions when
    the rate far exceeds the room). Also says whether more arrived than could enter.

    Rates above the room are scaled down together, so that the largest is the room: a Poisson
    mean stays in range, and the cells keep their proportions (capping each cell alone would
    give every cell beyond the room an equal share)."""
    rate = np.asarray(rate, dtype=float)
    largest = float(rate.max(initial=0.0))
    if largest > room:
        rate = rate * (room / largest)
    arrivals = rng.poisson(rate).ravel()
    if int(arrivals.sum()) > room:
        return rng.multivariate_hypergeometric(arrivals, room), True
    return arrivals, False


def choose_open_base(taste: np.ndarray, open_advantage_k: float, noise_k: float) -> np.ndarray:
    """Fine-tune open weights (True) or build on an API (False): a logit choice.

    ``taste`` is each startup's fixed idiosyncratic preference for open weights (standard
    logistic); ``open_advantage_k`` the expected margin of the best open base over the best API.
    """
    return taste * noise_k + open_advantage_k > 0.0


def pick_option(u: np.ndarray, margins_k: np.ndarray, noise_k: float) -> np.ndarray:
    """Index of the option chosen by each uniform draw ``u``: logit shares by margin.

    Options about as good as each other share choosers; an option not on offer (-inf) gets none.
    """
    cumulative = option_cumulative(margins_k, noise_k)
    if not cumulative.size:
        return np.full(u.shape, -1, dtype=np.int16)
    return cumulative.searchsorted(u, side="right").astype(np.int16)


def option_cumulative(margins_k: np.ndarray, noise_k: float) -> np.ndarray:
    """Cumulative logit shares of the options by margin (the last exactly 1), which a uniform
    draw indexes (``pick_option``); empty when no option is on offer."""
    best = margins_k.max()
    if best == -np.inf:
        return np.zeros(0)
    shares = np.exp((margins_k - best) / noise_k)
    cumulative = np.cumsum(shares / shares.sum())
    cumulative[-1] = 1.0
    return cumulative


def grow_users(users: np.ndarray, target: np.ndarray, rate: float) -> None:
    """Move each startup's users toward its share of its segment (in place)."""
    users += rate * (target - users)


def use_shares(served: np.ndarray) -> np.ndarray:
    """Each lab's share of the use of the labs' own services (none used: all zero)."""
    served = np.asarray(served, dtype=float)
    total = served.sum()
    return served / total if total > 0.0 else np.zeros_like(served)


def hhi(usage: np.ndarray, *many_small: np.ndarray) -> float:
    """Herfindahl–Hirschman index (0–10,000) of usage shares.

    ``usage`` holds the named players (labs); each array in ``many_small`` holds players counted
    one by one (self-hosting startups as their own providers, academic groups as compute buyers).
    """
    total = float(usage.sum()) + sum(float(x.sum(dtype=np.float64)) for x in many_small)
    if total <= 0.0:
        return 0.0
    if total * total == 0.0:  # usage so small its square underflows: the same shares, rescaled
        # In float64: a float32 array divided by a subnormal total would cast the total to
        # float32's zero and give 0/0.
        return hhi(usage / total, *(x.astype(np.float64) / total for x in many_small))
    squares = float(np.square(usage).sum())
    squares += sum(float(np.square(x, dtype=np.float64).sum()) for x in many_small)
    # Sums of squares and squared sums round differently: a lone player can read 10,000 plus
    # a rounding error, which the index's own definition rules out.
    return min(10_000.0 * squares / (total * total), 10_000.0)


def hhi_of_equal_players(usage: np.ndarray, *equal: tuple[float, int]) -> float:
    """Herfindahl–Hirschman index (0–10,000) of the named players ``usage`` and, for each
    ``(total, count)`` in ``equal``, ``count`` players sharing ``total`` equally.

    ``count`` players with share ``s / count`` each add ``count · (s / count)² = s² / count``
    to the sum of squared shares, so nobody's array is built (``hhi`` with ``np.full`` gives the
    same index up to rounding)."""
    total = float(usage.sum()) + sum(part for part, _ in equal)
    if total <= 0.0:
        return 0.0
    shares = usage / total  # shares first: a tiny total's square would underflow
    squares = float(np.square(shares).sum())
    squares += sum((part / total) ** 2 / count for part, count in equal)
    return min(10_000.0 * squares, 10_000.0)  # rounding must not exceed the index's maximum
