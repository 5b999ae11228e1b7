"""Which part files are a sweep's own: one small index entry per finished task.

``DIR/index/task-NNNNNNNN.json`` holds the task's run ids and the SHA-256 and size of its two
part files (``runs/`` and ``series/``). A task writes its series, then its entry, then renames
its summary into place, so a kill at any moment leaves either a finished task or pieces that a
resume discards silently (a series or an entry without a summary). A summary file with no
entry did not come from this sweep's driver (a copy, say), and one whose bytes no longer match
its entry was edited or damaged. Readers use only the parts that check out and name the rest
in one line each; a resume sets the rest aside and reruns their runs.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

CHUNK = 1 << 20


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def file_record(path: Path) -> dict[str, Any]:
    return {"sha256": sha256(path), "bytes": Path(path).stat().st_size}


def index_entry(task_id: str, run_ids: list[int], runs_file: Path, series_file: Path) -> dict[str, Any]:
    return {"task": task_id, "runs": [int(r) for r in run_ids],
            "files": {"runs": file_record(runs_file), "series": file_record(series_file)}}


@dataclass
class Audit:
    """The outcome of checking a sweep folder's parts against its index."""

    good: list[str] = field(default_factory=list)  # task ids whose parts check out, in order
    bad: dict[str, str] = field(default_factory=dict)  # task id -> why it cannot be trusted
    strays: list[Path] = field(default_factory=list)  # summary files with no index entry
    unfinished: list[str] = field(default_factory=list)  # entries without a summary (a kill)

    def warnings(self, root: Path, resuming: bool) -> list[str]:
        """One line per part a reader must not trust, saying what happens to it."""
        fate = "set aside; its runs will run again" if resuming else \
            "left out; rerun the same sweep command to run its runs again"
        lines = [f"{root / 'runs' / (task + '.parquet')}: {why}; {fate}"
                 for task, why in self.bad.items()]
        stray_fate = "set aside" if resuming else "ignored"
        lines += [f"{path}: not in the sweep's index (copied in from elsewhere?); {stray_fate}"
                  for path in self.strays]
        return lines


def audit(root: Path, legacy: bool) -> Audit:
    """Check every summary file under ``root/runs`` against ``root/index``.

    ``legacy``: the folder predates the index (manifest format 1). Its readable summaries are
    trusted as they were then, and an unreadable one is bad.
    """
    runs_dir, series_dir, index_dir = root / "runs", root / "series", root / "index"
    result = Audit()
    summaries = {p.stem: p for p in sorted(runs_dir.glob("task-*.parquet"))} if runs_dir.is_dir() else {}
    entries = _entries(index_dir)
    claimed: set[int] = set()
    for task, path in summaries.items():
        entry = entries.get(task)
        if entry is None and not legacy:
            result.strays.append(path)
            continue
        why = _legacy_problem(path, series_dir / path.name) if entry is None else _problem(entry, path, series_dir / path.name)
        if why is None:
            ids = set(entry["runs"]) if entry is not None else _run_ids(path)
            if ids & claimed:
                why = "holds runs that another part already holds"
            claimed |= ids
        if why is None:
            result.good.append(task)
        else:
            result.bad[task] = why
    result.unfinished = sorted(set(entries) - set(summaries))
    return result


def _entries(index_dir: Path) -> dict[str, dict[str, Any]]:
    entries = {}
    for path in sorted(index_dir.glob("task-*.json")) if index_dir.is_dir() else []:
        try:
            entries[path.stem] = json.loads(path.read_text())
        except (OSError, ValueError):
            continue  # an unreadable entry vouches for nothing: its summary counts as a stray
    return entries


def _problem(entry: dict[str, Any], summary: Path, series: Path) -> str | None:
    for kind, path in (("runs", summary), ("series", series)):
        expected = entry.get("files", {}).get(kind, {})
        if not path.is_file():
            return f"its {kind} part is missing"
        if path.stat().st_size != expected.get("bytes") or sha256(path) != expected.get("sha256"):
            return f"its {kind} part does not match the checksum in index/{summary.stem}.json " \
                   "(edited or damaged)"
    return None


def _legacy_problem(summary: Path, series: Path) -> str | None:
    if not series.is_file():
        return "its series part is missing"
    try:
        _run_ids(summary)
    except Exception as exc:  # polars raises several types for a damaged file
        return f"unreadable ({type(exc).__name__})"
    return None


def _run_ids(summary: Path) -> set[int]:
    return set(pl.read_parquet(summary, columns=["run"])["run"].to_list())
