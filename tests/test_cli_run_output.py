"""``aiecosim run --out``: the monthly series with its provenance, the same bytes every time."""

from __future__ import annotations

import subprocess
from importlib import metadata

import polars as pl
import pytest

from aiecosim.model.catalogue import shipped
from aiecosim.cli.main import main
from aiecosim.experiments.run_record import read_provenance, sidecar
from aiecosim.model import Scenario, simulate

from support.runs import REPO, SCENARIOS

AIECOSIM = REPO / ".venv" / "bin" / "aiecosim"
SHORT = ["--set", "steps=24"]  # two years: enough to exercise every mechanism, cheap to repeat


@pytest.mark.parametrize("path", shipped(), ids=lambda p: p.stem)
def test_run_writes_the_same_bytes_twice(path, tmp_path):
    files = [tmp_path / f"{i}.parquet" for i in (1, 2)]
    for out in files:
        assert main(["run", path.stem, "--seed", "3", *SHORT, "--out", str(out)]) == 0
    assert files[0].read_bytes() == files[1].read_bytes()


def test_a_fresh_process_writes_the_same_bytes(tmp_path):
    here, there = tmp_path / "here.csv", tmp_path / "there.csv"
    assert main(["run", "history-2023", "--seed", "5", "--out", str(here)]) == 0
    subprocess.run([str(AIECOSIM), "run", "history-2023", "--seed", "5", "--out", str(there)],
                   check=True, capture_output=True, timeout=300)
    assert here.read_bytes() == there.read_bytes()
    assert sidecar(here).read_bytes() == sidecar(there).read_bytes()


def test_parquet_holds_the_series_and_its_provenance(tmp_path, capsys):
    out = tmp_path / "runs" / "liability.parquet"
    args = ["run", "strict-developer-liability", "--seed", "4", "--set", "steps=36",
            "--set", "policy.liability.strength=0.6", "--out", str(out)]
    assert main(args) == 0
    expected_world = Scenario.load(SCENARIOS / "strict-developer-liability.toml").with_overrides(
        {"steps": 36, "policy.liability.strength": 0.6})
    frame = pl.read_parquet(out)
    assert frame.drop("seed").equals(simulate(expected_world, seed=4))
    assert frame["seed"].unique().to_list() == [4]
    info = read_provenance(out)
    assert info["scenario"] == expected_world.to_dict()
    assert info["scenario_hash"] == expected_world.digest()
    assert info["seeds"] == [4]
    assert info["overrides"] == {"steps": 36, "policy.liability.strength": 0.6}
    assert info["scenario_file"] == "strict-developer-liability"
    assert info["aiecosim_version"] == metadata.version("aiecosim")
    assert info["git_commit"] is None or len(info["git_commit"].split("+")[0]) == 40
    assert "strict-developer-liability (seed 4" in " ".join(capsys.readouterr().out.split())


def test_seeds_runs_one_to_n_with_a_seed_column_and_a_summary_of_means(tmp_path, capsys):
    out = tmp_path / "three.csv"
    assert main(["run", "baseline", "--seeds", "3", "--set", "steps=12", "--out", str(out)]) == 0
    frame = pl.read_csv(out)
    assert frame.group_by("seed").len().sort("seed").rows() == [(1, 12), (2, 12), (3, 12)]
    assert read_provenance(out)["seeds"] == [1, 2, 3]
    shown = " ".join(capsys.readouterr().out.split())
    assert "(seeds 1-3; yearly means ± 95% interval over seeds)" in shown


def test_csv_provenance_is_a_sidecar_and_leaves_no_temporary_files(tmp_path):
    out = tmp_path / "series.csv"
    assert main(["run", "baseline", *SHORT, "--out", str(out)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["series.csv", "series.csv.provenance.json"]
    assert read_provenance(out)["scenario"]["steps"] == 24
