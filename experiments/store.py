"""A sweep's folder: the manifest, the points, and one parquet file per finished task.

```
DIR/manifest.json            design, resolved scenario and its hash, seeds, versions, git commit
DIR/points.parquet           one row per point: point, label, one column per lever
DIR/runs/task-NNNNNNNN.parquet     per-run summary rows of one task (status, error, outputs)
DIR/series/task-NNNNNNNN.parquet   the monthly series of the same runs
DIR/sessions/*.json          one record per sweep session: workers, runs, time, driver memory
```

Every file is written under a temporary name and renamed into place. A task's series is written
before its summary, so a task counts as done exactly when its ``runs/`` file exists; a series
file without its summary (the sweep was killed between the two) is removed on resume.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import polars as pl

from aiecosim.model.errors import ScenarioError
from aiecosim.experiments.atomic import TMP_SUFFIX, write_atomically, write_json


class SweepStore:
    """Reads and writes one sweep folder."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self.manifest_file = self.root / "manifest.json"
        self.points_file = self.root / "points.parquet"
        self.runs_dir = self.root / "runs"
        self.series_dir = self.root / "series"
        self.sessions_dir = self.root / "sessions"

    # ------------------------------------------------------------------------- opening
    def prepare(self, manifest: dict[str, Any], points: pl.DataFrame, require_existing: bool) -> None:
        """Start a new sweep here, or continue the same one; refuse anything else.

        Raises:
            ScenarioError: the folder holds other files or another design's sweep, or
                ``require_existing`` is set and there is no sweep to resume.
        """
        if self.manifest_file.is_file():
            self._check_same(manifest, points)
            self._clean_partial()
            if not self.points_file.exists():
                write_atomically(self.points_file, points.write_parquet)
            return
        if self.root.exists() and not self.root.is_dir():
            raise ScenarioError(str(self.root), "", "expected a folder for the results, found a file")
        if require_existing:
            raise ScenarioError(str(self.root), "", "no sweep to resume here (no manifest.json); "
                                "run without --resume to start one")
        if self.root.exists() and any(self.root.iterdir()):
            raise ScenarioError(str(self.root), "", "folder is not empty and holds no aiecosim "
                                "sweep; choose a new or empty folder for --out")
        # The manifest marks the folder as this sweep's; everything else can be redone from it.
        write_json(self.manifest_file, manifest)
        write_atomically(self.points_file, points.write_parquet)

    def _check_same(self, manifest: dict[str, Any], points: pl.DataFrame) -> None:
        old = self.manifest()
        if old.get("fingerprint") != manifest["fingerprint"]:
            raise ScenarioError(
                str(self.root), "", f"holds a sweep of a different design ({old.get('name')!r}, "
                f"fingerprint {old.get('fingerprint')}; this design is {manifest['fingerprint']}); "
                "use another --out folder, or the same design to resume")
        if self.points_file.exists() and not pl.read_parquet(self.points_file).equals(points):
            raise ScenarioError(str(self.root), "points.parquet", "the sampler now gives other "
                                "points than this sweep's (a different SALib version?); "
                                "use another --out folder")

    def _clean_partial(self) -> None:
        for folder in (self.root, self.runs_dir, self.series_dir, self.sessions_dir):
            for tmp in folder.glob(f".*{TMP_SUFFIX}"):
                tmp.unlink(missing_ok=True)
        done = {f.name for f in self._files(self.runs_dir)}
        for orphan in self._files(self.series_dir):
            if orphan.name not in done:
                orphan.unlink(missing_ok=True)

    # ------------------------------------------------------------------------- writing
    def write_task(self, task_id: str, summary: pl.DataFrame, series: pl.DataFrame) -> None:
        name = f"{task_id}.parquet"
        write_atomically(self.series_dir / name, series.write_parquet)
        write_atomically(self.runs_dir / name, summary.write_parquet)

    def write_session(self, name: str, info: dict[str, Any]) -> None:
        write_json(self.sessions_dir / f"{name}.json", info)

    # ------------------------------------------------------------------------- reading
    def manifest(self) -> dict[str, Any]:
        if not self.manifest_file.is_file():
            raise ScenarioError(str(self.root), "", "no sweep here (no manifest.json)")
        try:
            return json.loads(self.manifest_file.read_text())
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ScenarioError(str(self.manifest_file), "", f"unreadable manifest: {exc}") from None

    def points(self) -> pl.DataFrame:
        return pl.read_parquet(self.points_file)

    def done_runs(self) -> set[int]:
        files = self._files(self.runs_dir)
        if not files:
            return set()
        return set(pl.scan_parquet(files).select("run").collect()["run"].to_list())

    def runs(self) -> pl.DataFrame:
        """Every recorded run (ok and failed), ordered by run number."""
        files = self._files(self.runs_dir)
        return pl.read_parquet(files).sort("run") if files else pl.DataFrame()

    def failed_runs(self) -> pl.DataFrame:
        """The failed runs only, read lazily so a large sweep is never loaded whole."""
        files = self._files(self.runs_dir)
        if not files:
            return pl.DataFrame()
        return pl.scan_parquet(files).filter(pl.col("status") == "failed").collect().sort("run")

    def series(self, columns: list[str] | None = None) -> pl.DataFrame:
        """The monthly series of every successful run (optionally only some columns)."""
        files = self._files(self.series_dir)
        if not files:
            return pl.DataFrame()
        frame = pl.scan_parquet(files)
        if columns is not None:
            frame = frame.select(columns)
        return frame.collect().sort(["run", "step"])

    def sessions(self) -> list[dict[str, Any]]:
        return [json.loads(f.read_text()) for f in sorted(self.sessions_dir.glob("*.json"))]

    @staticmethod
    def _files(folder: Path) -> list[Path]:
        return sorted(folder.glob("task-*.parquet")) if folder.is_dir() else []
