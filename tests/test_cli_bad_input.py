"""Bad input through the real command line: one line on stderr naming file and key, status 2.

Every mistake a researcher can make with a scenario file or an option is tried through
``experiments.cli.main`` (in process), and a few through a real ``aiecosim`` subprocess. None
may print a traceback or write anything to ``--out``.
"""

from __future__ import annotations

import os
import socket
import subprocess
from pathlib import Path

import pytest

from aiecosim.cli.main import main

from support.runs import REPO, SCENARIOS

AIECOSIM = REPO / ".venv" / "bin" / "aiecosim"
BASELINE = SCENARIOS / "baseline.toml"
FIFTY_MB = 50 * 2**20


def child(body: str) -> str:
    return f'extends = "{BASELINE}"\n{body}\n'


# name -> (file text or bytes, extra arguments, words the one line must hold)
FILE_MISTAKES = {
    "misspelt-key": (child("[policy.liability]\nstrenght = 0.5"), [],
                     ["policy.liability.strenght", "did you mean 'strength'"]),
    "wrong-type": (child('steps = "ten"'), [], ["steps", "expected a valid integer", "'ten'"]),
    "out-of-range": (child("[policy.liability]\nstrength = 1.5"), [],
                     ["policy.liability.strength", "less than or equal to 1"]),
    "unknown-regime": (child('[policy]\nrelease_regime = "open"'), [],
                       ["policy.release_regime", "'api-only'", "found 'open'"]),
    "invalid-toml": ('name = "x"\nsteps = = 3\n', [], ["invalid TOML", "line 2"]),
    "empty-file": ("", [], ["expected keys such as name", "found none"]),
    "only-comments": ("# nothing here\n", [], ["expected keys such as name", "found none"]),
    "binary-file": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", [], ["binary data"]),
    "not-utf8": (b'name = "caf\xe9"\n', [], ["expected UTF-8 text"]),
    "newer-schema": (child("schema_version = 99"), [], ["schema_version", "newer than this aiecosim"]),
    "deep-nesting": ("a = " + "[" * 50_000 + "]" * 50_000 + "\n", [], ["nested too deeply"]),
    "newline-in-key": (child('[policy]\n"bad\\nkey" = 1'), [], ["unknown key", "bad\\nkey"]),
}

OPTION_MISTAKES = {
    "set-unknown-key": (["--set", "policy.watermark.mandat=true"],
                        ["--set", "policy.watermark.mandat", "did you mean 'mandate'"]),
    "set-wrong-type": (["--set", "steps=abc"], ["--set", "steps", "expected a valid integer", "'abc'"]),
    "set-out-of-range": (["--set", "policy.liability.strength=2"],
                         ["--set", "policy.liability.strength", "less than or equal to 1"]),
    "set-without-value": (["--set", "steps"], ["--set", "steps", "expected key=value"]),
    "set-unknown-lab": (["--set", "labs.open-bigtek.openness=0.1"],
                        ["labs.open-bigtek.openness", "did you mean 'open-bigtech'"]),
    "seed-and-seeds": (["--seed", "3", "--seeds", "2"], ["--seeds", "found both"]),
    "zero-seeds": (["--seeds", "0"], ["--seeds"]),
    "negative-seed": (["--seed", "-1"], ["--seed", "greater than or equal to 0"]),
    "seed-past-int64": (["--seed", str(2**63)], ["--seed", "less than or equal to"]),
}


def write(path: Path, content: str | bytes) -> Path:
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    return path


def assert_one_line(rc: int, err: str, words: list[str]) -> None:
    lines = err.splitlines()
    assert rc == 2
    assert len(lines) == 1, err
    assert lines[0].startswith("aiecosim: ")
    assert "Traceback" not in err
    for word in words:
        assert word in lines[0], (word, lines[0])


def run_main(args: list[str], capsys) -> tuple[int, str]:
    rc = main(args)
    return rc, capsys.readouterr().err


@pytest.mark.parametrize("mistake", FILE_MISTAKES)
def test_file_mistake_is_one_line_naming_the_file_and_writes_nothing(mistake, tmp_path, capsys):
    content, extra, words = FILE_MISTAKES[mistake]
    path = write(tmp_path / f"{mistake}.toml", content)
    out = tmp_path / "out" / "series.parquet"
    rc, err = run_main(["run", str(path), "--out", str(out), *extra], capsys)
    assert_one_line(rc, err, [str(path), *words])
    assert not out.parent.exists()


@pytest.mark.parametrize("command", [["scenario", "validate"], ["scenario", "show"]])
@pytest.mark.parametrize("mistake", ["misspelt-key", "invalid-toml", "binary-file"])
def test_scenario_commands_report_file_mistakes_the_same_way(command, mistake, tmp_path, capsys):
    content, _, words = FILE_MISTAKES[mistake]
    path = write(tmp_path / f"{mistake}.toml", content)
    rc, err = run_main([*command, str(path)], capsys)
    assert_one_line(rc, err, [str(path), *words])


@pytest.mark.parametrize("mistake", OPTION_MISTAKES)
def test_option_mistake_is_one_line_and_writes_nothing(mistake, tmp_path, capsys):
    args, words = OPTION_MISTAKES[mistake]
    out = tmp_path / "series.csv"
    rc, err = run_main(["run", str(BASELINE), "--out", str(out), *args], capsys)
    assert_one_line(rc, err, words)
    assert list(tmp_path.iterdir()) == []


def test_missing_file_is_named(tmp_path, capsys):
    missing = tmp_path / "nowhere.toml"
    rc, err = run_main(["run", str(missing), "--out", str(tmp_path / "x.parquet")], capsys)
    assert_one_line(rc, err, [str(missing), "file not found"])
    assert list(tmp_path.iterdir()) == []


def test_unknown_shipped_name_suggests_the_closest(capsys):
    rc, err = run_main(["run", "api-only-wrld"], capsys)
    assert_one_line(rc, err, ["api-only-wrld", "did you mean 'api-only-world'"])


def test_extends_cycle_names_the_chain(tmp_path, capsys):
    write(tmp_path / "a.toml", 'extends = "b.toml"\nname = "a"')
    write(tmp_path / "b.toml", 'extends = "a.toml"\nname = "b"')
    rc, err = run_main(["run", str(tmp_path / "a.toml"), "--out", str(tmp_path / "o.csv")], capsys)
    assert_one_line(rc, err, ["extends", "cycle in extends chain: a.toml -> b.toml -> a.toml"])
    assert not (tmp_path / "o.csv").exists()


def test_fifty_megabyte_file_is_refused_without_reading_it(tmp_path, capsys):
    big = tmp_path / "big.toml"
    with big.open("wb") as handle:
        handle.write(b'name = "big"\n')
        handle.truncate(FIFTY_MB)
    rc, err = run_main(["scenario", "validate", str(big)], capsys)
    assert_one_line(rc, err, [str(big), f"{FIFTY_MB:,} bytes", "at most 1,000,000"])


def test_bad_key_in_an_extended_file_names_that_file(tmp_path, capsys):
    parent = write(tmp_path / "parent.toml", child("[race]\nenmity = 7"))
    kid = write(tmp_path / "kid.toml", 'extends = "parent.toml"\nname = "kid"')
    rc, err = run_main(["scenario", "validate", str(kid)], capsys)
    assert_one_line(rc, err, [f"{parent}: race.enmity", "less than or equal to 1"])


def test_unknown_out_suffix_is_refused_before_simulating(tmp_path, capsys):
    out = tmp_path / "series.xlsx"
    rc, err = run_main(["run", str(BASELINE), "--out", str(out)], capsys)
    assert_one_line(rc, err, ["--out", "series.xlsx", "expected a .parquet or .csv"])
    assert not out.exists()


def test_validate_reports_every_bad_file_and_passes_good_ones(tmp_path, capsys):
    bad = write(tmp_path / "bad.toml", FILE_MISTAKES["wrong-type"][0])
    rc = main(["scenario", "validate", str(BASELINE), str(bad)])
    captured = capsys.readouterr()
    assert rc == 2
    assert f"{BASELINE}: ok" in captured.out
    assert captured.err.count("\n") == 1 and str(bad) in captured.err


@pytest.mark.parametrize("args_of, words", [
    (lambda d: ["run", str(write(d / "typo.toml", FILE_MISTAKES["misspelt-key"][0])),
                "--out", str(d / "o.parquet")], ["did you mean 'strength'"]),
    (lambda d: ["scenario", "validate", str(write(d / "bin.toml", FILE_MISTAKES["binary-file"][0]))],
     ["binary data"]),
    (lambda d: ["run", str(BASELINE), "--set", "steps=abc", "--out", str(d / "o.csv")],
     ["--set: steps: expected a valid integer"]),
])
def test_installed_command_prints_exactly_one_line(args_of, words, tmp_path):
    args = args_of(tmp_path)
    done = subprocess.run([str(AIECOSIM), *args], capture_output=True, text=True, timeout=120)
    assert_one_line(done.returncode, done.stderr, words)
    assert not any(p.name.startswith("o.") for p in tmp_path.iterdir())


# ---------------------------------------------------------------- values pydantic used to coerce
STRICT_MISTAKES = {
    "steps-true": (child("steps = true"), ["steps", "expected a valid integer", "found True"]),
    "steps-fraction": (child("steps = 12.5"), ["steps", "expected a valid integer", "12.5"]),
    "strength-true": (child("[policy.liability]\nstrength = true"),
                      ["policy.liability.strength", "expected a valid number", "found True"]),
    "strength-text": (child('[policy.liability]\nstrength = "0.5"'),
                      ["policy.liability.strength", "expected a valid number", "'0.5'"]),
    "mandate-one": (child("[policy.evaluation]\nmandate = 1"),
                    ["policy.evaluation.mandate", "expected a valid boolean", "found 1"]),
    "version-text": (child('schema_version = "2"'),
                     ["schema_version", "expected a valid integer", "'2'"]),
    "tiny-budget": (child('[[labs]]\nname = "closed-leader"\nbudget_usd_m = 2.6e-88'),
                    ["labs.closed-leader.budget_usd_m", "greater than or equal to 0.01",
                     "2.6e-88"]),
    "event-unknown-lab": (child('[[events]]\nmonth = 3\nkind = "leak"\nlab = "open-bigtek"'),
                          ["events.0.lab", "unknown lab 'open-bigtek'", "labs are [",
                           "did you mean 'open-bigtech'"]),
}


@pytest.mark.parametrize("mistake", STRICT_MISTAKES)
def test_values_of_the_wrong_type_are_refused_not_coerced(mistake, tmp_path, capsys):
    path = write(tmp_path / f"{mistake}.toml", STRICT_MISTAKES[mistake][0])
    rc, err = run_main(["scenario", "validate", str(path)], capsys)
    assert_one_line(rc, err, [str(path), *STRICT_MISTAKES[mistake][1]])


def test_an_int_where_a_float_is_expected_is_still_a_float(tmp_path, capsys):
    from aiecosim.model import Scenario

    path = write(tmp_path / "one.toml", child("[policy.liability]\nstrength = 1"))
    assert main(["scenario", "validate", str(path)]) == 0
    strength = Scenario.load(path).policy.liability.strength
    assert strength == 1.0 and isinstance(strength, float)


def test_lossless_forms_from_code_are_accepted():
    """Priors hand integers over as whole floats, parquet columns as numpy scalars."""
    import numpy as np

    from aiecosim.model import Scenario

    sc = Scenario.baseline().with_overrides({
        "steps": 24.0, "populations.academics.count": np.int64(600),
        "policy.liability.strength": np.float64(0.5), "policy.evaluation.mandate": np.bool_(True),
        "labs.0.release_plan": ("api", "open-weights")})
    assert (sc.steps, sc.populations.academics.count) == (24, 600)
    assert type(sc.steps) is int and type(sc.populations.academics.count) is int
    assert sc.policy.evaluation.mandate is True
    assert sc.labs[0].release_plan == ["api", "open-weights"]


@pytest.mark.parametrize("pair, words", [
    ("steps=true", ["--set: steps: expected a valid integer, found True"]),
    ("policy.liability.strength=true", ["policy.liability.strength", "expected a valid number"]),
])
def test_set_refuses_values_of_the_wrong_type(pair, words, capsys):
    rc, err = run_main(["scenario", "show", str(BASELINE), "--set", pair], capsys)
    assert_one_line(rc, err, words)


def test_set_accepts_values_of_the_right_type(capsys):
    rc = main(["scenario", "show", str(BASELINE), "--set", "steps=24",
               "--set", "policy.liability.strength=0.5"])
    out = capsys.readouterr().out
    assert rc == 0 and "steps = 24\n" in out and "strength = 0.5\n" in out


def test_duplicate_lab_names_from_set_name_labs(capsys):
    rc, err = run_main(["scenario", "show", str(BASELINE), "--set", "labs.0.name=twin",
                        "--set", "labs.1.name=twin"], capsys)
    assert_one_line(rc, err, ["--set: labs: lab names must be unique; repeated: twin"])


def test_an_event_naming_an_unknown_lab_from_set_names_its_index(capsys):
    rc, err = run_main(["scenario", "show", str(BASELINE), "--set",
                        'events=[{month=2, kind="leak", lab="*"}, {month=3, kind="leak", '
                        'lab="closed-leadr"}]'], capsys)
    assert_one_line(rc, err, ["--set: events.1.lab", "unknown lab 'closed-leadr'",
                              "did you mean 'closed-leader'"])


# ------------------------------------------------------------------------------- sweep designs
def design_file(tmp_path: Path, body: str) -> Path:
    return write(tmp_path / "design.toml", f'name = "d"\nscenario = "{BASELINE}"\n{body}\n')


def test_design_seeds_as_text_is_refused(tmp_path, capsys):
    path = design_file(tmp_path, 'method = "grid"\nseeds = "3"')
    rc, err = run_main(["sweep", str(path), "--out", str(tmp_path / "out")], capsys)
    assert_one_line(rc, err, [str(path), "seeds", "expected a valid integer", "'3'"])
    assert not (tmp_path / "out").exists()


HUGE_DESIGNS = {
    # 3 levers x 1,000 levels: 10^9 points, each a dictionary if the grid were built.
    "grid": ('method = "grid"\nseeds = 1\n' + "".join(
        f'[vary."{key}"]\nmin = 0.0\nmax = 1.0\nlevels = 1000\n'
        for key in ("policy.liability.strength", "policy.liability.deadweight_share",
                    "policy.watermark.api_effectiveness")), "found 1,000,000,000 runs"),
    # 10^6 points x 10^5 seeds.
    "lhs": ('method = "lhs"\nseeds = 100000\nsamples = 1000000\n'
            '[vary."policy.liability.strength"]\nmin = 0.0\nmax = 1.0\n',
            "found 100,000,000,000 runs"),
}


@pytest.mark.parametrize("kind", HUGE_DESIGNS)
def test_a_design_too_big_to_run_is_refused_before_it_is_built(kind, tmp_path):
    body, runs = HUGE_DESIGNS[kind]
    path = design_file(tmp_path, body)
    # A subprocess with a timeout: building the points first would take minutes and gigabytes.
    done = subprocess.run([str(AIECOSIM), "sweep", str(path), "--out", str(tmp_path / "out")],
                          capture_output=True, text=True, timeout=20)
    assert_one_line(done.returncode, done.stderr, [str(path), runs, "at most 1,000,000",
                                                   "--max-runs"])
    assert not (tmp_path / "out").exists()


def test_max_runs_refuses_a_design_over_the_limit(tmp_path, capsys):
    path = design_file(tmp_path, 'method = "grid"\nseeds = 3\n'
                       '[vary."policy.liability.strength"]\nvalues = [0.1, 0.2]')
    rc, err = run_main(["sweep", str(path), "--out", str(tmp_path / "out"), "--max-runs", "5"],
                       capsys)
    assert_one_line(rc, err, ["at most 5 runs, found 6 runs (2 points x 3 seeds)", "--max-runs 6"])


# ---------------------------------------------------------------------------------- OS errors
def test_out_below_a_file_is_refused_before_simulating(tmp_path, capsys):
    blocker = write(tmp_path / "blocker", "not a folder")
    rc, err = run_main(["run", str(BASELINE), "--out", str(blocker / "series.parquet")], capsys)
    assert_one_line(rc, err, ["--out", "expected a folder at", "found a file"])


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_out_in_a_read_only_folder_is_one_line(tmp_path, capsys):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        rc, err = run_main(["run", str(BASELINE), "--out", str(locked / "series.csv")], capsys)
    finally:
        locked.chmod(0o755)
    assert_one_line(rc, err, ["--out", "permission denied"])
    assert list(locked.iterdir()) == []


def test_sweep_out_below_a_file_is_one_line(tmp_path, capsys):
    path = design_file(tmp_path, 'method = "grid"\nseeds = 1')
    blocker = write(tmp_path / "blocker", "not a folder")
    rc, err = run_main(["sweep", str(path), "--out", str(blocker / "results")], capsys)
    assert_one_line(rc, err, ["--out", "found a file"])


def test_an_os_error_at_the_boundary_is_one_line_naming_the_path(tmp_path, capsys, monkeypatch):
    """Whatever raises it, an OS error with an errno prints the path and the system's reason:
    2 for a place the user can change (read-only, full), 1 for the machine's failure."""
    import errno as errnos

    from aiecosim.experiments import runner

    path = design_file(tmp_path, 'method = "grid"\nseeds = 1')
    out = tmp_path / "out"
    for code, status in [(errnos.EACCES, 2), (errnos.ENOSPC, 2), (errnos.EMFILE, 1)]:
        def fail(*args, code=code, **kwargs):
            raise OSError(code, os.strerror(code), str(out / "runs"))

        monkeypatch.setattr(runner, "run_sweep", fail)
        rc = main(["sweep", str(path), "--out", str(out)])
        err = capsys.readouterr().err
        assert rc == status and err == f"aiecosim: {out / 'runs'}: {os.strerror(code)}\n"


def test_an_os_error_raised_by_code_keeps_its_traceback(tmp_path, monkeypatch):
    from aiecosim.experiments import runner

    def bug(*args, **kwargs):
        raise OSError("bug")  # no errno: not the system's refusal but the code's own

    path = design_file(tmp_path, 'method = "grid"\nseeds = 1')
    monkeypatch.setattr(runner, "run_sweep", bug)
    with pytest.raises(OSError, match="bug"):
        main(["sweep", str(path), "--out", str(tmp_path / "out")])


def test_dashboard_on_a_port_in_use_is_one_line(capsys):
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        port = held.getsockname()[1]
        rc, err = run_main(["dashboard", "--port", str(port)], capsys)
    assert_one_line(rc, err, ["--port", str(port), "in use by another program",
                              "--port N"])


@pytest.fixture
def full_disk(tmp_path):
    """A 16 kB file system, mounted for the test (root only; skipped where mounting is not
    allowed): too small for a run's parquet file."""
    folder = tmp_path / "tiny"
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16k", "tmpfs", str(folder)],
                             capture_output=True)
    if mounted.returncode != 0:
        pytest.skip("cannot mount a small file system here")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=False)


def test_a_full_disk_is_one_line_naming_the_output_and_leaves_nothing(full_disk):
    out = full_disk / "series.parquet"
    done = subprocess.run([str(AIECOSIM), "run", str(BASELINE), "--out", str(out)],
                          capture_output=True, text=True, timeout=120)
    assert_one_line(done.returncode, done.stderr, ["--out", str(out), "cannot write",
                                                   "No space left on device"])
    assert list(full_disk.iterdir()) == []  # the temporary file is gone, nothing half written
