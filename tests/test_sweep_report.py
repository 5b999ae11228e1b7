"""``aiecosim report`` on each shipped design (quick versions) writes one self-contained HTML file
that opens in a real browser without errors and shows the figures it names."""

from __future__ import annotations

import logging
import re
import shutil
import time

import pytest

from aiecosim.cli.main import main
from aiecosim.experiments.experiment import load_experiment
from support.dashboard import screenshot_dir
from support.sweeps import DESIGNS, run_cli, write_design

NAMES = ("liability-x-subsidy", "release-regimes", "sensitivity", "leak-counterfactual")
LHS = "lhs"  # a Latin hypercube over three levers, written by the fixture (no shipped design)
LHS_VARY = {"policy.liability.strength": {"min": 0.0, "max": 1.0},
            "policy.compute_subsidy.budget_usd_bn": {"min": 0.0, "max": 4.0},
            "policy.compute_subsidy.academic_share": {"min": 0.0, "max": 1.0}}
BROWSER_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run")


def expected_figures(name: str) -> list[str]:
    """The figures each shipped design's report must show, one per output and kind."""
    if name == LHS:
        return [f"fig-{kind}-{m}" for kind in ("bands", "samples", "marginal")
                for m in ("innovation", "hhi", "misuse_harm")]
    outputs = load_experiment(DESIGNS / f"{name}.toml").design.outputs
    # Grids get heatmaps; sampled designs their samples and marginal means, never binned cells.
    kinds = {"liability-x-subsidy": ["bands", "phase"], "release-regimes": ["bands"],
             "sensitivity": ["bands", "samples", "marginal", "sensitivity"],
             "leak-counterfactual": ["bands"]}
    return [f"fig-{kind}-{m}" for kind in kinds[name] for m in outputs]


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    """Quick sweeps of every shipped design on one shared local cluster, and their reports."""
    from distributed import Client, LocalCluster

    root = tmp_path_factory.mktemp("reports")
    found = {}
    with LocalCluster(n_workers=2, threads_per_worker=1, host="127.0.0.1", dashboard_address=None,
                      silence_logs=logging.ERROR) as cluster, Client(cluster, set_as_default=False):
        for name in NAMES:
            out = root / name
            assert main(["sweep", name, "--quick", "--out", str(out),
                         "--scheduler", cluster.scheduler_address]) == 0
            assert main(["report", str(out)]) == 0
            found[name] = out / "report.html"
        design, out = write_design(root, LHS, method="lhs", samples=24, seeds=2, vary=LHS_VARY), \
            root / LHS
        assert main(["sweep", str(design), "--out", str(out),
                     "--scheduler", cluster.scheduler_address]) == 0
        assert main(["report", str(out), "--figures", str(root / "lhs-figures")]) == 0
        found[LHS] = out / "report.html"
    return found


@pytest.mark.timeout(300)
@pytest.mark.parametrize("name", NAMES + (LHS,))
def test_the_report_is_one_self_contained_file_with_its_figures(reports, name):
    page = reports[name].read_text()
    assert page.count("* plotly.js v") == 1
    assert not re.search(r"<script[^>]+src=", page), "no script may load from elsewhere"
    for div in expected_figures(name) + ["provenance"]:
        assert f'id="{div}"' in page
    if name == "leak-counterfactual":
        assert 'id="comparison"' in page and "without the leak" in page


def test_a_sampled_design_shows_its_samples_with_units_and_no_heatmap(reports):
    page = reports[LHS].read_text().replace("\\u002f", "/")  # plotly's JSON escapes "/"
    assert 'id="fig-phase-' not in page  # no binned heatmap (the browser test checks traces)
    assert "compute_subsidy.budget_usd_bn (USD bn/year)" in page  # a lever with its unit
    assert "(USD bn/month)" in page and "(0-10,000)" in page  # metrics with theirs
    assert "95% band over points and seeds" in page  # 24 points pooled: not "over seeds"


def test_every_figure_of_a_report_is_written_as_png_and_svg(reports):
    folder = reports[LHS].parent.parent / "lhs-figures"
    for name in expected_figures(LHS):
        assert (folder / f"{name}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert "<svg" in (folder / f"{name}.svg").read_text()[:2000]
    assert not list(folder.glob(".*")), "no temporary file is left behind"


@pytest.mark.timeout(120)
def test_a_report_can_compare_two_sweeps(reports, tmp_path):
    target = tmp_path / "compare.html"
    done = run_cli("report", reports["release-regimes"].parent, "--out", target,
                   "--against", reports["leak-counterfactual"].parent, "--metric", "innovation")
    assert done.returncode == 0, done.stderr
    page = target.read_text()
    assert 'id="comparison"' in page and 'id="fig-compare-innovation"' in page


@pytest.mark.timeout(120)
def test_an_unknown_lever_for_the_phase_diagram_is_one_line(reports, capsys):
    folder = str(reports["liability-x-subsidy"].parent)
    assert main(["report", folder, "--x", "policy.liability.strenght"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "did you mean 'policy.liability.strength'" in err


def headless_browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    chromium, driver_path = shutil.which("chromium"), shutil.which("chromedriver")
    if not (chromium and driver_path):
        pytest.skip("needs Debian's chromium and chromium-driver")
    options = Options()
    options.binary_location = chromium
    for flag in BROWSER_FLAGS:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(options=options, service=Service(driver_path))


@pytest.mark.browser
@pytest.mark.timeout(300)
def test_an_lhs_report_draws_samples_with_units_on_every_axis(reports, tmp_path):
    browser = headless_browser()
    try:
        browser.set_window_size(1200, 1000)
        browser.get(reports[LHS].as_uri())
        expected = [f for f in expected_figures(LHS) if not f.startswith("fig-bands-")]
        deadline = time.monotonic() + 60  # plotly draws each figure after the page has loaded
        while time.monotonic() < deadline and browser.execute_script(
                "return document.querySelectorAll('#phase-diagrams .plotly-graph-div .main-svg')"
                ".length") < len(expected):
            time.sleep(0.2)
        drawn = browser.execute_script("""
            return Array.from(document.querySelectorAll('#phase-diagrams .plotly-graph-div'))
              .map(d => ({id: d.id, types: d.data.map(t => t.type),
                          titles: Array.from(d.querySelectorAll(
                            '.xtitle, .ytitle, [class^="x"][class$="title"], .cbtitle text'))
                            .map(t => t.textContent)}));""")
        assert sorted(f["id"] for f in drawn) == sorted(expected)
        assert all("heatmap" not in figure["types"] for figure in drawn)
        for figure in drawn:  # every axis and colour bar title carries a unit in brackets
            assert figure["titles"], figure["id"]
            assert all(re.search(r"\(.+\)", title) for title in figure["titles"]), figure
        browser.execute_script("document.getElementById('phase-diagrams').scrollIntoView()")
        browser.save_screenshot(str(screenshot_dir(tmp_path) / "report-lhs.png"))
    finally:
        browser.quit()


@pytest.mark.browser
@pytest.mark.timeout(300)
def test_reports_open_in_a_browser_without_errors(reports):
    browser = headless_browser()
    try:
        for name, path in reports.items():
            browser.get(path.as_uri())
            severe = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
            assert not severe, f"{name}: {severe}"
            drawn = browser.execute_script(
                "return Array.from(document.querySelectorAll('.plotly-graph-div'))"
                ".filter(d => d.querySelector('.main-svg')).map(d => d.id)")
            missing = set(expected_figures(name)) - set(drawn)
            assert not missing, f"{name}: figures not drawn: {sorted(missing)}"
    finally:
        browser.quit()
