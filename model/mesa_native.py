"""What Mesa's own tools need from ``EcosystemModel``: its world by keyword, its metrics collected.

``mesa.batch_run`` builds each run as ``EcosystemModel(**parameters, rng=seed)`` and reads
``model.datacollector``. So a scenario may be named by a shipped name or a path, dotted keys
arrive as keyword arguments (``**{"policy.liability.strength": 0.5}``), and the collector
gathers exactly the columns ``simulate()`` returns.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

import mesa

from aiecosim.model.catalogue import find_scenario
from aiecosim.model.errors import ScenarioError
from aiecosim.model.metrics import TABLE
from aiecosim.model.scenario import Scenario

SOURCE = "EcosystemModel"  # where a bad argument is reported, as a file or --set would be


def scenario_from(scenario: Any, overrides: dict[str, Any]) -> Scenario:
    """The world an ``EcosystemModel`` is asked for: a Scenario, a shipped scenario's name or a
    file's path (the baseline if none), with dotted-key ``overrides`` applied."""
    if scenario is None:
        resolved = Scenario.baseline()
    elif isinstance(scenario, Scenario):
        resolved = scenario
    elif isinstance(scenario, (str, Path)):
        resolved = Scenario.load(find_scenario(str(scenario)))
    else:
        # A bare Scenario given to batch_run is iterated, and each run gets one (field, value).
        hint = (" (mesa.batch_run iterates a bare Scenario: pass {'scenario': [scenario]})"
                if isinstance(scenario, tuple) else "")
        raise ScenarioError(SOURCE, "scenario", "expected a Scenario, a shipped scenario's name "
                            f"or a file path, found {type(scenario).__name__}{hint}")
    # No overrides: the very object given, as simulate() has always run it.
    return resolved.with_overrides(overrides, source=SOURCE) if overrides else resolved


def metrics_collector() -> mesa.DataCollector:
    """A DataCollector of the metrics table, to be collected after the recorder's row.

    The reporters read back the row ``MetricsRecorder.record`` has just written, so the
    collector agrees with ``simulate()`` bit for bit and never computes a metric twice.
    Module-level functions and partials, not lambdas: the collector stays picklable.
    """
    reporters = {"step": month, "year": year}
    reporters.update({metric.name: partial(latest, name=metric.name) for metric in TABLE})
    return mesa.DataCollector(model_reporters=reporters)


def month(model) -> int:
    return model.steps


def year(model) -> float:
    # The recorder's own formula (MetricsRecorder.to_frame), so the floats are the same.
    return model.scenario.start_year + (model.steps - 1) / 12.0


def latest(model, name: str) -> float:
    """This month's value of one metric, as the recorder stored it (a Python float: rows of
    ``batch_run`` print as numbers, and the float64 is unchanged)."""
    return float(model.recorder.data[name][model.steps - 1])
