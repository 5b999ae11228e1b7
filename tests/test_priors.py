"""Priors: every numeric parameter has one or a reason not to, and they give valid worlds."""

from __future__ import annotations

import math

import pytest

from aiecosim.cli.main import main
from aiecosim.experiments import prior_table
from aiecosim.experiments.doc_sections import section
from aiecosim.model import priors
from aiecosim.model.scenario import Scenario
from aiecosim.model.scenario_io import apply_overrides
from aiecosim.model.schema_walk import leaves
from aiecosim.model.simulate import simulate

from support.runs import REPO

ROWS = priors.rows()  # raises if a numeric field has neither a prior nor a reason
UNCERTAIN = [row for row in ROWS if row.prior is not None]


def test_every_listed_key_is_a_field_of_the_schema():
    """No prior or setting outlives the field it was written for."""
    fields = {leaf.key for leaf in leaves(Scenario)}
    assert not (set(priors.PRIORS) | set(priors.SETTINGS)) - fields


def test_every_assumption_sourced_or_calibrated_value_has_a_prior_with_a_reason():
    for row in ROWS:
        if row.status in ("sourced", "calibrated", "assumption"):
            assert row.prior is not None and len(row.prior.reason) > 10, row.key
        else:
            assert row.prior is None and row.note, row.key


@pytest.mark.parametrize("row", UNCERTAIN, ids=[row.key for row in UNCERTAIN])
def test_each_prior_holds_its_default_and_stays_inside_the_schema(row):
    prior, (low, high) = row.prior, row.bounds
    assert prior.low < prior.high
    assert prior.low <= row.default <= prior.high, "the default lies outside its own prior"
    values = [prior.quantile(u, row.bounds) for u in (1e-9, 0.01, 0.25, 0.5, 0.75, 0.99, 1 - 1e-9)]
    assert values == sorted(values) and values[0] < values[-1]
    assert all(math.isfinite(v) for v in values)
    assert (low is None or values[0] >= low) and (high is None or values[-1] <= high)
    if prior.form in ("uniform", "log-uniform"):
        assert values[0] == pytest.approx(prior.low, rel=1e-6, abs=0.5 if prior.integer else 1e-6)
        assert values[-1] == pytest.approx(prior.high, rel=1e-6, abs=0.5 if prior.integer else 1e-6)
    if prior.integer:
        assert all(v == int(v) for v in values)


def test_normal_priors_put_95_percent_inside_their_interval():
    normal = priors.Prior("x", "log-normal", 2.0, 8.0, "test")
    assert normal.quantile(0.025) == pytest.approx(2.0, rel=1e-6)
    assert normal.quantile(0.975) == pytest.approx(8.0, rel=1e-6)
    assert normal.quantile(0.5) == pytest.approx(4.0, rel=1e-6)
    truncated = priors.Prior("x", "normal", 0.0, 1.0, "test")
    assert truncated.quantile(1e-9, (0.2, None)) >= 0.2


def test_samples_are_reproducible_and_cover_each_range_evenly():
    first, again, other = priors.sample(20, 3), priors.sample(20, 3), priors.sample(20, 4)
    assert first == again and first != other
    for row in UNCERTAIN:
        values = sorted(world[row.key] for world in first)
        lowest, highest = row.prior.quantile(0.05, row.bounds), row.prior.quantile(0.95, row.bounds)
        assert values[0] <= lowest and values[-1] >= highest, row.key  # a Latin hypercube


def test_sampled_worlds_validate_and_run_to_finite_metrics():
    base = Scenario.baseline().model_copy(update={"steps": 12})
    for seed, world in enumerate(priors.sample(6, 11)):
        frame = simulate(apply_overrides(base, world, "priors"), seed)
        floats = [c for c in frame.columns if frame[c].dtype.is_float()]
        assert all(frame[c].is_finite().all() for c in floats)


def test_the_odd_table_is_what_the_command_writes():
    page = (REPO / "docs" / "ODD.md").read_text()
    assert section(page, prior_table.SECTION) == prior_table.markdown().strip(), (
        "regenerate it: aiecosim scenario priors --odd docs/ODD.md")


def test_priors_command_prints_the_table_and_refuses_an_unknown_status(capsys):
    assert main(["scenario", "priors", "--status", "calibrated"]) == 0
    out = capsys.readouterr().out
    assert "choice_noise" in out and "3 calibrated" in out
    assert main(["scenario", "priors", "--status", "guessed"]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "--status" in err and "'guessed'" in err
