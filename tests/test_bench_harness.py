"""The benchmark harness behind ``aiecosim bench`` works end to end (no timings are asserted)."""

from __future__ import annotations

import subprocess

import pytest

from aiecosim.benchmarks.against import REPO, git, imported_tree, revision
from aiecosim.benchmarks.docs_section import replace_section
from aiecosim.benchmarks import month_phases
from aiecosim.benchmarks.month_phases import PhaseTimer, instrument, measure
from aiecosim.benchmarks.profile_step import short_path
from aiecosim.benchmarks.report import markdown, rows
from aiecosim.benchmarks.sizes import format_size, parse_size, scaled
from aiecosim.benchmarks.suite import run_suite
from aiecosim.cli.main import main
from aiecosim.model import EcosystemModel, Scenario


def test_sizes_read_like_people_write_them():
    assert [parse_size(s) for s in ("10k", "100K", "1M", "2_500")] == [10_000, 100_000,
                                                                      1_000_000, 2_500]
    assert [format_size(n) for n in (10_000, 1_000_000, 2_500)] == ["10k", "1M", "2500"]
    with pytest.raises(ValueError):
        parse_size("10x")


def test_scaled_scenario_splits_members_between_populations():
    pops = scaled(Scenario.baseline(), 10_000, 12).populations
    assert (pops.startups.segments, pops.academics.count, pops.bad_actors.count) == \
        (16, 1_000, 4_000)  # 5,000 startups at 312 a segment on average over ten years


def test_rewriting_a_section_keeps_the_rest_of_the_file(tmp_path):
    doc = tmp_path / "performance.md"
    doc.write_text("# Performance\n\nHand-written intro.\n\n## Sweeps\n\nOther figures.\n")
    replace_section(doc, "bench", "## Speed\n\nfirst")
    replace_section(doc, "bench", "## Speed\n\nsecond")
    text = doc.read_text()
    assert "second" in text and "first" not in text
    assert text.count("<!-- bench:begin -->") == 1
    assert "Hand-written intro." in text and "## Sweeps\n\nOther figures." in text


def test_timing_the_phases_of_a_month_leaves_the_model_as_it_was():
    scenario = scaled(Scenario.baseline(), 100, 24)
    plain, timed = EcosystemModel(scenario, rng=4), EcosystemModel(scenario, rng=4)
    timer = PhaseTimer()
    instrument(timed, timer)
    for _ in range(24):
        plain.step()
        timed.step()
    assert plain.recorder.to_frame(2023).equals(timed.recorder.to_frame(2023))
    assert {"startups", "metrics", "bad actors"} <= set(timer.seconds)


def test_phases_add_up_to_the_month():
    month_s, phases = measure(100, 6, runs=2)
    assert month_s > 0 and all(seconds >= 0 for seconds in phases.values())
    assert sum(phases.values()) == pytest.approx(month_s, rel=1e-6)
    assert "what labs offer (agents/access.py)" in phases  # module-level phases are timed too


def test_a_missing_folder_for_the_phases_page_is_one_line_before_measuring(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_:
        month_phases.main(["--out", str(tmp_path / "nowhere" / "performance.md")])
    assert exit_.value.code == 2
    captured = capsys.readouterr()
    err = captured.err.strip().splitlines()
    assert len(err) == 1 and "--out" in err[0] and "nowhere" in err[0]
    assert captured.out == ""  # nothing was measured or written


def test_bad_size_is_one_line_and_status_2(capsys):
    assert main(["bench", "--sizes", "10x", "--quick"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--sizes" in err[0] and "10x" in err[0]


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_suite_measures_both_models_in_fresh_processes():
    results = run_suite(sizes=[300, 600], months=3, reference_months=2, reference_max=300,
                        baseline_runs=1, repeats=2, say=lambda _: None)
    assert sorted(results.vectorized) == [300, 600] and sorted(results.reference) == [300]
    assert results.vectorized[300].months == 3 and results.reference[300].months == 2
    assert results.speedup(300) > 0 and results.speedup(600) is None
    assert results.vectorized[600].peak_rss_mb >= results.vectorized[600].imports_rss_mb > 0
    assert len(results.baseline_s) == 1
    assert results.floor.members == 100 and results.floor.months == 3
    assert results.marginal_ns(600) is not None and results.marginal_ns(123) is None
    table = rows(results)
    assert [cells[:3] for cells in table] == [("300", "vectorized", "3"), ("300", "reference", "2"),
                                              ("600", "vectorized", "3"),
                                              ("600", "reference", "skipped")]
    page = markdown(results, "aiecosim bench")
    assert "| 600 | reference | skipped |" in page
    assert "fixed cost" in page and "measured at 100 members" in page
    assert "(`--against`)" not in page  # only a run against another revision says so


needs_git = pytest.mark.skipif(not (REPO / ".git").exists(),
                               reason="--against compares git revisions: needs a checkout")


@needs_git
def test_another_revision_is_unpacked_and_its_processes_import_it():
    head = git("rev-parse", "HEAD~1")
    shipped = subprocess.run(["git", "-C", str(REPO), "show", "HEAD~1:model/ecosystem.py"],
                             capture_output=True, check=True).stdout
    with revision("HEAD~1") as other:
        assert other.commit == head
        assert (other.tree / "model" / "ecosystem.py").read_bytes() == shipped
        assert imported_tree(other.env) == other.tree  # not this checkout's code
        tree = other.tree
    assert not tree.exists()  # unpacked only while it is used


@needs_git
def test_bad_revision_is_one_line_and_status_2(capsys):
    assert main(["bench", "--quick", "--against", "no-such-revision"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--against" in err[0] and "no-such-revision" in err[0]


@needs_git
@pytest.mark.slow
@pytest.mark.timeout(300)
def test_baseline_is_timed_in_turn_against_another_revision():
    with revision("HEAD") as other:
        results = run_suite(sizes=[300], months=2, reference_months=1, reference_max=0,
                            baseline_runs=2, repeats=1, say=lambda _: None, against=other)
    assert results.against == other.commit
    assert len(results.baseline_s) == len(results.against_baseline_s) == 2
    assert results.against_floor.members == 100 and results.baseline_speedup() > 0
    page = markdown(results, "aiecosim bench")
    assert f"`{other.commit[:10]}` (`--against`)" in page
    assert "baseline speed-up over the --against revision" in page


def test_profile_paths_name_project_files_without_the_folder_they_ran_from():
    """A profile made from an unpacked copy (``bench --against``) names the project's files
    relative to the project, as one made in this tree does: no temporary folder in the docs."""
    inside = str(REPO / "model" / "agents" / "startups.py")
    copy = "/tmp/unpacked123/aiecosim/model/agents/startups.py"
    assert short_path(inside) == short_path(copy) == "model/agents/startups.py"
    assert short_path("/x/.venv/lib/python3.13/site-packages/numba/core/ffi.py") == \
        "numba/core/ffi.py"
    assert short_path("/usr/lib/python3.13/json/decoder.py") == "stdlib/json/decoder.py"
    assert short_path("/tmp/elsewhere/model/not_ours.py") == "/tmp/elsewhere/model/not_ours.py"
