"""Mesa's own tools work on the model: ``mesa.batch_run`` over scenarios and dotted keys, and
``model.datacollector`` holding the same table as ``simulate()``."""

from __future__ import annotations

import multiprocessing

import mesa
import polars as pl
import pytest

from aiecosim.model import EcosystemModel, ScenarioError, simulate
from aiecosim.model.metrics import TABLE, TIME

COLUMNS = [m.name for m in (*TIME, *TABLE)]
MONTHS = 12
STRENGTH = "policy.liability.strength"


@pytest.fixture(scope="module", autouse=True)
def keep_start_method():
    """batch_run sets multiprocessing's start method for the whole process; put it back."""
    before = multiprocessing.get_start_method(allow_none=True)
    yield
    multiprocessing.set_start_method(before, force=True)


@pytest.fixture(scope="module")
def short(baseline):
    return baseline.with_overrides({"steps": MONTHS})


def batch(parameters: dict, rng: list, **options) -> list[dict]:
    return mesa.batch_run(EcosystemModel, parameters=parameters, rng=rng, max_steps=MONTHS,
                          number_processes=1, data_collection_period=1, display_progress=False,
                          **options)


def run_of(rows: list[dict], **match) -> pl.DataFrame:
    """One run's rows, in month order, as simulate()'s columns."""
    picked = [r for r in rows if all(r[k] == v for k, v in match.items())]
    return pl.DataFrame([{c: r[c] for c in COLUMNS} for r in picked]).sort("step")


def test_batch_run_over_scenarios_gives_simulates_table_for_each_seed(short):
    api_only = short.with_overrides({"policy.release_regime": "api-only"})
    rows = batch({"scenario": [short, api_only]}, rng=[1, 2])
    assert len(rows) == 2 * 2 * MONTHS and set(COLUMNS) <= set(rows[0])
    assert [r["step"] for r in rows[:MONTHS]] == [int(r["Step"]) for r in rows[:MONTHS]] \
        == list(range(1, MONTHS + 1))
    for scenario in (short, api_only):
        for iteration, seed in enumerate((1, 2)):
            got = run_of(rows, scenario=scenario, iteration=iteration)
            assert got.equals(simulate(scenario, seed=seed)), (scenario.policy.release_regime, seed)


def test_the_same_rng_gives_the_same_rows_and_another_differs(short):
    rows = batch({"scenario": [short]}, rng=[5, 5, 6])
    first, again, other = (run_of(rows, iteration=i) for i in range(3))
    assert first.equals(again) and not first.equals(other)


def test_dotted_keys_are_parameters_that_change_the_world(short):
    rows = batch({"scenario": [short], STRENGTH: [0.0, 1.0]}, rng=[1, 2])
    for strength in (0.0, 1.0):
        mine = [r for r in rows if r[STRENGTH] == strength]
        assert len(mine) == 2 * MONTHS
        assert all(r["liability_strength"] == strength for r in mine)  # the regulator's
    paid = {s: sum(r["liability_paid"] for r in rows if r[STRENGTH] == s) for s in (0.0, 1.0)}
    assert paid[0.0] == 0.0 < paid[1.0]
    liable = short.with_overrides({STRENGTH: 1.0})
    assert run_of(rows, **{STRENGTH: 1.0}, iteration=1).equals(simulate(liable, seed=2))


def test_a_shipped_scenario_by_name_with_keys_as_single_values(short):
    rows = batch({"scenario": "baseline", "steps": MONTHS}, rng=[3])
    assert run_of(rows).equals(simulate(short, seed=3))


def test_a_run_stops_at_the_scenarios_horizon_whatever_max_steps(short):
    rows = mesa.batch_run(EcosystemModel, parameters={"scenario": [short]}, rng=[1],
                          max_steps=1000, data_collection_period=-1, display_progress=False)
    assert [r["step"] for r in rows] == [MONTHS]


def test_the_datacollector_holds_simulates_frame(short):
    model = EcosystemModel(short, rng=4)
    model.run_model()
    assert model.steps == MONTHS and not model.running
    collected = pl.from_pandas(model.datacollector.get_model_vars_dataframe())
    # Exact, dtypes included: the reporters read the recorder's float64 row back unchanged
    # (step is an int, as simulate()'s is), so there is nothing to round.
    assert collected.equals(simulate(short, seed=4))


def test_collecting_takes_no_random_draws(short):
    on, off = EcosystemModel(short, rng=9), EcosystemModel(short, rng=9, collect=False)
    for _ in range(MONTHS):
        on.step()
        off.step()
    assert off.datacollector is None
    assert on.recorder.to_frame(2023).equals(off.recorder.to_frame(2023))
    assert on.rng.bit_generator.state == off.rng.bit_generator.state


@pytest.mark.parametrize("arguments, said", [
    ({STRENGTH.replace("strength", "strenght"): 1}, ["policy.liability.strenght", "'strength'"]),
    ({STRENGTH: "strong"}, [STRENGTH, "expected a valid number"]),
    ({"seed": 3}, ["seed", "unknown key"]),
    ({"scenario": ("name", "baseline")}, ["scenario", "found tuple", "[scenario]"]),
    ({"scenario": 7}, ["scenario", "found int"]),
    ({"scenario": "basline"}, ["basline", "did you mean 'baseline'"]),
])
def test_bad_arguments_are_one_line_naming_the_key(arguments, said):
    with pytest.raises(ScenarioError) as error:
        EcosystemModel(**arguments)
    message = str(error.value)
    assert "\n" not in message and all(part in message for part in said), message


def test_a_bare_scenario_given_to_batch_run_says_to_wrap_it(short):
    with pytest.raises(ScenarioError, match=r"pass \{'scenario': \[scenario\]\}"):
        batch({"scenario": short}, rng=[1])
