"""Bad input through the real command line: one line on stderr naming file and key, status 2.

Every mistake a researcher can make with a scenario file or an option is tried through
``experiments.cli.main`` (in process), and a few through a real ``aiecosim`` subprocess. None
may print a traceback or write anything to ``--out``.
"""

from __future__ import annotations

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
