"""The findings' regression test: rerun a small version of every finding (same levers, fewer
seeds and samples, on a real local Dask cluster) and fail when a documented direction flips."""

from __future__ import annotations

import re

import pytest

from aiecosim.experiments.findings.generate import all_claims, run_sweeps

from support.runs import REPO


pytestmark = pytest.mark.slow  # about a minute: every claim rerun on a local Dask cluster


@pytest.fixture(scope="module")
def small_results(tmp_path_factory):
    return run_sweeps(tmp_path_factory.mktemp("findings"), workers=2, small=True, progress=False)


@pytest.fixture(scope="module")
def small_claims(small_results):
    return all_claims(small_results)


def claim_rows() -> dict[str, dict[str, str]]:
    """Each row of the committed page's claim tables by statement, its cells by column."""
    rows, header = {}, None
    for line in (REPO / "docs" / "findings.md").read_text().splitlines():
        if line.startswith("|---"):
            continue
        if not line.startswith("| "):
            header = None
            continue
        cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
        if header is None:
            header = cells
        elif header[0] == "claim" and "holds" in header and len(cells) == len(header):
            rows[cells[0]] = dict(zip(header, cells))
    return rows


def page_verdicts() -> dict[str, tuple[str, str]]:
    """Each claim's "holds" and "whole CI agrees" cells on the committed page, by statement."""
    return {statement: (row["holds"], row["whole CI agrees"])
            for statement, row in claim_rows().items()}


@pytest.mark.timeout(900)
def test_every_documented_direction_still_holds(small_claims):
    """A claim whose whole interval agrees on the page must still hold on the small run's mean.

    A claim whose page interval spans its threshold (whole CI "no": Monte Carlo noise at the
    page's seeds decides it) cannot be tested by a run with fewer seeds, whose mean is noisier
    still; the page marks those claims, and a change that moves them shows there."""
    verdicts = page_verdicts()
    firm = [c for c in small_claims if verdicts.get(c.statement) == ("yes", "yes")]
    assert len(firm) >= len(small_claims) // 2, "most claims should be firm on the page"
    flipped = [f"{c.section}: {c.name}: {c.measured}" for c in firm if not c.holds]
    assert not flipped, "\n".join(flipped)


@pytest.mark.timeout(900)
def test_the_committed_page_makes_exactly_these_claims(small_claims):
    page = (REPO / "docs" / "findings.md").read_text()
    missing = [c.statement for c in small_claims if c.statement not in page]
    assert not missing, missing
    assert page.count("| yes |") + page.count("| NO |") >= len(small_claims)


def share_margin(here: float, on_page: float, worlds: int) -> float:
    """Three binomial standard deviations of a share over the small run's few worlds (at the
    two shares' mean), plus one world: the small run's worlds are another draw from the
    posterior than the page's."""
    share = (here + on_page) / 2
    return 3 * (share * (1 - share) / worlds) ** 0.5 + 1 / worlds


@pytest.mark.timeout(900)
def test_each_headlines_share_of_worlds_stays_near_the_page(small_results):
    """Each headline over plausible worlds is on the page, and its share of worlds in the
    small run is within ``share_margin`` of the page's: a change that moves where a headline
    holds fails here."""
    from aiecosim.experiments.findings.worlds import world_claims

    page = (REPO / "docs" / "findings.md").read_text()
    rows = {line.split(" | ")[0].lstrip("| "): line for line in page.splitlines()
            if line.startswith("| ") and "%" in line}
    moved = []
    for claim in world_claims(small_results):
        assert claim.statement in rows, claim.statement
        cells = [c.strip() for c in rows[claim.statement].strip("|").split("|")]
        on_page = float(cells[3].rstrip("%")) / 100
        assert cells[1] == claim.label
        if abs(claim.share - on_page) > share_margin(claim.share, on_page, len(claim.effect)):
            moved.append(f"{claim.name}: {claim.share:.0%} of worlds here, {on_page:.0%} on the page")
    assert not moved, "\n".join(moved)


def test_the_page_counts_the_seeds_each_design_ran(small_results):
    """The page's seed counts come from the sweeps (``findings --small`` runs 3, not 20)."""
    assert small_results.seeds("validation") == 3 == small_results.seeds("release-regimes")
    import inspect
    from aiecosim.experiments.findings import page
    assert not re.search(r"\b\d+ seeds", inspect.getsource(page.write_page)), \
        "a seed count typed into the page's text"


def test_the_sensitivity_section_computes_on_the_small_run(small_results):
    """Screening gives every prior a share of the elementary effects; the leaders' delta
    indices come with the dummy input's floor, at every size of the convergence plot."""
    from aiecosim.experiments.findings import sensitivity
    from aiecosim.model.priors import uncertain

    for metric in sensitivity.OUTPUTS:
        frame = sensitivity.screening(small_results, metric)
        assert len(frame) == len(uncertain())
        assert abs(frame["share"].sum() - 1) < 1e-9 and (frame["share_conf"] >= 0).all()
    leaders = sensitivity.leaders(small_results)
    assert len(sensitivity.OUTPUTS) <= len(leaders) <= 3 * len(sensitivity.OUTPUTS)
    found = sensitivity.deltas(small_results, "innovation", leaders)
    assert set(found["parameter"]) == {*leaders, sensitivity.DUMMY}
    assert found["delta"].is_between(0, 1).all() and (found["delta_conf"] > 0).all()
    assert set(sensitivity.above_floor(found)) <= set(leaders)
    grown = sensitivity.convergence(small_results, "innovation", leaders)
    assert grown["size"].max() == len(small_results.sweeps["prior-worlds"].points)


def test_every_claim_has_a_label_and_a_share_of_worlds_as_on_the_page(small_claims):
    """Each claim is labelled (identity, by construction or emergent) and computed in each
    world of its design's copy over the posterior; the page shows the same labels."""
    from aiecosim.experiments.findings.over_worlds import LABELS

    rows = claim_rows()
    assert {c.name for c in small_claims} == set(LABELS)
    for c in small_claims:
        assert c.label in ("identity", "by construction", "emergent"), c.name
        holds, worlds = c.held_in
        assert worlds >= 2 and 0 <= holds <= worlds, c.name
        assert rows[c.statement]["label"] == c.label, c.statement
        assert rows[c.statement]["share of worlds"].endswith("%"), c.statement
