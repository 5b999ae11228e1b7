"""Upgrading scenario files written for an older schema, one version step at a time.

Each file of an ``extends`` chain is upgraded on its own, before the chain is merged and
validated, so a shared file keeps working after the schema moves on. An upgrade is a note, not an
error: one warning line naming the file and what changed. A file without ``schema_version`` is
read as the current version (the schema's default); a newer version than this code knows is left
for validation to refuse.

History:
    1 -> 2: ``technology.inference_price_decline`` is gone. The model never read it: API fees are
        a share of a startup's revenue (``populations.startups.api_fee_share``), so a per-token
        price decline had no effect, and a lever that does nothing misleads whoever turns it.
    2 -> 3: the downstream market is a flow of entrants into segments (model v2). Startups no
        longer live in a fixed pool of slots, so ``populations.startups.count`` becomes
        ``segments`` (one segment per 133 slots, the shipped ratio: 20,000 slots, 150
        segments), and the slot pool's ``initial_active_share``, ``entry_rate`` and
        ``users_mean`` are gone (entry is ``entry_flow``; demand is ``segment_users``). API
        prices are serving cost plus a markup, so ``api_fee_share`` and ``open_serving_share``
        are gone. ``choice_noise`` is now a share of a typical firm's revenue: USD k values are
        divided by the 2023 typical revenue, 66.7 USD k a month (4.0 becomes 0.06). Misuse's
        severe incidents (``misuse.severe_threshold``, ``severe_probability``,
        ``severe_multiplier``) are gone: the catastrophic tail (``misuse.tail``) carries rare,
        very large harm.
    3 -> 4: policy is set per jurisdiction (model v2, part 2). A file's top-level ``policy``
        becomes the policy of the first jurisdiction, ``home``: ``[[jurisdictions]]`` with
        ``name = "home"``, merged by name with any jurisdictions a parent file declares.
    4 -> 5: the race is a game (model v2, part 2). ``race.rivalry``, a multiplier on safety,
        becomes ``race.enmity``, Armstrong et al.'s dislike of a rival's win, with the same
        value (both run from 0, no effect, to 1); ``race.gap_scale`` is gone: how close a race
        is now follows from the gap and the safety tax. And lab finance: labs hold capital and leave when it runs out, so a lab's
        ``financial_depth`` (the yearly liability, in years of budget, that forced it out) is
        gone; the old exit lives on only under ``finance.form = "exogenous"`` as
        ``finance.exogenous_exit_years``, one value for every lab.
"""

from __future__ import annotations

import copy
import logging
from typing import Any, Callable

from aiecosim.model.errors import ScenarioError

# The version files are written for today: one more than the last migration's starting version.
# The schema (``model.scenario``) reads it from here, so this module needs nothing of the schema.
SCHEMA_VERSION = 5

log = logging.getLogger("aiecosim.scenario")

# A migration takes a file's mapping at version v and returns it at version v + 1 (it may change
# its argument) with a few words per change it made, for the note.
Migration = Callable[[dict[str, Any]], tuple[dict[str, Any], list[str]]]


def _drop_inference_price_decline(data: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    technology = data.get("technology")
    if isinstance(technology, dict) and "inference_price_decline" in technology:
        del technology["inference_price_decline"]
        return data, ["dropped technology.inference_price_decline, which the model never used"]
    return data, []


SLOTS_PER_SEGMENT = 133  # 20,000 slots in the shipped v2 baseline, 150 segments in v3
TYPICAL_REVENUE_K = 66.7  # a typical firm's monthly revenue in 2023, USD k (v3 baseline)
DROPPED_MISUSE_KEYS = ("severe_threshold", "severe_probability", "severe_multiplier")
DROPPED_STARTUP_KEYS = ("initial_active_share", "entry_rate", "users_mean", "api_fee_share",
                        "open_serving_share")


def _market_as_flow(data: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    notes: list[str] = []
    startups = data.get("populations", {}).get("startups") if isinstance(
        data.get("populations"), dict) else None
    if not isinstance(startups, dict):
        startups = {}
    if "count" in startups:
        count = startups.pop("count")
        if isinstance(count, int) and not isinstance(count, bool):
            startups["segments"] = max(1, round(count / SLOTS_PER_SEGMENT))
            notes.append(f"populations.startups.count = {count} slots became "
                         f"segments = {startups['segments']}")
        else:
            startups["count"] = count  # leave a malformed value for validation to name
    for key in DROPPED_STARTUP_KEYS:
        if key in startups:
            del startups[key]
            notes.append(f"dropped populations.startups.{key}, which model v2 does not use")
    misuse = data.get("misuse")
    for key in DROPPED_MISUSE_KEYS:
        if isinstance(misuse, dict) and key in misuse:
            del misuse[key]
            notes.append(f"dropped misuse.{key}: the catastrophic tail (misuse.tail) replaces "
                         "severe incidents")
    noise = startups.get("choice_noise")
    if isinstance(noise, (int, float)) and not isinstance(noise, bool):
        startups["choice_noise"] = round(noise / TYPICAL_REVENUE_K, 4)
        notes.append(f"populations.startups.choice_noise {noise} USD k became a share of "
                     f"revenue, {startups['choice_noise']}")
    return data, notes


HOME = "home"  # the jurisdiction a version-3 file's policy belongs to


def _policy_by_jurisdiction(data: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    if "policy" not in data:
        return data, []
    policy = data.pop("policy")
    places = data.setdefault("jurisdictions", [])
    if not isinstance(places, list):
        data["policy"] = policy  # leave a malformed file for validation to name
        return data, []
    home = next((p for p in places if isinstance(p, dict) and p.get("name") == HOME), None)
    if home is None:
        places.insert(0, home := {"name": HOME})
    home["policy"] = policy
    return data, [f"policy became the policy of jurisdiction {HOME!r}"]


def _race_as_game(data: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    race = data.get("race")
    if not isinstance(race, dict):
        return data, []
    notes = []
    if "rivalry" in race:
        race["enmity"] = race.pop("rivalry")
        notes.append(f"race.rivalry became race.enmity = {race['enmity']}")
    if "gap_scale" in race:
        del race["gap_scale"]
        notes.append("dropped race.gap_scale: in the race game the gap and the safety tax set "
                     "how close a race is")
    return data, notes


def _lab_finance(data: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    labs = data.get("labs")
    if not isinstance(labs, list):
        return data, []
    dropped = [lab.pop("financial_depth") for lab in labs
               if isinstance(lab, dict) and "financial_depth" in lab]
    if not dropped:
        return data, []
    return data, [f"dropped labs.*.financial_depth ({len(dropped)} labs): labs now leave when "
                  "their capital runs out; under finance.form = 'exogenous' the old exit is "
                  "finance.exogenous_exit_years"]


def _model_v2_part2(data: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    data, race_notes = _race_as_game(data)
    data, finance_notes = _lab_finance(data)
    return data, race_notes + finance_notes


MIGRATIONS: dict[int, Migration] = {
    1: _drop_inference_price_decline,
    2: _market_as_flow,
    3: _policy_by_jurisdiction,
    4: _model_v2_part2,
}


def file_version(data: dict[str, Any]) -> Any:
    """The version a file declares; files without one are read as the current version."""
    return data.get("schema_version", SCHEMA_VERSION)


def migrate(data: dict[str, Any], source: str, current: int = SCHEMA_VERSION) -> dict[str, Any]:
    """``data`` upgraded to ``current``, with a warning line naming ``source`` when it changed.

    Versions that are not whole numbers, are newer than ``current`` or are below 1 pass through
    unchanged, so that validation reports them in its usual one-line form.
    """
    version = file_version(data)
    if isinstance(version, bool) or not isinstance(version, int) or not 1 <= version < current:
        return data
    out, notes = copy.deepcopy(data), []
    for step in range(version, current):
        if step not in MIGRATIONS:
            raise ScenarioError(source, "schema_version",
                                f"no upgrade from version {step} to {step + 1}; "
                                f"expected a version from 1 to {current}")
        out, changed = MIGRATIONS[step](out)
        notes += changed
    out["schema_version"] = current
    detail = f": {'; '.join(notes)}" if notes else ""
    log.warning("%s: schema_version %d upgraded to %d on load%s", source, version, current, detail)
    return out
