"""The findings' regression test: rerun a small version of every finding (same levers, fewer
seeds and samples, on a real local Dask cluster) and fail when a documented direction flips."""

from __future__ import annotations

import pytest

from aiecosim.experiments.findings.generate import all_claims, run_sweeps

from support.runs import REPO


pytestmark = pytest.mark.slow  # about a minute: every claim rerun on a local Dask cluster


@pytest.fixture(scope="module")
def small_claims(tmp_path_factory):
    results = run_sweeps(tmp_path_factory.mktemp("findings"), workers=2, small=True,
                         progress=False)
    return all_claims(results)


@pytest.mark.timeout(900)
def test_every_documented_direction_still_holds(small_claims):
    flipped = [f"{c.section}: {c.name}: {c.measured}" for c in small_claims if not c.holds]
    assert not flipped, "\n".join(flipped)


@pytest.mark.timeout(900)
def test_the_committed_page_makes_exactly_these_claims(small_claims):
    page = (REPO / "docs" / "findings.md").read_text()
    missing = [c.statement for c in small_claims if c.statement not in page]
    assert not missing, missing
    assert page.count("| yes |") + page.count("| NO |") >= len(small_claims)
