"""The dashboard behind a real server on 127.0.0.1, driven with real HTTP requests.

Load: twenty visitors asking for Explore at once. Bad input: uploads that are too large, not
TOML, invalid, or that try to reach files outside ``scenarios/``; none is ever written to disk
outside a temporary folder.
"""

from __future__ import annotations

import base64
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from aiecosim.dashboard.app import create_app
from support.dashboard import REPO, ServerThread, copy_scenarios, explore_payload, upload_payload

ENDPOINT = "/_dash-update-component"


@pytest.fixture(scope="module")
def scenarios(tmp_path_factory) -> Path:
    return copy_scenarios(tmp_path_factory.mktemp("server"))


@pytest.fixture(scope="module")
def server(scenarios):
    app = create_app(scenarios_dir=scenarios, results_dir=scenarios.parent / "results",
                     cache_dir=scenarios.parent / "jobs")
    with ServerThread(app) as served:
        yield served


def data_url(raw: bytes, kind: str = "application/octet-stream") -> str:
    return f"data:{kind};base64,{base64.b64encode(raw).decode()}"


def upload(server, raw: bytes, filename: str = "mine.toml") -> tuple[str, object]:
    """POST a file as the upload area would; return (the message's text, accepted data)."""
    reply = requests.post(server.url + ENDPOINT, json=upload_payload(data_url(raw), filename),
                          timeout=60)
    assert reply.status_code == 200, reply.text[:300]
    found = reply.json()["response"]
    message = found["upload-message"]["children"]
    text = message["props"]["children"] if isinstance(message, dict) else str(message)
    return text, found.get("upload-accepted", {}).get("data")


@pytest.mark.timeout(180)
def test_twenty_concurrent_explore_requests_all_succeed(server):
    strengths = (0.25, 0.5, 0.75, 1.0)  # four worlds, five visitors each
    start = threading.Barrier(20, timeout=30)

    def visit(i: int) -> tuple[int, dict]:
        settings = {"scenario": "baseline.toml", "reference": "baseline.toml", "seeds": 2,
                    "overrides": {"policy.liability.strength": strengths[i % len(strengths)]}}
        start.wait()  # all twenty leave together
        reply = requests.post(server.url + ENDPOINT, json=explore_payload(settings), timeout=150)
        return reply.status_code, reply.json() if reply.status_code == 200 else {}

    with ThreadPoolExecutor(20) as pool:
        replies = list(pool.map(visit, range(20)))

    assert [status for status, _ in replies] == [200] * 20
    for i, (_, body) in enumerate(replies):
        response = body["response"]
        assert response["explore-error"]["children"] is None
        welfare = response["explore-graph-welfare"]["figure"]["data"]
        assert len(welfare) == 4 and len(welfare[1]["y"]) == 120
        twin = replies[(i + len(strengths)) % 20][1]["response"]["explore-graph-welfare"]
        assert twin["figure"]["data"][1]["y"] == welfare[1]["y"]  # same settings, same numbers


def test_an_upload_over_one_megabyte_is_refused(server):
    raw = b'name = "big"\n' + b"# padding\n" * 100_000
    text, accepted = upload(server, raw, "big.toml")
    assert "big.toml" in text and "at most 1,000,000" in text
    assert accepted is None


@pytest.mark.parametrize("raw, expected", [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "found binary data"),
    (b"this is not toml at all", "invalid TOML"),
    (b'name = "caf\xe9"\n', "UTF-8"),  # Latin-1, not UTF-8
])
def test_non_toml_content_is_refused_with_a_message(server, raw, expected):
    text, accepted = upload(server, raw, "notes.toml")
    assert expected in text and accepted is None


def test_an_invalid_scenario_is_refused_naming_the_key(server):
    raw = b'extends = "baseline.toml"\n[policy.liability]\nstrenght = 0.5\n'
    text, _ = upload(server, raw, "typo.toml")
    assert "typo.toml" in text and "policy.liability" in text and "did you mean 'strength'" in text
    text, _ = upload(server, b'extends = "baseline.toml"\n[policy.liability]\nstrength = 2\n')
    assert "policy.liability.strength" in text and "1" in text


@pytest.mark.parametrize("ref", ["../pyproject.toml", "/etc/passwd", "../../../../etc/hostname",
                                 "baseline.toml/../../pyproject.toml", str(REPO / "pyproject.toml")])
def test_an_upload_cannot_extend_a_file_outside_scenarios(server, ref):
    raw = f'extends = "{ref}"\nname = "sneaky"\n'.encode()
    text, accepted = upload(server, raw, "sneaky.toml")
    assert "is not a file in scenarios/" in text and accepted is None
    assert "setuptools" not in text and "root:" not in text  # nothing of the target leaks


def _files(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*")} if folder.is_dir() else set()


def test_uploads_are_never_written_outside_a_temporary_folder(server, scenarios):
    watched = [scenarios.parent, REPO / "scenarios", REPO / "dashboard", Path.cwd()]
    before = {folder: _files(folder) for folder in watched}
    temp = Path(tempfile.gettempdir())
    temp_before = set(temp.glob("aiecosim-upload-*"))

    good = b'extends = "baseline.toml"\n[policy.liability]\nstrength = 0.6\n'
    text, accepted = upload(server, good, "../../escape.toml")
    assert "Loaded escape.toml" in text
    assert accepted == {"scenario": "baseline.toml", "overrides": {"policy.liability.strength": 0.6}}
    upload(server, b"[broken", "/tmp/absolute.toml")

    for folder in watched:
        assert _files(folder) - before[folder] == set(), f"new files in {folder}"
    assert set(temp.glob("aiecosim-upload-*")) == temp_before  # the checking folder is removed


def test_a_request_far_larger_than_any_upload_is_refused_by_the_server(server):
    reply = requests.post(server.url + ENDPOINT, data=b"x" * (6 * 1024 * 1024),
                          headers={"Content-Type": "application/json"}, timeout=60)
    assert reply.status_code == 413


def open_results(server, typed: str):
    """POST the Results tab's folder box as the browser does; return (status, message)."""
    outputs = [{"id": "results-message", "property": "children"},
               {"id": "results-metric", "property": "options"},
               {"id": "results-metric", "property": "value"}]
    payload = {"output": "..results-message.children...results-metric.options...results-metric.value..",
               "outputs": outputs, "changedPropIds": ["results-folder.value"], "state": [],
               "inputs": [{"id": "results-folder", "property": "value", "value": typed}]}
    reply = requests.post(server.url + ENDPOINT, json=payload, timeout=60)
    if reply.status_code != 200:
        return reply.status_code, reply.text[:300]
    message = reply.json()["response"]["results-message"]["children"]
    return 200, message["props"]["children"] if isinstance(message, dict) else str(message)


def test_a_broken_or_odd_results_folder_is_one_line_not_a_server_error(server, scenarios):
    results = scenarios.parent / "results"
    for name, manifest in (("broken", "{not json"), ("cut", '{"name": "cut"}'), ("list", "[1]")):
        (results / name).mkdir(parents=True, exist_ok=True)
        (results / name / "manifest.json").write_text(manifest)
    expected = {"broken": "unreadable manifest", "cut": "fingerprint: missing",
                "list": "expected a JSON object", "x" * 5000: "cannot open: File name too long"}
    for typed, problem in expected.items():
        status, text = open_results(server, typed)
        assert status == 200 and problem in text and "\n" not in text, (typed[:20], text)
    status, text = open_results(server, "x" * 5000)
    assert len(text) < 300, "a long name is cut in the message"


def test_a_symlink_inside_a_sweep_folder_cannot_reach_outside_results(server, scenarios, tmp_path):
    import os
    import shutil

    results = scenarios.parent / "results"
    outside = tmp_path / "outside"
    (outside / "runs").mkdir(parents=True)
    (outside / "runs" / "task-00000000.parquet").write_bytes(b"secret")
    for name, link in (("linked-dir", "runs"), ("linked-part", "runs/task-00000000.parquet")):
        folder = results / name
        shutil.rmtree(folder, ignore_errors=True)
        (folder / "runs").mkdir(parents=True)
        (folder / "manifest.json").write_text("{}")
        if link == "runs":
            (folder / "runs").rmdir()
        os.symlink(outside / link, folder / link)
        status, text = open_results(server, name)
        assert status == 200 and "leads outside the results folder" in text, text
