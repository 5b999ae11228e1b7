"""A sweep's manifest: the design, the resolved scenario and its hash, seeds, versions, commit.

The manifest marks a folder as one design's sweep: its fingerprint decides whether a rerun
resumes the folder or is refused.
"""

from __future__ import annotations

import platform
from datetime import datetime, timezone
from importlib import metadata
from typing import Any

from aiecosim.experiments.run_record import git_commit

FORMAT = 2  # 2: parts are indexed with checksums (part_index.py); 1: before the index

# What readers of a sweep folder rely on; a manifest without one of them is refused by name.
MANIFEST_KEYS = ("name", "fingerprint", "design", "variables", "outputs", "seeds", "points",
                 "runs", "scenario")

PACKAGES = ("aiecosim", "mesa", "numpy", "polars", "pyarrow", "pydantic", "dask", "distributed",
            "SALib", "plotly")


def package_versions() -> dict[str, str | None]:
    versions: dict[str, str | None] = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def sweep_manifest(experiment, points: int) -> dict[str, Any]:
    """Everything needed to redo the sweep and to recognise it on a rerun."""
    design, scenario = experiment.design, experiment.scenario
    seeds = experiment.seeds()
    return {
        "format": FORMAT,
        "name": design.name,
        "description": design.description,
        "fingerprint": experiment.fingerprint(),
        "design_file": experiment.source,
        "design": design.model_dump(mode="json"),
        "variables": [v.to_dict() for v in experiment.variables],
        "outputs": list(design.outputs),
        "summary_months": design.summary_months,
        "seeds": seeds,
        "points": points,
        "runs": points * len(seeds),
        "months": scenario.steps,
        "scenario": {"name": scenario.name, "digest": scenario.digest(),
                     "resolved": scenario.to_dict()},
        "versions": package_versions(),
        "git_commit": git_commit(),
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
