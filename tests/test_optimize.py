"""``aiecosim optimize``: a small robust policy search end to end, its front, its report, its
Pareto view, and bad input as one line with exit status 2.

The search here is tiny (3 worlds, 12 months, small populations, 24 policies of 8 a
generation: 72 runs of a few hundredths of a second), so each test takes seconds; the shipped
design is only loaded and sized.
"""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import numpy as np
import polars as pl
import pytest
import tomli_w
from selenium.webdriver.common.by import By

from aiecosim.cli.main import main
from aiecosim.dashboard import runs
from aiecosim.dashboard.app import create_app
from aiecosim.experiments.executor import Executor
from aiecosim.experiments.front_store import FRONT, read_front
from aiecosim.experiments.optimize_design import load_optimization
from aiecosim.experiments.robust import run_search
from support.dashboard import HAVE_BROWSER, aiecosim, copy_scenarios, free_port, wait_until
from support.runs import REPO, SCENARIOS

POSTERIOR = REPO / "calibration" / "posterior-2023.parquet"
SMALL = {"populations.startups.segments": 15, "populations.academics.count": 500,
         "populations.bad_actors.count": 1000}
TINY = {
    "name": "tiny-search", "scenario": str(SCENARIOS / "baseline.toml"),
    "posterior": str(POSTERIOR), "worlds": 3, "world_seed": 1, "seed": 3, "nfe": 24,
    "population": 8, "months": 12, "set": {**SMALL, "policy.liability.bearer": "developer"},
    "levers": {"policy.release_regime": {"values": ["open-weights", "api-only", "lab-choice"]},
               "policy.liability.strength": {"min": 0.0, "max": 1.0},
               "policy.compute_subsidy.budget_usd_bn": {"min": 0.0, "max": 4.0}},
    # Small epsilons: a front of several policies, so the pairwise checks check something.
    "objectives": {"innovation": {"direction": "maximize", "epsilon": 0.05},
                   "misuse_harm": {"direction": "minimize", "epsilon": 0.05},
                   "hhi": {"direction": "minimize", "percentile": 90, "epsilon": 5.0}},
}


def write_design(folder: Path, name: str = "tiny", **changes) -> Path:
    path = folder / f"{name}.toml"
    path.write_text(tomli_w.dumps({**TINY, **changes}))
    return path


@pytest.fixture(scope="module")
def design(tmp_path_factory) -> Path:
    return write_design(tmp_path_factory.mktemp("designs"))


@pytest.fixture(scope="module")
def front_dir(design, tmp_path_factory) -> Path:
    """The tiny search's front, written by the real command line on one worker."""
    out = tmp_path_factory.mktemp("results") / "front"
    done = aiecosim("optimize", str(design), "--out", str(out), "--workers", "1")
    assert done.returncode == 0, done.stderr
    assert "policies on the front" in done.stdout
    return out


def minimised(front, objectives) -> np.ndarray:
    """Each policy's scores, signs turned so that lower is better in every column."""
    return np.column_stack([front[o["column"]].to_numpy() * (-1 if o["direction"] == "maximize"
                                                              else 1) for o in objectives])


@pytest.mark.timeout(60)
def test_the_front_is_non_dominated_finite_and_scored_by_its_percentiles(front_dir):
    found = read_front(front_dir)
    front, objectives = found.front, found.objectives
    assert len(front) >= 2
    assert [o["column"] for o in objectives] == ["innovation_p10", "misuse_harm_p90", "hhi_p90"]
    scores = minimised(front, objectives)
    assert np.isfinite(scores).all()
    for i, a in enumerate(scores):
        for j, b in enumerate(scores):
            assert i == j or not (np.all(a <= b) and np.any(a < b)), f"{i} dominates {j}"
    # Each score is its percentile over the same three worlds, world i with the same seed.
    worlds = found.per_world.sort("policy", "world")
    per_world = worlds.group_by("world").agg(pl.col("seed").n_unique(), pl.len())
    assert per_world["seed"].to_list() == [1, 1, 1] and set(per_world["len"]) == {len(front)}
    for o in objectives:
        by_policy = worlds.group_by("policy", maintain_order=True).agg(o["metric"])
        for policy, values in by_policy.rows():
            robust = np.percentile(values, o["percentile"])
            assert math.isclose(front.filter(pl.col("policy") == policy)[o["column"]].item(),
                                robust, rel_tol=1e-12)
    levers = found.levers
    assert front.columns == ["policy", *levers, *(o["column"] for o in objectives)]
    assert set(front["policy.release_regime"]) <= {"open-weights", "api-only", "lab-choice"}
    assert found.manifest["command"].startswith("aiecosim optimize ")
    assert found.manifest["fingerprint"] and found.manifest["timings"]["seconds"] > 0


@pytest.mark.timeout(90)
def test_same_design_gives_identical_files_on_two_workers_and_in_process(design, front_dir,
                                                                         tmp_path):
    kept = {name: (front_dir / name).read_bytes()
            for name in (FRONT, "worlds.parquet", "convergence.parquet")}
    again = tmp_path / "again"
    done = aiecosim("optimize", str(design), "--out", str(again), "--workers", "2")
    assert done.returncode == 0, done.stderr
    assert {name: (again / name).read_bytes() for name in kept} == kept
    # Dask's threads draw from Python's random module too; the search must not notice them.
    with Executor("in-process") as executor:
        result = run_search(load_optimization(design), executor)
    assert result.front.equals(pl.read_parquet(front_dir / FRONT))


@pytest.mark.timeout(60)
def test_a_rerun_replaces_the_front_whole_and_another_design_is_refused(design, front_dir,
                                                                         tmp_path, capsys):
    out = tmp_path / "front"
    shutil.copytree(front_dir, out)
    (out / "report.html").write_text("old")
    other = write_design(tmp_path, "other", seed=4, nfe=8)
    assert main(["optimize", str(other), "--out", str(out), "--workers", "1"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "front of another design ('tiny-search'" in err[0]
    assert main(["optimize", str(design), "--out", str(out), "--workers", "1"]) == 0
    assert (out / FRONT).read_bytes() == (front_dir / FRONT).read_bytes()
    assert not (out / "report.html").exists()  # the old folder went whole, not file by file
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


@pytest.mark.parametrize("changes, key, problem", [
    ({"nfee": 10}, "nfee", "did you mean 'nfe'?"),
    ({"levers": {"policy.liability.strenght": {"min": 0.0, "max": 1.0}}},
     "levers.policy.liability.strenght", "did you mean 'policy.liability.strength'?"),
    ({"levers": {"policy.liability.strength": {"mni": 0.0, "max": 1.0}}},
     "levers.policy.liability.strength.mni", "did you mean 'min'?"),
    ({"levers": {"policy.liability.strength": {"min": 0.0, "max": 2.0}}},
     "levers.policy.liability.strength.max", "expected less than or equal to 1, found 2.0"),
    ({"objectives": {"inovation": {"direction": "maximize", "epsilon": 1.0},
                     "hhi": {"direction": "minimize", "epsilon": 1.0}}},
     "objectives.inovation", "did you mean 'innovation'?"),
    ({"objectives": {"innovation": {"direction": "maximize", "epsilon": 1.0, "percentile": 150},
                     "hhi": {"direction": "minimize", "epsilon": 1.0}}},
     "objectives.innovation.percentile", "expected less than or equal to 100, found 150"),
    ({"objectives": {"innovation": {"direction": "up", "epsilon": 1.0},
                     "hhi": {"direction": "minimize", "epsilon": 1.0}}},
     "objectives.innovation.direction", "expected 'maximize' or 'minimize', found 'up'"),
    ({"nfe": "many"}, "nfe", "expected a valid integer, found 'many'"),
    ({"worlds": "3"}, "worlds", "expected a valid integer, found '3'"),
    ({"set": {"policy.liability.strenght": 0.5}}, "set.policy.liability.strenght",
     "did you mean 'strength'?"),
    ({"method": "grid"}, "method", "this is a sweep design; run it with `aiecosim sweep`"),
    ({"population": 50}, "nfe", "expected at least one generation of population (50)"),
])
def test_a_bad_design_is_one_line_naming_file_and_key(tmp_path, capsys, changes, key, problem):
    path = write_design(tmp_path, **changes)
    out = tmp_path / "out"
    assert main(["optimize", str(path), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1, err
    assert f"{path}: {key}: " in err and problem in err
    assert not out.exists()


def test_an_out_folder_holding_something_else_is_refused_untouched(design, tmp_path, capsys):
    out = tmp_path / "busy"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    assert main(["optimize", str(design), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and f"--out: {out}: folder holds something " in err
    assert [p.name for p in out.iterdir()] == ["notes.txt"]


def test_the_real_command_prints_one_line_and_no_traceback(tmp_path):
    path = write_design(tmp_path, levers={"policy.liability.strenght": {"min": 0.0, "max": 1.0}})
    done = aiecosim("optimize", str(path), "--out", str(tmp_path / "out"))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines() == [
        f"aiecosim: {path}: levers.policy.liability.strenght: unknown key "
        "'policy.liability.strenght'; did you mean 'policy.liability.strength'? (a search "
        "varies policy levers; other keys go in set)"]


def test_the_shipped_design_loads_and_quick_is_small():
    full = load_optimization("robust-policy")
    quick = load_optimization("robust-policy", quick=True)
    assert full.design.nfe * len(full.worlds) <= 2000  # about an hour on two cores, at most
    assert len(quick.worlds) <= 3 and quick.scenario.steps <= 24 and quick.design.nfe <= 48
    assert [o["percentile"] for o in full.objectives()] == [10, 90, 90]


def test_the_report_renders_the_front_with_units_and_percentiles(front_dir, tmp_path, capsys):
    page = tmp_path / "front.html"
    assert main(["report", str(front_dir), "--out", str(page)]) == 0
    html = page.read_text()
    rows = len(read_front(front_dir).front)
    assert f"The front ({rows} policies)" in html and 'id="front"' in html
    assert html.count("<tr>") >= rows + 1
    assert "innovation (USD bn/month): 10th percentile of 3 worlds, higher is better" in html
    assert "hhi (0-10,000): 90th percentile of 3 worlds, lower is better" in html
    assert "policy.compute_subsidy.budget_usd_bn (USD bn/year)" in html
    assert 'id="fig-front"' in html
    assert main(["report", str(front_dir), "--x", "policy.liability.strength"]) == 2
    assert "applies to a sweep's report" in capsys.readouterr().err


@pytest.mark.browser
@pytest.mark.skipif(not HAVE_BROWSER, reason="needs chromium and chromium-driver")
@pytest.mark.timeout(150)
def test_pareto_view_opens_a_clicked_policy_in_explore(dash_duo, front_dir, tmp_path):
    # As in test_dashboard_browser.py: the run pool starts before dash_duo's server thread.
    runs.shared().start().result(timeout=120)
    scenarios = copy_scenarios(tmp_path)
    app = create_app(scenarios_dir=scenarios, results_dir=front_dir.parent,
                     cache_dir=tmp_path / "jobs")
    dash_duo.start_server(app, port=free_port())
    dash_duo.driver.set_window_size(1440, 1000)
    dash_duo.driver.get(f"{dash_duo.server_url.rstrip('/')}/?view=results&results=front")
    dash_duo.wait_for_element("#results-provenance", timeout=60)
    dash_duo.wait_for_element("#pareto-graph .js-plotly-plot", timeout=60)
    front = read_front(front_dir).front
    where = "#pareto-graph .js-plotly-plot"
    shown = dash_duo.driver.execute_script(
        f"return document.querySelector('{where}').data[0].customdata;")
    assert shown == front["policy"].to_list()
    # The first policy's place on the plot, as fractions of the plotting area.
    fx, fy = dash_duo.driver.execute_script(
        f"const g = document.querySelector('{where}'), t = g.data[0];"
        "const xa = g._fullLayout.xaxis, ya = g._fullLayout.yaxis;"
        "return [xa.d2p(t.x[0]) / xa._length, ya.d2p(t.y[0]) / ya._length];")
    strength = front["policy.liability.strength"][0]

    def opened() -> bool:
        url = dash_duo.driver.current_url
        return f"policy.liability.strength={strength}" in url and "spread=worlds" in url

    for _ in range(5):  # plotly may still be wiring its click handler on a busy machine
        dash_duo.click_at_coord_fractions(f"{where} .nsewdrag", fx, fy)
        try:
            wait_until(opened, timeout=6, message="the clicked policy in the URL")
            break
        except AssertionError:
            continue
    assert opened()
    url = dash_duo.driver.current_url
    assert f"policy.release_regime={front['policy.release_regime'][0]}" in url
    assert "seeds=3" in url and "steps=12" in url and "policy.liability.bearer=developer" in url
    wait_until(lambda: dash_duo.find_element("#tabs .nav-link.active").text == "Explore",
               message="Explore shown")
    # Explore reruns the policy in the front's own three worlds (and lets the server stop idle).
    wait_until(lambda: "3 plausible worlds" in dash_duo.find_element("#explore-status").text,
               timeout=90, message="Explore's runs in the front's worlds")
    logs = [e for e in dash_duo.get_logs() if "favicon.ico" not in e["message"]]
    assert logs == []


def test_a_search_design_given_to_sweep_points_to_optimize(tmp_path):
    from support.sweeps import run_cli

    done = run_cli("sweep", "robust-policy", "--out", tmp_path / "out")
    assert done.returncode == 2 and done.stderr.count("\n") == 1, done.stderr
    assert "objectives: this is a policy search design; run it with `aiecosim optimize`" \
        in done.stderr
    assert not (tmp_path / "out").exists()
