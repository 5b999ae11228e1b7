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
"""

from __future__ import annotations

import copy
import logging
from typing import Any, Callable

from aiecosim.model.errors import ScenarioError

# The version files are written for today: one more than the last migration's starting version.
# The schema (``model.scenario``) reads it from here, so this module needs nothing of the schema.
SCHEMA_VERSION = 2

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


MIGRATIONS: dict[int, Migration] = {
    1: _drop_inference_price_decline,
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
