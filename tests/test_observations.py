"""The observation files: they parse, name real columns, and summarise a run as they say."""

from __future__ import annotations

import math
from pathlib import Path

import polars as pl
import pytest

from aiecosim.experiments import observations as ob
from aiecosim.model.errors import ScenarioError


@pytest.mark.parametrize("name", [ob.CALIBRATION_FILE, ob.HINDCAST_FILE])
def test_shipped_files_load(name: str) -> None:
    found = ob.load(ob.shipped(name))
    assert found.observation and all(each.source for each in found.observation)
    assert found.role == ("calibration" if name == ob.CALIBRATION_FILE else "hindcast")


def test_calibration_and_hindcast_do_not_overlap_in_time() -> None:
    """The held-out file starts where the 2023 one ends: nothing of 2024-25 is fitted."""
    fitted = ob.load(ob.shipped(ob.CALIBRATION_FILE))
    held_out = ob.load(ob.shipped(ob.HINDCAST_FILE))
    assert fitted.months_needed <= 12
    assert min(each.months[0] for each in held_out.observation) >= 13


def frame(values: list[float]) -> pl.DataFrame:
    return pl.DataFrame({"step": list(range(1, len(values) + 1)), "misuse_incidents": values})


def observation(**changes) -> ob.Observation:
    fields = dict(name="x", quantity="misuse_incidents", statistic="mean", months=[2, 3],
                  value=2.0, interval=[1.0, 4.0], source="test")
    return ob.Observation.model_validate({**fields, **changes})


def test_statistics_read_the_months_they_name() -> None:
    run = frame([1.0, 2.0, 6.0, 3.0, 9.0])
    assert observation().model_value(run) == 4.0
    assert observation(statistic="max", months=[1, 4]).model_value(run) == 6.0
    assert observation(statistic="sum", months=[1, 2]).model_value(run) == 3.0
    ratio = observation(statistic="ratio", months=[4, 5], base_months=[1, 2], value=1.5,
                        interval=[1.0, 3.0])
    assert ratio.model_value(run) == pytest.approx(12.0 / 3.0)
    assert math.isnan(observation(months=[5, 6]).model_value(run))  # the run is too short


def test_miss_is_in_half_intervals_on_each_side() -> None:
    asymmetric = observation()  # 2 in [1, 4]
    assert asymmetric.miss(2.0) == 0.0
    assert asymmetric.miss(4.0) == pytest.approx(1.0)
    assert asymmetric.miss(1.0) == pytest.approx(-1.0)
    assert asymmetric.miss(3.0) == pytest.approx(0.5)
    ratio = observation(statistic="ratio", base_months=[1, 1], value=2.0, interval=[1.0, 4.0])
    assert ratio.miss(4.0) == pytest.approx(1.0) and ratio.miss(8.0) == pytest.approx(2.0)


def test_distance_is_zero_at_the_observations_and_infinite_without_a_value() -> None:
    found = ob.load(ob.shipped(ob.HINDCAST_FILE))
    exact = {each.name: each.value for each in found.observation}
    assert found.distance(exact) == 0.0
    edges = {each.name: each.interval[1] for each in found.observation}
    assert found.distance(edges) == pytest.approx(1.0)
    assert found.distance({**exact, found.observation[0].name: math.nan}) == math.inf


GOOD = """role = "calibration"
period = "2023"
[[observation]]
name = "lag"
quantity = "open_lag_months"
statistic = "mean"
months = [1, 12]
value = 12.0
interval = [5.0, 22.0]
source = "Epoch AI"
"""

MISTAKES = {
    "misspelt key": (GOOD.replace("statistic", "statistik"), "did you mean 'statistic'"),
    "unknown column": (GOOD.replace('"open_lag_months"', '"open_lag"'),
                       "'open_lag' is not a metric column"),
    "bool for a number": (GOOD.replace("value = 12.0", "value = true"), "observation.lag.value"),
    "string for a month": (GOOD.replace("[1, 12]", '["1", 12]'), "observation.lag.months"),
    "value outside": (GOOD.replace("value = 12.0", "value = 30.0"), "must hold value 30.0"),
    "months backwards": (GOOD.replace("[1, 12]", "[12, 1]"), "1 <= first <= last"),
    "ratio without base": (GOOD.replace('"mean"', '"ratio"'), "base_months goes with"),
    "unknown role": (GOOD.replace('"calibration"', '"fit"'), "role"),
}


@pytest.mark.parametrize("case", sorted(MISTAKES))
def test_bad_files_are_one_line_naming_the_key(case: str, tmp_path: Path) -> None:
    text, words = MISTAKES[case]
    path = tmp_path / "obs.toml"
    path.write_text(text)
    with pytest.raises(ScenarioError) as caught:
        ob.load(path)
    message = str(caught.value)
    assert "\n" not in message and str(path) in message and words in message
