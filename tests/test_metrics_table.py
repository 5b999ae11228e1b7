"""The metrics table (``model.metrics``) declares exactly the columns ``simulate`` returns, and
the named subsets and the regulator's memory agree with it."""

from __future__ import annotations

import numpy as np
import pytest

from aiecosim.model import EcosystemModel, simulate
from aiecosim.model.metrics import EXPLORE_METRICS, METRICS, SUMMARY_METRICS, TABLE, TIME, label


@pytest.fixture(scope="module")
def short(baseline):
    return baseline.with_overrides({"steps": 6, "populations.startups.segments": 4,
                                    "populations.academics.count": 200,
                                    "populations.bad_actors.count": 500})


def test_simulate_returns_exactly_the_declared_columns_in_order(short):
    frame = simulate(short, seed=1)
    assert frame.columns == [m.name for m in (*TIME, *TABLE)]


def test_every_metric_has_a_unique_name_a_unit_a_meaning_and_a_computation():
    assert len(METRICS) == len(TABLE)
    for metric in (*TIME, *TABLE):
        assert metric.unit and metric.meaning and metric.computed, metric
        assert label(metric.name) == f"{metric.meaning} ({metric.unit})"
    assert label("not_a_metric") == "not_a_metric"


@pytest.mark.parametrize("subset", [SUMMARY_METRICS, EXPLORE_METRICS])
def test_named_subsets_name_declared_metrics_once(subset):
    assert set(subset) <= set(METRICS) and len(set(subset)) == len(subset)


def test_the_command_line_and_the_dashboard_show_the_declared_subsets():
    from aiecosim.dashboard.views.explore import KEY_METRICS as explore
    from aiecosim.experiments.summary import KEY_METRICS as summary

    assert (summary, explore) == (SUMMARY_METRICS, EXPLORE_METRICS)


def test_the_regulator_remembers_the_harm_that_was_recorded(short):
    adaptive = short.with_overrides({"policy.adaptive.enabled": True, "policy.adaptive.lag_months": 0})
    model = EcosystemModel(adaptive, rng=3)
    for _ in range(adaptive.steps):
        model.step()
    assert np.array_equal(model.regulator.harm_seen, model.recorder.column("misuse_harm"))
