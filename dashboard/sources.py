"""The only places the dashboard reads files from: ``scenarios/`` and one results folder.

Every name that arrives from a browser (a picker's value, a URL, an uploaded file's ``extends``,
a typed results folder) is checked here against a listing of the allowed folder, so no request
can make the server read a file anywhere else.
"""

from __future__ import annotations

import os
from pathlib import Path

from aiecosim.experiments import front_store
from aiecosim.model import Scenario
from aiecosim.model.catalogue import CATALOGUE
from aiecosim.model.errors import ScenarioError

SCENARIOS = CATALOGUE
MANIFEST = "manifest.json"
SHOWN_CHARS = 80  # a typed name longer than this is cut in messages, which stay one line
RESULTS_DEPTH = 2  # sweep folders may sit one level down, e.g. results/2024-06/liability


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
    except (ValueError, OSError, RuntimeError):
        return False
    return True


def list_scenarios(root: Path = SCENARIOS) -> list[str]:
    """File names of the scenario files directly in ``root``, sorted (baseline first)."""
    if not root.is_dir():
        return []
    names = [p.name for p in root.glob("*.toml") if p.is_file() and _inside(p, root)]
    return sorted(names, key=lambda n: (n != "baseline.toml", n))


def scenario_path(name: str, root: Path = SCENARIOS) -> Path:
    """The path of scenario file ``name`` in ``root``; anything not in the listing is refused."""
    if not isinstance(name, str) or name not in list_scenarios(root):
        shown = name if isinstance(name, str) else repr(name)
        raise ScenarioError(shown, "", f"not a scenario file in {root.name}/; pick one from the list")
    return root / name


_loaded: dict[tuple[str, int, int], Scenario] = {}


def load_scenario(name: str, root: Path = SCENARIOS) -> Scenario:
    """Load a scenario of ``root`` by file name, reusing the last load while the file is unchanged.

    The key includes the file's modification time and size so an edited file is read again.
    """
    path = scenario_path(name, root)
    stat = path.stat()
    key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
    if key not in _loaded:
        _loaded[key] = Scenario.load(path)
    return _loaded[key]


def list_results(root: Path) -> list[str]:
    """Sweep folders (holding ``manifest.json``) under ``root``, as paths relative to it."""
    if not root.is_dir():
        return []
    found = []
    for depth in range(RESULTS_DEPTH + 1):
        pattern = "/".join(["*"] * depth + [MANIFEST]) if depth else MANIFEST
        for manifest in root.glob(pattern):
            folder = manifest.parent
            if manifest.is_file() and _inside(folder, root):
                found.append(folder.relative_to(root).as_posix() or ".")
    return sorted(set(found))


def results_path(typed: str, root: Path) -> Path:
    """The sweep folder a user typed or picked, which must lie inside ``root``, and so must
    everything in it that a reader opens (a symlinked ``runs/`` or part file is refused).

    Raises:
        ValueError: one line saying why the folder is refused.
    """
    text = (typed or "").strip()
    shown = text if len(text) <= SHOWN_CHARS else f"{text[:SHOWN_CHARS]}..."
    if not text:
        raise ValueError("type or pick a sweep folder")
    if "\x00" in text:
        raise ValueError("a folder name cannot hold a NUL character")
    try:
        candidate = Path(text) if os.path.isabs(text) else root / text
        if not _inside(candidate, root):
            raise ValueError(f"{shown}: outside the results folder {root}; pick a folder inside it")
        folder = candidate.resolve()
        if not (folder / MANIFEST).is_file():
            raise ValueError(f"{shown}: not a sweep folder (no {MANIFEST}); run `aiecosim sweep` first")
        outside = next((p for p in _read_by_store(folder) if not _inside(p, root)), None)
    except OSError as exc:
        raise ValueError(f"{shown}: cannot open: {exc.strerror or type(exc).__name__}") from None
    if outside is not None:
        raise ValueError(f"{shown}: {outside.relative_to(folder)} leads outside the results "
                         f"folder {root} (a symbolic link?); copy the data in instead")
    return folder


def _read_by_store(folder: Path):
    """Every path of a sweep folder that reading it opens (see experiments/store.py), or of
    a front folder (experiments/front_store.py)."""
    if front_store.is_front(folder):
        yield from (folder / name for name in (front_store.MANIFEST, front_store.FRONT,
                                               front_store.WORLDS, front_store.CONVERGENCE))
        return
    yield from (folder / MANIFEST, folder / "points.parquet")
    for name in ("runs", "series", "index"):
        yield folder / name
        if (folder / name).is_dir():
            yield from (folder / name).iterdir()
