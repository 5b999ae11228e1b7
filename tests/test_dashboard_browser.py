"""The dashboard in a real headless Chromium (dash[testing]'s ``dash_duo``), served for real.

Each test drives the page as a researcher would and saves a screenshot of the view it shows
(into ``$AIECOSIM_SCREENSHOTS`` when set, e.g. docs/images; otherwise a temporary folder).
"""

from __future__ import annotations

import re
import shutil
import tomllib
from pathlib import Path

import polars as pl
import pytest
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from aiecosim.dashboard import runs
from aiecosim.dashboard.app import create_app
from support.dashboard import (HAVE_BROWSER, aiecosim, copy_scenarios, free_port, make_sweep,
                               screenshot_dir, wait_until)
from aiecosim.model import Scenario

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not HAVE_BROWSER, reason="needs chromium and chromium-driver")]

SEVERE_IGNORED = ("favicon.ico",)  # the browser asks for one; its 404 is not the app's error


@pytest.fixture(scope="module", autouse=True)
def pool_before_servers():
    """Start the shared run pool before any test server: dash_duo stops its server thread by
    raising SystemExit in every thread started after it, which would take the pool's threads."""
    runs.shared().start().result(timeout=120)


@pytest.fixture
def scenarios(tmp_path: Path) -> Path:
    return copy_scenarios(tmp_path)


@pytest.fixture(scope="module")
def sweep_results(tmp_path_factory) -> Path:
    results = tmp_path_factory.mktemp("sweeps") / "results"
    results.mkdir()
    make_sweep(results, "small")
    return results


def open_app(dash_duo, scenarios: Path, query: str = "", results: Path | None = None) -> str:
    """Serve a fresh app on a free port and open it at ``query``; return the base URL."""
    app = create_app(scenarios_dir=scenarios, results_dir=results or scenarios.parent / "results",
                     cache_dir=scenarios.parent / "jobs")
    dash_duo.start_server(app, port=free_port())
    base = dash_duo.server_url.rstrip("/")
    dash_duo.driver.set_window_size(1440, 1000)
    dash_duo.driver.get(f"{base}/{query}")
    return base


def severe_logs(dash_duo) -> list[dict]:
    return [e for e in dash_duo.get_logs() if not any(s in e["message"] for s in SEVERE_IGNORED)]


def wait_for_explore(dash_duo, timeout: float = 90) -> None:
    dash_duo.wait_for_element("#explore-diff-table", timeout=timeout)
    wait_until(lambda: dash_duo.driver.find_elements(By.CSS_SELECTOR, ".dash-slider-root"),
               message="sliders drawn")


def series(dash_duo, metric: str, trace: int) -> list[float]:
    """The y values of one trace of an Explore graph (1: scenario mean, 3: reference mean)."""
    return dash_duo.driver.execute_script(
        "const g = document.querySelector(arguments[0] + ' .js-plotly-plot');"
        "return g && g.data && g.data[arguments[1]] ? Array.from(g.data[arguments[1]].y) : null;",
        f"#explore-graph-{metric}", trace)


def text_of(dash_duo, selector: str) -> str:
    """The text of an element that callbacks may be redrawing ("" while it is absent)."""
    try:
        found = dash_duo.driver.find_elements(By.CSS_SELECTOR, selector)
        return found[0].text if found else ""
    except StaleElementReferenceException:
        return ""


def lever_box(dash_duo, key: str):
    return dash_duo.driver.find_element(By.CSS_SELECTOR, f'[data-key="{key}"] input')


def type_into(element, text: str) -> None:
    element.send_keys(Keys.CONTROL, "a")
    element.send_keys(text, Keys.TAB)  # leaving the box commits it (sliders ignore Enter)


def shot(dash_duo, tmp_path: Path, name: str) -> Path:
    """Save a screenshot once the sidebar's sliders and every spinner have settled."""
    wait_until(lambda: dash_duo.driver.find_elements(By.CSS_SELECTOR, ".dash-slider-root"),
               message="sliders drawn")
    wait_until(lambda: not dash_duo.driver.execute_script(
        "return [...document.querySelectorAll('.dash-spinner-container, .dash-default-spinner')]"
        ".some(e => e.offsetParent !== null);"), message="spinners gone")
    path = screenshot_dir(tmp_path) / name
    dash_duo.driver.save_screenshot(str(path))
    assert path.stat().st_size > 10_000, f"{name} looks empty"
    return path


@pytest.mark.timeout(150)
def test_app_loads_without_console_errors(dash_duo, scenarios, tmp_path):
    open_app(dash_duo, scenarios,
             "?seeds=3&policy.liability.bearer=developer&policy.liability.strength=0.8")
    wait_for_explore(dash_duo)
    rows = dash_duo.driver.find_elements(By.CSS_SELECTOR, "#explore-diff-table tbody tr")
    assert [r.get_attribute("data-metric") for r in rows][:2] == ["innovation", "hhi"]
    assert dash_duo.find_element("#levers").text.startswith("Release regime")
    assert severe_logs(dash_duo) == []
    shot(dash_duo, tmp_path, "dashboard-explore.png")


@pytest.mark.timeout(150)
def test_moving_the_liability_lever_changes_the_plotted_series(dash_duo, scenarios):
    open_app(dash_duo, scenarios, "?seeds=2")
    wait_for_explore(dash_duo)
    before, reference = series(dash_duo, "welfare", 1), series(dash_duo, "welfare", 3)
    assert before and before == reference  # the picked scenario is the reference until moved

    type_into(lever_box(dash_duo, "policy.liability.strength"), "1")
    wait_until(lambda: "policy.liability.strength=1" in dash_duo.driver.current_url,
               message="the URL carries the lever")
    after = wait_until(lambda: (s := series(dash_duo, "welfare", 1)) != before and s,
                       timeout=90, message="the welfare series to change")
    assert after != before
    assert series(dash_duo, "welfare", 3) == reference

    type_into(lever_box(dash_duo, "policy.liability.strength"), "0.1")  # back: from the cache
    wait_until(lambda: series(dash_duo, "welfare", 1) == before, timeout=30,
               message="moving the lever back restores the series")
    assert "policy.liability.strength" not in dash_duo.driver.current_url
    assert severe_logs(dash_duo) == []


def map_runs_under_way() -> int:
    """Runs the shared executor is computing or has queued: the map's, once Explore is done."""
    return runs.shared().in_flight()


@pytest.mark.timeout(170)
def test_policy_map_completes_with_progress_and_can_be_cancelled(dash_duo, scenarios, tmp_path):
    # 36 ten-year runs: several of the progress bar's polls, so one of them is seen (18
    # five-year runs could finish between two polls on a quiet machine)
    open_app(dash_duo, scenarios, "?view=map&seeds=1&map_size=3&map_seeds=4&map_y_high=4&steps=120")
    dash_duo.wait_for_element("#map-run").click()
    labels = set()

    def finished():
        labels.add(dash_duo.find_element("#map-progress").text)
        return "points" in dash_duo.find_element("#map-status").text

    wait_until(finished, timeout=120, every=0.1, message="the map to finish")
    assert any(re.fullmatch(r"\d+ / 36 runs", label) for label in labels), labels
    z = dash_duo.driver.execute_script(
        "return document.querySelector('#map-graph .js-plotly-plot').data[0].z;")
    assert len(z) == 3 and all(len(row) == 3 and None not in row for row in z)
    shot(dash_duo, tmp_path, "dashboard-policy-map.png")

    # A cell click puts its two lever values into Explore.
    def picked() -> bool:
        url = dash_duo.driver.current_url
        return "policy.liability.strength=1" in url and "policy.compute_subsidy.budget_usd_bn=4" in url

    for _ in range(5):  # plotly may still be wiring its click handler on a busy machine
        dash_duo.click_at_coord_fractions("#map-graph .nsewdrag", 0.9, 0.1)  # top right cell
        try:
            wait_until(picked, timeout=6, message="the clicked cell in the URL")
            break
        except AssertionError:
            continue
    assert picked()
    wait_until(lambda: dash_duo.find_element("#tabs .nav-link.active").text == "Explore",
               message="Explore shown")

    # A long map can be stopped: its runs stop and the button comes back.
    dash_duo.driver.find_elements(By.CSS_SELECTOR, "#tabs .nav-link")[1].click()
    size, seeds = dash_duo.find_element("#map-size"), dash_duo.find_element("#map-seeds")
    type_into(size, "9")
    type_into(seeds, "10")
    dash_duo.find_element("#map-run").click()
    wait_until(lambda: re.fullmatch(r"\d+ / 810 runs", dash_duo.find_element("#map-progress").text),
               timeout=60, message="the long map to start")
    assert map_runs_under_way()
    dash_duo.find_element("#map-cancel").click()
    wait_until(lambda: dash_duo.find_element("#map-run").is_enabled(), message="Run enabled again")
    assert dash_duo.find_element("#map-note").text == "Cancelled."
    wait_until(lambda: not map_runs_under_way(), timeout=15, message="the map's runs to stop")
    assert severe_logs(dash_duo) == []


@pytest.mark.timeout(150)
def test_downloaded_scenario_reproduces_the_numbers_through_aiecosim_run(dash_duo, scenarios,
                                                                        tmp_path):
    query = ("?seeds=1&view=scenario&policy.liability.bearer=developer"
             "&policy.liability.strength=0.8&labs.open-bigtech.openness=0.5")
    open_app(dash_duo, scenarios, query)
    dash_duo.driver.execute_cdp_cmd("Page.setDownloadBehavior",
                                    {"behavior": "allow", "downloadPath": dash_duo.download_path})
    digest = dash_duo.wait_for_element("#scenario-digest").text
    wait_until(lambda: digest in dash_duo.find_element("#explore-status").get_attribute("textContent"),
               timeout=90, message="Explore to finish")
    shot(dash_duo, tmp_path, "dashboard-scenario.png")
    dash_duo.find_element("#download-button").click()
    downloads = Path(dash_duo.download_path)
    saved = wait_until(lambda: [p for p in downloads.glob("*.toml")], message="the download")[0]

    keys = tomllib.loads(saved.read_text())
    assert keys["extends"] == "baseline.toml"
    assert keys["policy"] == {"liability": {"bearer": "developer", "strength": 0.8}}
    assert keys["labs"] == [{"name": "open-bigtech", "openness": 0.5}]

    placed = tmp_path / "elsewhere" / saved.name  # any folder: extends names a shipped file
    placed.parent.mkdir()
    shutil.copy(saved, placed)
    scenario = Scenario.load(placed)
    assert scenario.digest() == digest
    out = tmp_path / "run.parquet"
    done = aiecosim("run", str(placed), "--seed", "1", "--out", str(out))
    assert done.returncode == 0, done.stderr
    shown = runs.shared().cached(scenario, 1)  # the run the dashboard drew, from its own cache
    assert shown is not None
    assert pl.read_parquet(out).select(shown.columns).equals(shown)


@pytest.mark.timeout(150)
def test_a_broken_upload_shows_its_error_and_the_app_keeps_working(dash_duo, scenarios, tmp_path):
    open_app(dash_duo, scenarios, "?seeds=1&view=scenario")
    dash_duo.wait_for_element("#scenario-digest")
    broken = tmp_path / "broken.toml"
    broken.write_text('name = "oops"\n[policy.liability\nstrength = 0.5\n')
    dash_duo.wait_for_element("#upload input[type=file]").send_keys(str(broken))
    error = wait_until(lambda: text_of(dash_duo, "#upload-error"), message="the upload's error")
    assert "broken.toml" in error and "invalid TOML" in error

    huge = tmp_path / "huge.toml"  # measured in the browser, never sent
    huge.write_bytes(b"# padding\n" * 300_000)
    dash_duo.wait_for_element("#upload input[type=file]").send_keys(str(huge))
    wait_until(lambda: "huge.toml: file is 3,000,000 bytes" in text_of(dash_duo, "#upload-error"),
               message="the size refusal")

    good = tmp_path / "stricter.toml"
    good.write_text('extends = "baseline.toml"\n[policy.liability]\nstrength = 0.3\n')
    dash_duo.wait_for_element("#upload input[type=file]").send_keys(str(good))
    dash_duo.wait_for_element("#upload-ok", timeout=30)
    wait_until(lambda: "policy.liability.strength=0.3" in dash_duo.driver.current_url,
               message="the uploaded settings in the URL")
    wait_until(lambda: lever_box(dash_duo, "policy.liability.strength").get_attribute("value") == "0.3",
               message="the lever shows the upload")
    wait_until(lambda: "policy.liability.strength=0.3" in text_of(dash_duo, "#share-link"),
               message="the share link to follow the upload, not the address the page loaded")
    assert severe_logs(dash_duo) == []


def switch_state(dash_duo, key: str) -> str:
    """What a switch's label says (drawn by assets/switches.css)."""
    return dash_duo.driver.execute_script(
        "const s = document.querySelector(`[data-key=\"${arguments[0]}\"] .switch-state`);"
        "return s ? getComputedStyle(s, '::after').content.replaceAll('\"', '') : '';", key)


@pytest.mark.timeout(150)
def test_a_file_made_by_scenario_new_elsewhere_uploads_and_runs_under_its_own_name(
        dash_duo, scenarios, tmp_path):
    made = aiecosim("scenario", "new", "my-world", "--from", "api-only-world", "--dir",
                    str(tmp_path / "mine"))
    assert made.returncode == 0, made.stderr
    path = tmp_path / "mine" / "my-world.toml"
    path.write_text(path.read_text() + "\n[policy.liability]\nstrength = 0.45\n")
    open_app(dash_duo, scenarios, "?seeds=1&view=scenario")
    dash_duo.wait_for_element("#scenario-digest")
    dash_duo.wait_for_element("#upload input[type=file]").send_keys(str(path))
    ok = dash_duo.wait_for_element("#upload-ok", timeout=30).text
    assert "my-world.toml" in ok and "api-only-world.toml" in ok
    wait_until(lambda: text_of(dash_duo, "#scenario-label") == "my-world (on api-only-world)",
               message="the upload to run under its own name")
    assert Scenario.load(path).digest() == dash_duo.find_element("#scenario-digest").text
    assert severe_logs(dash_duo) == []


@pytest.mark.timeout(150)
def test_switches_state_their_value_and_the_share_link_follows_the_state(dash_duo, scenarios):
    open_app(dash_duo, scenarios, "?seeds=1&view=scenario")
    dash_duo.wait_for_element("#scenario-digest")
    key = "policy.watermark.mandate"
    wait_until(lambda: switch_state(dash_duo, key) == "off", message="an off switch to say off")
    dash_duo.driver.find_element(By.CSS_SELECTOR, f'[data-key="{key}"] input').click()
    wait_until(lambda: switch_state(dash_duo, key) == "on", message="the switch to say on")
    wait_until(lambda: f"{key}=true" in text_of(dash_duo, "#share-link"),
               message="the share link to carry the switched lever")
    type_into(lever_box(dash_duo, "policy.liability.strength"), "0.7")
    wait_until(lambda: "policy.liability.strength=0.7" in text_of(dash_duo, "#share-link"),
               message="the share link to carry the moved lever")
    link = text_of(dash_duo, "#share-link")
    assert link.startswith(dash_duo.server_url.rstrip("/")) and f"{key}=true" in link
    assert severe_logs(dash_duo) == []


@pytest.mark.timeout(150)
def test_results_view_browses_a_sweep_and_refuses_folders_outside(dash_duo, scenarios,
                                                                  sweep_results, tmp_path):
    base = open_app(dash_duo, scenarios, "?view=results&results=small", results=sweep_results)
    dash_duo.wait_for_element("#results-provenance", timeout=60)
    dash_duo.wait_for_element("#results-graph-1 .js-plotly-plot", timeout=60)  # the phase diagram
    traces = dash_duo.driver.execute_script(
        "return document.querySelector('#results-graph-1 .js-plotly-plot').data[0].type;")
    assert traces == "heatmap"
    shot(dash_duo, tmp_path, "dashboard-results.png")

    for typed in ("../", "/etc", str(scenarios)):
        type_into(dash_duo.find_element("#results-folder"), typed)
        wait_until(lambda: "outside the results folder" in text_of(dash_duo, "#results-error"),
                   message=f"{typed} refused")
        wait_until(lambda: not dash_duo.driver.find_elements(
            By.CSS_SELECTOR, "#results-figures .js-plotly-plot"), message="figures cleared")

    # A scenario name edited into the URL cannot point outside scenarios/.
    dash_duo.driver.get(f"{base}/?scenario=../pyproject.toml&reference=%2Fetc%2Fpasswd")
    wait_until(lambda: "not a file in scenarios/" in text_of(dash_duo, "#notice-text"),
               message="the notice about the edited URL")
    wait_until(lambda: "scenario=" not in dash_duo.driver.current_url,
               message="the URL corrected to the baseline")
    assert severe_logs(dash_duo) == []


@pytest.mark.timeout(240)
def test_plausible_worlds_spread_explore_over_the_posterior(dash_duo, scenarios):
    """Switching Explore to plausible worlds reruns both sides in worlds of the shipped
    posterior: the status and the table say so, the table gains the share of worlds, the link
    carries the choice, and switching back restores the seeds' series from the cache."""
    open_app(dash_duo, scenarios, "?seeds=3&scenario=open-weights-world.toml"
                                  "&reference=api-only-world.toml")
    wait_for_explore(dash_duo)
    over_seeds = series(dash_duo, "innovation", 1)
    assert "plausible worlds" not in text_of(dash_duo, "#explore-status")

    worlds = dash_duo.driver.find_element(By.CSS_SELECTOR, "#spread input[value='worlds']")
    dash_duo.driver.execute_script("arguments[0].click();", worlds)
    wait_until(lambda: "spread=worlds" in dash_duo.driver.current_url,
               message="the URL carries the spread")
    wait_until(lambda: "3 plausible worlds" in text_of(dash_duo, "#explore-status"), timeout=180,
               message="the worlds' runs to finish")
    heads = [h.text for h in dash_duo.driver.find_elements(By.CSS_SELECTOR, "#explore-diff-table th")]
    assert heads[-2:] == ["90% over worlds", "worlds higher"]
    shares = [c.text for c in dash_duo.driver.find_elements(By.CSS_SELECTOR, ".share-higher")]
    assert shares and all(re.fullmatch(r"\d+%", s) for s in shares)
    assert series(dash_duo, "innovation", 1) != over_seeds

    dash_duo.driver.get(dash_duo.driver.current_url.replace("spread=worlds", "spread=seeds"))
    wait_until(lambda: series(dash_duo, "innovation", 1) == over_seeds, timeout=60,
               message="seeds again restore the series")
    assert severe_logs(dash_duo) == []
