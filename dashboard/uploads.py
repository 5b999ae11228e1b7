"""Reading an uploaded scenario file: size, TOML, ``extends`` and schema checks, one-line errors.

An upload is checked in a private temporary folder, deleted afterwards, so nothing a visitor
sends is ever written anywhere else. Its ``extends`` may only name a file of ``scenarios/``:
a name that climbs out (``../..``) or an absolute path is refused before anything is read.
The accepted file becomes "a scenario of ``scenarios/`` plus overrides", which the URL can carry.
"""

from __future__ import annotations

import base64
import binascii
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomli_w

from aiecosim.dashboard.sources import SCENARIOS, list_scenarios, load_scenario, scenario_path
from aiecosim.model import Scenario
from aiecosim.model.errors import ScenarioError
from aiecosim.model.overrides import changes
from aiecosim.model.scenario_io import MAX_FILE_BYTES, read_toml

DEFAULT_BASE = "baseline.toml"


class UploadError(ValueError):
    """An upload refused, with one line saying why."""


@dataclass(frozen=True)
class Upload:
    """An accepted upload: the scenario file it builds on, and what it changes."""

    filename: str
    base: str
    overrides: dict[str, Any]
    scenario: Scenario


def decode(contents: str) -> bytes:
    """The bytes of a ``dcc.Upload`` data URL (``data:<type>;base64,<data>``)."""
    _, sep, data = (contents or "").partition(",")
    if not sep:
        raise UploadError("the upload arrived without data; try again")
    try:
        return base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        raise UploadError("the upload arrived garbled (not base64); try again") from None


def _safe_name(filename: str | None) -> str:
    """The bare file name, for messages only: never used as a path."""
    name = Path(str(filename or "upload.toml").replace("\\", "/")).name
    return "".join(c if c.isprintable() else "?" for c in name)[:120] or "upload.toml"


def _parent(ref: Any, name: str, scenarios_dir: Path) -> str:
    """The file of ``scenarios/`` that ``extends = ref`` names; anything else is refused."""
    allowed = list_scenarios(scenarios_dir)
    if not isinstance(ref, str) or not ref.strip():
        raise UploadError(f"{name}: extends: expected a file name such as \"baseline.toml\", "
                          f"found {ref!r}")
    # Only the file name counts: a file written elsewhere (``scenario new --dir``) may name its
    # parent by a path, and the loader is pointed at the checked file of scenarios/ anyway.
    bare = Path(ref.replace("\\", "/")).name
    candidate = bare if bare.endswith(".toml") else f"{bare}.toml"
    if candidate not in allowed:
        raise UploadError(f"{name}: extends: {ref!r} is not a file in scenarios/; "
                          f"expected one of: {', '.join(allowed)}")
    return candidate


def read_upload(contents: str, filename: str | None,
                scenarios_dir: Path = SCENARIOS) -> Upload:
    """Validate an uploaded scenario file and express it as a base scenario plus overrides.

    Raises:
        UploadError: the file is too large, not TOML, extends something outside
            ``scenarios/``, or not a valid scenario; the message says which and where.
    """
    name = _safe_name(filename)
    raw = decode(contents)
    if len(raw) > MAX_FILE_BYTES:
        raise UploadError(f"{name}: file is {len(raw):,} bytes; a scenario file is at most "
                          f"{MAX_FILE_BYTES:,}")
    with tempfile.TemporaryDirectory(prefix="aiecosim-upload-") as folder:
        path = Path(folder) / "upload.toml"
        path.write_bytes(raw)
        try:
            data = read_toml(path)
            base = DEFAULT_BASE
            if "extends" in data:
                base = _parent(data["extends"], name, scenarios_dir)
                # Point extends at the checked file itself, so the loader cannot look elsewhere.
                data["extends"] = str(scenario_path(base, scenarios_dir).resolve())
                path.write_text(tomli_w.dumps(data))
            scenario = Scenario.load(path)
        except ScenarioError as exc:
            where = f"{exc.key}: " if exc.key else ""
            source = name if Path(exc.source).resolve() == path.resolve() else exc.source
            raise UploadError(f"{source}: {where}{exc.problem}") from None
        except (TypeError, ValueError) as exc:  # tomli_w refusing a value the TOML reader gave
            raise UploadError(f"{name}: {exc}") from None
    parent = load_scenario(base, scenarios_dir)
    overrides = changes(parent.to_dict(), scenario.to_dict())
    return Upload(filename=name, base=base, overrides=overrides, scenario=scenario)
