"""A sweep's folder: the manifest, the points, and one parquet file per finished task.

```
DIR/manifest.json            design, resolved scenario and its hash, seeds, versions, git commit
DIR/points.parquet           one row per point: point, label, one column per lever
DIR/runs/task-NNNNNNNN.parquet     per-run summary rows of one task (status, error, outputs)
DIR/series/task-NNNNNNNN.parquet   the monthly series of the same runs
DIR/index/task-NNNNNNNN.json       the task's run ids and both parts' checksums (part_index.py)
DIR/sessions/*.json          one record per sweep session: workers, runs, time, driver memory
DIR/set-aside/               parts a resume found edited, damaged or copied in, kept for a look
DIR/.lock                    held by the one session that writes here (folder_lock.py)
```

Every file is written under a temporary name and renamed into place. A task writes its series,
its index entry, then its summary, so a task counts as done exactly when its ``runs/`` file
exists and matches its entry; the pieces a kill leaves (a series or an entry without a summary)
are removed on resume. Readers see only the parts that check out.
"""

from __future__ import annotations

import json
import shutil
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import polars as pl

from aiecosim.model.errors import ScenarioError
from aiecosim.experiments.atomic import TMP_SUFFIX, staged, write_atomically, write_json
from aiecosim.experiments.folder_lock import LOCK_NAME
from aiecosim.experiments.part_index import Audit, audit, index_entry
from aiecosim.experiments.sweep_manifest import FORMAT, MANIFEST_KEYS



class SweepStore:
    """Reads and writes one sweep folder."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self.manifest_file = self.root / "manifest.json"
        self.points_file = self.root / "points.parquet"
        self.runs_dir = self.root / "runs"
        self.series_dir = self.root / "series"
        self.sessions_dir = self.root / "sessions"
        self.index_dir = self.root / "index"
        self._audit: Audit | None = None

    # ------------------------------------------------------------------------- opening
    def prepare(self, manifest: dict[str, Any], points: pl.DataFrame,
                require_existing: bool) -> list[str]:
        """Start a new sweep here, or continue the same one; refuse anything else. Call it with
        the folder's lock held (``folder_lock``): a resume rewrites what it finds.

        Returns:
            one warning line per part set aside (edited, damaged or copied in).

        Raises:
            ScenarioError: the folder holds other files or another design's sweep, or
                ``require_existing`` is set and there is no sweep to resume.
        """
        self.check(manifest, points, require_existing)
        if self.manifest_file.is_file():
            self._clean_partial()
            warnings = self._set_aside_untrusted()
            if self._points_or_none() is None:  # missing or damaged: it is the design's to redo
                write_atomically(self.points_file, points.write_parquet)
            return warnings
        # The manifest marks the folder as this sweep's; everything else can be redone from it.
        self.index_dir.mkdir(parents=True, exist_ok=True)
        write_json(self.manifest_file, manifest)
        write_atomically(self.points_file, points.write_parquet)
        return []

    def check(self, manifest: dict[str, Any], points: pl.DataFrame, require_existing: bool) -> None:
        """Refuse a folder this sweep cannot start in or resume, without writing anything."""
        if self.manifest_file.is_file():
            self._check_same(manifest, points)
            return
        if self.root.exists() and not self.root.is_dir():
            raise ScenarioError(str(self.root), "",
                                "expected a folder for the results, found a file")
        if require_existing:
            raise ScenarioError(str(self.root), "", "no sweep to resume here (no manifest.json); "
                                "run without --resume to start one")
        if self.root.exists() and any(p.name != LOCK_NAME for p in self.root.iterdir()):
            raise ScenarioError(str(self.root), "", "folder is not empty and holds no aiecosim "
                                "sweep; choose a new or empty folder for --out")

    def _check_same(self, manifest: dict[str, Any], points: pl.DataFrame) -> None:
        old = self.manifest()
        if old.get("fingerprint") != manifest["fingerprint"]:
            raise ScenarioError(
                str(self.root), "", f"holds a sweep of a different design ({old.get('name')!r}, "
                f"fingerprint {old.get('fingerprint')}; this design is {manifest['fingerprint']}); "
                "use another --out folder, or the same design to resume")
        recorded = self._points_or_none()
        if recorded is not None and not recorded.equals(points):
            raise ScenarioError(str(self.root), "points.parquet", "the sampler now gives other "
                                "points than this sweep's (a different SALib version?); "
                                "use another --out folder")

    def _clean_partial(self) -> None:
        """Remove what a killed session left half done: temporary files, and a task's series
        or index entry without its summary."""
        for folder in (self.root, self.runs_dir, self.series_dir, self.index_dir,
                       self.sessions_dir):
            for tmp in folder.glob(f".*{TMP_SUFFIX}"):
                tmp.unlink(missing_ok=True)
        done = {f.stem for f in self._files(self.runs_dir)}
        for orphan in self._files(self.series_dir):
            if orphan.stem not in done:
                orphan.unlink(missing_ok=True)
        for entry in self.index_dir.glob("task-*.json") if self.index_dir.is_dir() else []:
            if entry.stem not in done:
                entry.unlink(missing_ok=True)
        self._audit = None

    def _set_aside_untrusted(self) -> list[str]:
        """Move parts that do not check out to ``set-aside/`` so their runs run again, and
        index a folder that predates the index."""
        found = self.audit()
        warnings = found.warnings(self.root, resuming=True)
        if found.bad or found.strays:
            aside = self.root / "set-aside" / datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%f")
            names = [f"{task}.parquet" for task in found.bad] + [p.name for p in found.strays]
            for folder in (self.runs_dir, self.series_dir):
                for name in names:
                    if (folder / name).exists():
                        (aside / folder.name).mkdir(parents=True, exist_ok=True)
                        shutil.move(folder / name, aside / folder.name / name)
            for task in found.bad:
                (self.index_dir / f"{task}.json").unlink(missing_ok=True)
        if self._legacy():
            for task in found.good:
                self._write_entry(task, self.runs_dir / f"{task}.parquet")
            manifest = self.manifest()
            write_json(self.manifest_file, {**manifest, "format": FORMAT})
        self._audit = None
        return warnings

    # ------------------------------------------------------------------------- writing
    def write_task(self, task_id: str, summary: pl.DataFrame, series: pl.DataFrame) -> None:
        name = f"{task_id}.parquet"
        write_atomically(self.series_dir / name, series.write_parquet)
        with staged(self.runs_dir / name) as tmp:
            summary.write_parquet(tmp)
            self._write_entry(task_id, tmp, summary["run"].to_list())
        if self._audit is not None:
            self._audit.good.append(task_id)

    def _write_entry(self, task_id: str, summary_file: Path,
                     run_ids: list[int] | None = None) -> None:
        """Index a task's parts; ``run_ids`` when the caller holds them, else read back (a
        folder from before the index)."""
        if run_ids is None:
            run_ids = pl.read_parquet(summary_file, columns=["run"])["run"].to_list()
        entry = index_entry(task_id, run_ids, summary_file, self.series_dir / f"{task_id}.parquet")
        write_json(self.index_dir / f"{task_id}.json", entry)

    def write_session(self, name: str, info: dict[str, Any]) -> None:
        write_json(self.sessions_dir / f"{name}.json", info)

    def remove_new(self, existed: bool) -> None:
        """Undo a session that failed before its first run: remove what it wrote here (the
        whole folder when the session created it)."""
        if self.done_runs():
            return
        if not existed:
            shutil.rmtree(self.root, ignore_errors=True)
            return
        for path in (self.manifest_file, self.points_file, self.root / LOCK_NAME):
            path.unlink(missing_ok=True)
        for folder in (self.runs_dir, self.series_dir, self.index_dir, self.sessions_dir):
            shutil.rmtree(folder, ignore_errors=True)

    # ------------------------------------------------------------------------- reading
    def manifest(self) -> dict[str, Any]:
        if not self.manifest_file.is_file():
            raise ScenarioError(str(self.root), "", "no sweep here (no manifest.json)")
        try:
            manifest = json.loads(self.manifest_file.read_text())
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ScenarioError(str(self.manifest_file), "",
                                f"unreadable manifest: {exc}") from None
        if not isinstance(manifest, dict):
            raise ScenarioError(str(self.manifest_file), "", "expected a JSON object, found "
                                f"{type(manifest).__name__}; was the file edited?")
        missing = [key for key in MANIFEST_KEYS if key not in manifest]
        if missing:
            raise ScenarioError(str(self.manifest_file), missing[0], "missing; the manifest was "
                                "edited or cut short (aiecosim sweep writes it whole)")
        return manifest

    def _points_or_none(self) -> pl.DataFrame | None:
        try:
            return self.points()
        except ScenarioError:
            return None

    def points(self) -> pl.DataFrame:
        try:
            return pl.read_parquet(self.points_file)
        except Exception as exc:  # a missing or damaged file: polars raises several types
            raise ScenarioError(str(self.points_file), "", f"unreadable ({type(exc).__name__}); "
                                "rerun the same aiecosim sweep command to rewrite it") from None

    def audit(self) -> Audit:
        """The parts checked against the index, once per store object (see part_index)."""
        if self._audit is None:
            self._audit = audit(self.root, legacy=self._legacy())
        return self._audit

    def warnings(self) -> list[str]:
        """One line per part that readers leave out."""
        return self.audit().warnings(self.root, resuming=False)

    def _legacy(self) -> bool:
        """The folder predates the index: its parts have no entries to check."""
        return self.manifest_file.is_file() and self.manifest().get("format", 1) < FORMAT

    def done_runs(self) -> set[int]:
        files = self._trusted(self.runs_dir)
        if not files:
            return set()
        return set(pl.scan_parquet(files).select("run").collect()["run"].to_list())

    def runs(self) -> pl.DataFrame:
        """Every recorded run (ok and failed), ordered by run number."""
        files = self._trusted(self.runs_dir)
        return pl.read_parquet(files).sort("run") if files else pl.DataFrame()

    def failed_runs(self) -> pl.DataFrame:
        """The failed runs only, read lazily so a large sweep is never loaded whole."""
        files = self._trusted(self.runs_dir)
        if not files:
            return pl.DataFrame()
        return pl.scan_parquet(files).filter(pl.col("status") == "failed").collect().sort("run")

    def series(self, columns: list[str] | None = None) -> pl.DataFrame:
        """The monthly series of every successful run (optionally only some columns)."""
        files = self._trusted(self.series_dir)
        if not files:
            return pl.DataFrame()
        frame = pl.scan_parquet(files)
        if columns is not None:
            frame = frame.select(columns)
        return frame.collect().sort(["run", "step"])

    def series_columns(self) -> list[str]:
        """The columns of the stored monthly series (read from one part's schema)."""
        files = self._trusted(self.series_dir)
        return list(pl.read_parquet_schema(files[0])) if files else []

    def sessions(self) -> list[dict[str, Any]]:
        return [json.loads(f.read_text()) for f in sorted(self.sessions_dir.glob("*.json"))]

    def _trusted(self, folder: Path) -> list[Path]:
        """The part files in ``folder`` of the tasks that check out."""
        return [folder / f"{task}.parquet" for task in self.audit().good]

    @staticmethod
    def _files(folder: Path) -> list[Path]:
        return sorted(folder.glob("task-*.parquet")) if folder.is_dir() else []
