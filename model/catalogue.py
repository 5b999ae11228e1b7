"""The shipped scenarios: where they are, listing them and finding one by name.

A command that takes a scenario accepts a path or the bare name of a shipped scenario, so
``aiecosim run api-only-world`` works from any folder. The files are package data of
``aiecosim.scenarios`` (the checkout's ``scenarios/`` folder), so an installed aiecosim finds
them too.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from aiecosim.model.errors import ScenarioError, closest

# A real folder both in a checkout and in an installed wheel (wheels install unzipped).
CATALOGUE = Path(str(files("aiecosim.scenarios")))
BASELINE = CATALOGUE / "baseline.toml"
SCHEMA_FILE = CATALOGUE / "scenario.schema.json"


def shipped() -> list[Path]:
    """Every scenario file shipped in the catalogue, by name."""
    return sorted(CATALOGUE.glob("*.toml"))


def find_scenario(text: str) -> Path:
    """The file ``text`` names: an existing path, else a shipped scenario of that bare name.

    A bare name that matches nothing is a one-line error listing the closest shipped names; any
    other path is returned as given, for ``Scenario.load`` to report.
    """
    path = Path(text)
    try:
        if path.exists():
            return path
    except (OSError, ValueError):  # a name too long, or with a NUL byte
        return path
    if path.suffix or path.parent != Path("."):
        return path
    candidate = CATALOGUE / f"{text}.toml"
    if candidate.is_file():
        return candidate
    names = [p.stem for p in shipped()]
    close = closest(text, names)
    hint = f"did you mean {close!r}?" if close else f"shipped scenarios are: {', '.join(names)}"
    raise ScenarioError(text, "", f"no such file or shipped scenario; {hint}")
