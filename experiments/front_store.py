"""An optimisation's folder: the Pareto front a robust policy search found, and how.

```
DIR/manifest.json        kind "aiecosim optimization": design, levers, objectives, the worlds
                         (particle, seed), scenario and its digest, settings, versions, commit
DIR/front.parquet        one row per policy of the front: policy, lever values, robust scores
DIR/worlds.parquet       the front's policies in each world: policy, world, particle, seed, metrics
DIR/convergence.parquet  the search's progress: nfe, epsilon_progress
```

The folder is written whole under a temporary name beside ``DIR`` and renamed into place, so
it is either absent or complete; a rerun of the same design replaces it the same way. Its
manifest also carries the keys a sweep folder's readers rely on
(``sweep_manifest.MANIFEST_KEYS``), so the dashboard lists it among the sweep folders, and
``aiecosim report`` and the Results view tell the two apart by ``is_front``.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from importlib import metadata
from pathlib import Path
from typing import Any

import polars as pl

from aiecosim.experiments.optimize_design import Optimization
from aiecosim.experiments.robust import SearchResult
from aiecosim.experiments.run_record import git_commit
from aiecosim.experiments.sweep_manifest import FORMAT, package_versions
from aiecosim.model.errors import ScenarioError

KIND = "aiecosim optimization"
MANIFEST, FRONT, WORLDS, CONVERGENCE = ("manifest.json", "front.parquet", "worlds.parquet",
                                        "convergence.parquet")


def check_out(out: Path, opt: Optimization) -> None:
    """Refuse an ``--out`` the search could not write to, before any run: a file, a folder
    holding anything but a front, or the front of another design. A front of this design is
    replaced by the new search (the search does not resume)."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise ScenarioError("--out", str(out), "expected a folder for the front, found a file")
    if not out.is_dir() or not any(out.iterdir()):
        return
    if not is_front(out):
        raise ScenarioError("--out", str(out), "folder holds something other than a front "
                            "(no manifest.json of kind 'aiecosim optimization'); choose a new "
                            "or empty folder")
    held = json.loads((out / MANIFEST).read_text())
    if held.get("fingerprint") != fingerprint(opt):
        raise ScenarioError("--out", str(out), f"folder holds the front of another design "
                            f"({held.get('name')!r}, fingerprint {held.get('fingerprint')}); "
                            "choose a new folder")


def fingerprint(opt: Optimization) -> str:
    """A hash of everything that decides the front; the name and description do not count."""
    content = opt.design.model_dump(mode="json", exclude={"name", "description", "scenario",
                                                          "posterior"})
    content["scenario_digest"] = opt.scenario.digest()
    content["posterior_digest"] = opt.posterior_digest
    text = json.dumps(content, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def manifest(opt: Optimization, result: SearchResult, command: str,
             session: dict[str, Any] | None = None) -> dict[str, Any]:
    """Everything needed to redo the search and to read its front; ``session`` says where and
    how fast it ran (workers, scheduler), which does not change the front."""
    design, scenario = opt.design, opt.scenario
    versions = package_versions()
    for name in ("ema_workbench", "platypus-opt"):
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    finished = datetime.now(timezone.utc)
    started = finished - timedelta(seconds=result.seconds)
    return {
        "kind": KIND, "format": FORMAT, "name": design.name,
        "description": design.description, "fingerprint": fingerprint(opt),
        "design_file": opt.source, "design": design.model_dump(mode="json"),
        "command": command,
        "variables": [lever.to_dict() for lever in opt.levers],
        "objectives": opt.objectives(),
        "outputs": [o["metric"] for o in opt.objectives()],
        "algorithm": "epsilon-NSGA-II (platypus, through ema_workbench.robust_optimize)",
        "posterior_file": opt.posterior_file.name, "posterior_sha256": opt.posterior_digest,
        "worlds": [{"world": i, "particle": w.particle, "seed": w.seed}
                   for i, w in enumerate(opt.worlds)],
        "seeds": [w.seed for w in opt.worlds],
        "points": len(result.front), "evaluations": result.evaluations, "runs": result.runs,
        "seconds": round(result.seconds, 1),
        "timings": {"started": started.isoformat(timespec="seconds"),
                    "finished": finished.isoformat(timespec="seconds"),
                    "seconds": round(result.seconds, 1),
                    "runs_per_second": round(result.runs / result.seconds, 2)
                    if result.seconds else None},
        "session": dict(session or {}),
        "months": scenario.steps, "summary_months": design.summary_months,
        "scenario": {"name": scenario.name, "file": Path(design.scenario).name,
                     "digest": scenario.digest(), "resolved": scenario.to_dict()},
        "versions": versions, "git_commit": git_commit(),
        "created": finished.isoformat(timespec="seconds"),
    }


def write_front(out: Path, opt: Optimization, result: SearchResult, command: str,
                session: dict[str, Any] | None = None) -> Path:
    """Write the whole folder under a temporary name beside ``out``, then rename it into
    place (a front of the same design there is swapped out and removed)."""
    out = Path(out)
    check_out(out, opt)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent))
    try:
        result.front.write_parquet(staging / FRONT)
        result.per_world.write_parquet(staging / WORLDS)
        result.convergence.write_parquet(staging / CONVERGENCE)
        text = json.dumps(manifest(opt, result, command, session), indent=2,
                          sort_keys=True) + "\n"
        (staging / MANIFEST).write_text(text)
        os.chmod(staging, 0o777 & ~_umask())  # mkdtemp makes it private; results are not
        _swap_in(staging, out)
    except OSError as exc:
        raise ScenarioError("--out", str(out), f"cannot write: {exc.strerror or exc}") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return out


def _swap_in(staging: Path, out: Path) -> None:
    """Rename ``staging`` onto ``out``: directly onto a missing or empty folder, else by moving
    the old front aside first, so ``out`` is at every moment absent or a whole front."""
    if not out.is_dir() or not any(out.iterdir()):
        os.replace(staging, out)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".old", dir=out.parent))
    os.replace(out, old)
    try:
        os.replace(staging, out)
    except OSError:
        os.replace(old, out)  # put the old front back rather than leave nothing
        raise
    shutil.rmtree(old, ignore_errors=True)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# ------------------------------------------------------------------------------- reading
@dataclass(frozen=True)
class Front:
    """An optimisation folder, read."""

    root: Path
    manifest: dict[str, Any]
    front: pl.DataFrame
    per_world: pl.DataFrame
    convergence: pl.DataFrame

    @property
    def objectives(self) -> list[dict[str, Any]]:
        return self.manifest["objectives"]

    @property
    def levers(self) -> list[str]:
        return [v["key"] for v in self.manifest["variables"]]


def is_front(root: str | Path) -> bool:
    """Whether ``root`` holds an optimisation's folder (a sweep's manifest has no kind)."""
    try:
        data = json.loads((Path(root) / MANIFEST).read_text())
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and data.get("kind") == KIND


def read_front(root: str | Path) -> Front:
    """Read an optimisation folder; a missing or damaged one is one ``ScenarioError`` line."""
    root = Path(root)
    if not is_front(root):
        raise ScenarioError(str(root), "", "not an optimisation folder (no manifest.json of "
                            "kind 'aiecosim optimization'); run `aiecosim optimize` first")
    try:
        frames = [pl.read_parquet(root / name) for name in (FRONT, WORLDS, CONVERGENCE)]
    except Exception as exc:  # a missing or damaged file: polars raises several types
        raise ScenarioError(str(root), "", f"unreadable front ({type(exc).__name__}); rerun "
                            "aiecosim optimize into a new folder") from None
    return Front(root, json.loads((root / MANIFEST).read_text()), *frames)
