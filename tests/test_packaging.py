"""The wheel's package list: every layer folder with Python in it is shipped, under `aiecosim`.

The build itself, installed into a fresh venv outside the checkout and used from there, is
`scripts/check-wheel` (run by CI after the suite).
"""

from __future__ import annotations

import tomllib

from support.runs import REPO

LAYERS = ("model", "experiments", "dashboard", "cli", "benchmarks", "scenarios", "calibration")


def _setuptools() -> dict:
    return tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]


def test_every_package_folder_is_in_the_wheel_under_the_aiecosim_namespace():
    config = _setuptools()
    mapped = {folder: name for name, folder in config["package-dir"].items()}
    assert set(mapped) == set(LAYERS)
    found = set()
    for layer in LAYERS:
        for init in (REPO / layer).rglob("__init__.py"):
            parts = init.parent.relative_to(REPO / layer).parts
            found.add(".".join((mapped[layer], *parts)))
    assert found == set(config["packages"]), (
        f"pyproject's packages differ from the folders: missing {sorted(found - set(config['packages']))}, "
        f"extra {sorted(set(config['packages']) - found)}")
    assert all(name.startswith("aiecosim.") for name in config["packages"])


def test_shipped_data_are_read_from_the_package_not_the_checkout():
    from aiecosim.model.catalogue import BASELINE, CATALOGUE

    assert BASELINE.is_file() and (CATALOGUE / "scenario.schema.json").is_file()
    data = _setuptools()["package-data"]
    assert "*.toml" in data["aiecosim.scenarios"] and "*.css" in data["aiecosim.dashboard.assets"]
