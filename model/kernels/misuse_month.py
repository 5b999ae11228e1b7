"""The bad actors' month, actor by actor, as compiled loops (mechanisms 7, 8 and 11).

``attempters`` picks who attempts misuse this month; ``attempt_outcomes`` plays each attempt:
the route (``kernels.misuse.choose_route``), success against the defence and watermarks
(``attack_success_probability``), detection and bans, and the month's totals. The rules are
``kernels.misuse``'s, written out per attempt in float32 where the population's arrays are and
in the same order of operations, so each attempt rounds exactly as the array version's. Every
constant comes in as an argument; none lives here.
"""

from __future__ import annotations

import numpy as np

from aiecosim.model.kernels.compiled import fused
from aiecosim.model.kernels.misuse import API_ROUTE, NO_ROUTE, OPEN_ROUTE


@fused
def attempters(draw, place, p_attempt, tier, joined):
    """Rows, ascending, of the actors whose uniform ``draw`` falls below their jurisdiction's
    chance of attempting (``p_attempt[place]``) and whose tier has joined (``joined[tier]``)."""
    n = draw.size
    rows = np.empty(n, dtype=np.int64)
    count = 0
    for i in range(n):  # without a branch: a random fifth of rows would defeat prediction
        rows[count] = i
        count += joined[tier[i]] and np.float64(draw[i]) < p_attempt[place[i]]
    return rows[:count]


@fused
def attempt_outcomes(who, place, u_success, u_detect, monitoring, evasion, api_gain_by_place,
                     banned_until, month, ban_until, resources, strip_cost, unstripped_share,
                     open_uplift, api_lab_by_place, lab_place, blocked, skill, defense,
                     harm_per_uplift, labs):
    """Each attempt by the actors ``who`` (their draws ``u_success``, ``u_detect`` in order):
    route, success, detection (banning an actor detected on an API until ``ban_until``).

    Float32 arguments (``monitoring``, ``api_gain_by_place``, ``unstripped_share``,
    ``open_uplift``, ``defense``, ``harm_per_uplift``) keep the arithmetic in float32.
    Returns attempts, incidents (int) and harm (USD bn) by route (none, open, API), bans, API
    attempts from outside the API's jurisdiction, and harm and attempts through each lab's API.
    """
    one, zero = np.float32(1.0), np.float32(0.0)
    attempts = np.zeros(3, dtype=np.int64)
    incidents = np.zeros(3, dtype=np.int64)
    harm = np.zeros(3)
    harm_by_lab = np.zeros(labs)
    attempts_by_lab = np.zeros(labs, dtype=np.int64)
    bans = abroad = 0
    for a in range(who.size):
        i = who[a]
        j = place[i]
        detect = monitoring[j] * evasion[i]
        api_gain = api_gain_by_place[j]
        api_expected = api_gain * (one - detect)
        if banned_until[i] > month:  # revoked access
            api_expected = zero
        kept = one if resources[i] >= strip_cost else unstripped_share
        open_gain = open_uplift * kept
        if max(open_gain, api_expected) <= zero:
            route, gain = NO_ROUTE, zero
        elif api_expected > open_gain:
            route, gain = API_ROUTE, api_gain
        else:
            route, gain = OPEN_ROUTE, open_gain
        lab = max(api_lab_by_place[j], 0)
        mark_place = lab_place[lab] if route == API_ROUTE else j
        block = np.float32(blocked[mark_place, route])
        attack = gain * skill[i]
        p_success = attack / (attack + defense) * (one - block)
        succeeded = u_success[a] < p_success
        per_incident = gain * harm_per_uplift
        if route != NO_ROUTE:
            attempts[route] += 1
            if succeeded:
                incidents[route] += 1
                harm[route] += per_incident
        if route == API_ROUTE:
            attempts_by_lab[lab] += 1
            if lab_place[lab] != j:
                abroad += 1
            if succeeded:
                harm_by_lab[lab] += per_incident
            if u_detect[a] < detect:  # the lab revokes their access
                banned_until[i] = ban_until
                bans += 1
    return attempts, incidents, harm, bans, abroad, harm_by_lab, attempts_by_lab
