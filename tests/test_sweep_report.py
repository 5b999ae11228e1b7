"""``aiecosim report`` on each shipped design (quick versions) writes one self-contained HTML file
that opens in a real browser without errors and shows the figures it names."""

from __future__ import annotations

import logging
import re
import shutil

import pytest

from aiecosim.cli.main import main
from aiecosim.experiments.experiment import load_experiment
from support.sweeps import DESIGNS, run_cli

NAMES = ("liability-x-subsidy", "release-regimes", "sensitivity", "leak-counterfactual")
BROWSER_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run")


def expected_figures(name: str) -> list[str]:
    """The figures each shipped design's report must show, one per output and kind."""
    outputs = load_experiment(DESIGNS / f"{name}.toml").design.outputs
    kinds = {"liability-x-subsidy": ["bands", "phase"], "release-regimes": ["bands"],
             "sensitivity": ["bands", "phase", "sensitivity"], "leak-counterfactual": ["bands"]}
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
    return found


@pytest.mark.timeout(300)
@pytest.mark.parametrize("name", NAMES)
def test_the_report_is_one_self_contained_file_with_its_figures(reports, name):
    page = reports[name].read_text()
    assert page.count("* plotly.js v") == 1
    assert not re.search(r"<script[^>]+src=", page), "no script may load from elsewhere"
    for div in expected_figures(name) + ["provenance"]:
        assert f'id="{div}"' in page
    if name == "leak-counterfactual":
        assert 'id="comparison"' in page and "without the leak" in page


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


@pytest.mark.browser
@pytest.mark.timeout(300)
def test_reports_open_in_a_browser_without_errors(reports):
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
    browser = webdriver.Chrome(options=options, service=Service(driver_path))
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
