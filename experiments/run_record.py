"""The files `aiecosim run --out` writes, and the provenance that says how they were made.

Parquet files carry the provenance as JSON in their schema metadata under ``aiecosim.provenance``;
CSV files, which have no metadata, get a sidecar ``FILE.csv.provenance.json``. Nothing in the
provenance is a time stamp, so the same command writes the same bytes.
"""

from __future__ import annotations

import json
import subprocess
from importlib import metadata
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow.parquet as pq

from aiecosim.experiments.atomic import write_atomically
from aiecosim.model.scenario import Scenario

KEY = "aiecosim.provenance"
REPO = Path(__file__).resolve().parent.parent
SUFFIXES = (".parquet", ".csv")


def provenance(scenario: Scenario, seeds: list[int], source: str,
               overrides: dict[str, Any]) -> dict[str, Any]:
    """What is needed to make the same file again."""
    return {
        "scenario_file": source,
        "overrides": overrides,
        "scenario_hash": scenario.digest(),
        "seeds": seeds,
        "aiecosim_version": package_version(),
        "git_commit": git_commit(),
        "scenario": scenario.to_dict(),
    }


def package_version() -> str:
    try:
        return metadata.version("aiecosim")
    except metadata.PackageNotFoundError:
        return "unknown"


def git_commit() -> str | None:
    """The checkout's commit, with ``+dirty`` when files differ from it; None outside a checkout."""
    if not (REPO / ".git").exists():  # an installed copy: an enclosing repository is not ours
        return None
    try:
        head = _git("rev-parse", "HEAD")
        dirty = _git("status", "--porcelain", "--untracked-files=no")
    except (OSError, subprocess.SubprocessError):
        return None
    return f"{head}+dirty" if dirty else head


def _git(*args: str) -> str:
    done = subprocess.run(["git", "-C", str(REPO), *args], capture_output=True, text=True,
                          timeout=10, check=True)
    return done.stdout.strip()


def sidecar(path: Path) -> Path:
    return path.with_name(path.name + ".provenance.json")


def write_frame(frame: pl.DataFrame, path: Path, info: dict[str, Any]) -> None:
    """Write ``frame`` to ``path`` (.parquet or .csv) with ``info`` beside or inside it."""
    text = json.dumps(info, sort_keys=True, separators=(",", ":"))
    if path.suffix == ".parquet":
        table = frame.to_arrow()
        table = table.replace_schema_metadata({**(table.schema.metadata or {}), KEY: text})
        write_atomically(path, lambda tmp: pq.write_table(table, tmp))
        return
    pretty = json.dumps(info, sort_keys=True, indent=2) + "\n"
    # The sidecar first, so a data file never exists without its provenance.
    write_atomically(sidecar(path), lambda tmp: tmp.write_text(pretty))
    write_atomically(path, lambda tmp: frame.write_csv(tmp))


def read_provenance(path: str | Path) -> dict[str, Any]:
    """The provenance written with a result file by ``write_frame``."""
    path = Path(path)
    if path.suffix == ".parquet":
        return json.loads(pq.read_schema(path).metadata[KEY.encode()])
    return json.loads(sidecar(path).read_text())
