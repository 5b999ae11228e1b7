"""An experiment: a validated design bound to its resolved scenario, its levers and its points.

``load_experiment(path)`` is the one way in: it reads the design, loads the scenario it names,
applies ``set`` and ``months``, and checks every lever against the scenario schema (the key
exists, the values or the range ends are within the schema's bounds).
"""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from aiecosim.model import Scenario, keys, priors
from aiecosim.model.errors import ScenarioError
from aiecosim.model.scenario_io import read_toml
from aiecosim.experiments.design import Design, Range, parse_design

VARIANT = "variant"  # the column naming a design's variant, when it has variants
WORLD = "world"  # the column naming a plausible world, when the design draws them
# A prior is sampled over its central 95%: the normal forms' full range would reach their
# truncation bounds, and a Morris grid's end levels would land on them.
PRIOR_SPAN = (0.025, 0.975)
DTYPES = {"float": pl.Float64, "int": pl.Int64, "bool": pl.Boolean, "str": pl.String,
          "json": pl.String}


@dataclass(frozen=True)
class Variable:
    """One varied lever: its dotted key, the type of its values, and its values or range."""

    key: str
    kind: str  # float | int | bool | str | json (lists, such as a lab's release_plan)
    values: tuple[Any, ...] | None = None
    labels: tuple[str, ...] | None = None
    low: float | None = None
    high: float | None = None
    levels: int | None = None
    prior: priors.Row | None = None  # set: low..high are quantiles of this row's prior

    @property
    def numeric(self) -> bool:
        return self.kind in ("float", "int")

    def grid_values(self) -> list[Any]:
        if self.values is not None:
            return list(self.values)
        return list(dict.fromkeys(self.cast(x) for x in np.linspace(self.low, self.high, self.levels)))

    def cast(self, x: float) -> Any:
        """A sampled number as the key's type (integers round); a prior's quantile as its value."""
        if self.prior is not None:
            x = self.prior.prior.quantile(float(x), self.prior.bounds)
        return int(round(float(x))) if self.kind == "int" else float(x)

    def encode(self, value: Any) -> Any:
        """The value as stored in a results column (lists as JSON text)."""
        return json.dumps(value) if self.kind == "json" else value

    def label(self, value: Any) -> str:
        if self.labels is not None and self.values is not None and value in self.values:
            return self.labels[self.values.index(value)]
        if isinstance(value, float):
            shown = f"{value:.4g}"
        else:
            shown = json.dumps(value) if self.kind == "json" else str(value)
        if self.key == VARIANT:
            return shown
        return f"{keys.short(self.key)}={shown}"

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "kind": self.kind, "values": self.values, "labels": self.labels,
                "low": self.low, "high": self.high, "levels": self.levels,
                "prior": self.prior is not None}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Variable":
        values = tuple(data["values"]) if data.get("values") is not None else None
        labels = tuple(data["labels"]) if data.get("labels") is not None else None
        prior = _prior_rows()[data["key"]] if data.get("prior") else None
        return cls(data["key"], data["kind"], values, labels, data.get("low"), data.get("high"),
                   data.get("levels"), prior)


@functools.cache
def _prior_rows() -> dict[str, priors.Row]:
    return {row.key: row for row in priors.uncertain()}


def prior_variables(design: Design) -> list[Variable]:
    """The variables a design's ``priors`` key adds: every prior (or every assumption's) not
    already varied or set, in schema order, sampled over ``PRIOR_SPAN`` of its quantiles."""
    if design.priors is None:
        return []
    taken = set(design.vary) | set(design.set)
    return [Variable(row.key, "int" if row.prior.integer else "float", low=PRIOR_SPAN[0],
                     high=PRIOR_SPAN[1], prior=row)
            for row in _prior_rows().values()
            if row.key not in taken and (design.priors == "all" or row.status == "assumption")]


@dataclass(frozen=True)
class Experiment:
    """A design ready to run: the base scenario (file + ``set`` + ``months``) and its levers."""

    design: Design
    source: str
    scenario: Scenario
    variables: tuple[Variable, ...]
    worlds: tuple[dict[str, float], ...] = ()  # each world's overrides, drawn from the posterior
    posterior_digest: str | None = None

    def points(self) -> list[dict[str, Any]]:
        """Every point of the design in a fixed order (see ``experiments.sampling``)."""
        from aiecosim.experiments.sampling import sample_points

        return sample_points(self.design, self.variables)

    def overrides(self, point: dict[str, Any]) -> dict[str, Any]:
        """The scenario overrides of one point; a variant expands to its bundle."""
        out: dict[str, Any] = {}
        for key, value in point.items():  # a world first, so the levers override its values
            if key == WORLD:
                out.update(self.worlds[value])
            else:
                out.update(self.design.variants[value] if key == VARIANT else {key: value})
        return out

    def count_runs(self) -> tuple[int, int]:
        """(points, runs) of the design, counted without building its points."""
        from aiecosim.experiments.sampling import count_points

        n_points = count_points(self.design, self.variables)
        return n_points, n_points * self.design.seeds

    def points_frame(self, points: list[dict[str, Any]]) -> pl.DataFrame:
        """One row per point: ``point``, ``label`` and a column per lever."""
        return points_frame(points, self.variables)

    def fingerprint(self) -> str:
        """A hash of everything that decides the results; names and task sizes do not count."""
        # A posterior counts by its content; without one, the world keys are not there at all
        # (so sweeps begun before they existed still resume).
        worlds = ({"posterior"} if self.design.posterior else {"posterior", "worlds", "world_seed"})
        unset = set() if self.design.priors else {"priors"}
        content = self.design.model_dump(
            mode="json", exclude={"name", "description", "scenario", "runs_per_task", *worlds,
                                  *unset})
        if self.design.priors:  # the priors' forms and ranges decide the sampled values
            content["priors_used"] = [[v.key, v.prior.prior.form, v.prior.prior.low,
                                       v.prior.prior.high, list(v.prior.bounds)]
                                      for v in self.variables if v.prior is not None]
        content["scenario_digest"] = self.scenario.digest()
        if self.posterior_digest is not None:
            content["posterior_digest"] = self.posterior_digest
        text = json.dumps(content, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def with_worlds(self, n: int, posterior: str | None = None) -> "Experiment":
        """The same design with ``n`` worlds drawn from its posterior (a smaller version), or
        from ``posterior`` (a file's path), one seed each: a design of the defaults' world
        rerun over plausible worlds, its points compared within each world."""
        from dataclasses import replace

        update: dict[str, Any] = {"worlds": n}
        if posterior is not None:
            update |= {"posterior": str(posterior), "seeds": 1}
        design = self.design.model_copy(update=update)
        worlds, digest = _worlds(design, Path(self.source).parent, self.source)
        variables = (Variable(WORLD, "int", values=tuple(range(n))),
                     *(v for v in self.variables if v.key != WORLD))
        return replace(self, design=design, variables=variables, worlds=worlds,
                       posterior_digest=digest)

    def with_set(self, overrides: dict[str, Any]) -> "Experiment":
        """The same design with ``overrides`` added to its ``set`` (every run's fixed values),
        e.g. one of the structural switches of DESIGN.md §3."""
        from dataclasses import replace

        design = self.design.model_copy(update={"set": {**self.design.set, **overrides}})
        scenario = _checked(self.scenario, overrides, self.source, "set")
        return replace(self, design=design, scenario=scenario)

    def seeds(self) -> list[int]:
        return list(range(self.design.first_seed, self.design.first_seed + self.design.seeds))


def points_frame(points: list[dict[str, Any]], variables: tuple[Variable, ...]) -> pl.DataFrame:
    columns: dict[str, pl.Series] = {
        "point": pl.Series("point", range(len(points)), dtype=pl.Int64),
        "label": pl.Series("label", [", ".join(v.label(p[v.key]) for v in variables) or "all"
                                     for p in points], dtype=pl.String),
    }
    for v in variables:
        columns[v.key] = pl.Series(v.key, [v.encode(p[v.key]) for p in points], dtype=DTYPES[v.kind])
    return pl.DataFrame(columns)


# --------------------------------------------------------------------------------- loading
SHIPPED = Path(str(files("aiecosim.experiments.designs")))  # package data, also when installed


def find_design(text: str | Path) -> Path:
    """A design file's path; a bare name such as ``sensitivity`` means a shipped design."""
    path = Path(text)
    shipped = SHIPPED / f"{path.name}.toml"
    if not path.exists() and path.parent == Path(".") and path.suffix == "" and shipped.exists():
        return shipped
    return path


def load_experiment(path: str | Path, quick: bool = False) -> Experiment:
    """Read and validate a design file and everything it refers to; raise ``ScenarioError``.

    ``path`` may be the bare name of a shipped design (``experiments/designs/NAME.toml``).
    """
    path = find_design(path)
    source = str(path)
    if path.is_file() and not path.read_bytes().strip():
        raise ScenarioError(source, "", "file is empty; expected design keys such as scenario, "
                            "method, vary and seeds")
    design = parse_design(read_toml(path), source)
    if quick:
        design = design.quick()
    scenario = base_scenario(design, path.parent, source)
    variables = [_variable(scenario, key, r, design.method, source) for key, r in design.vary.items()]
    variables += prior_variables(design)
    if design.variants:
        for name, bundle in design.variants.items():
            _checked(scenario, bundle, source, f"variants.{name}")
        names = tuple(design.variants)
        variables.insert(0, Variable(VARIANT, "str", values=names))
    worlds, digest = (), None
    if design.posterior is not None:
        worlds, digest = _worlds(design, path.parent, source)
        variables.insert(0, Variable(WORLD, "int", values=tuple(range(len(worlds)))))
    return Experiment(design, source, scenario, tuple(variables), worlds, digest)


def _worlds(design: Design, folder: Path, source: str) -> tuple[tuple[dict[str, float], ...], str]:
    """The design's plausible worlds' overrides; they share the design's seeds, so points
    compare within a world on common random numbers."""
    drawn, file, digest = design_worlds(design, folder, source, set(design.set))
    return tuple(w.overrides for w in drawn), digest


def design_worlds(design, folder: Path, source: str, fixed: set[str]):
    """The ``worlds`` plausible worlds a design (a sweep's or a search's) draws from its
    ``posterior`` with its ``world_seed`` (experiments.posterior), without the ``fixed`` keys
    the design sets itself (its values win over a world's); also the posterior file and its
    digest, for provenance."""
    from aiecosim.experiments import posterior
    from aiecosim.experiments.observations import file_digest

    file = (folder / design.posterior).resolve()
    try:
        particles, _ = posterior.read(file)
    except ScenarioError as exc:
        raise ScenarioError(source, "posterior", f"{design.posterior}: {exc.problem}") from None
    drawn = tuple(posterior.World(w.particle, {k: v for k, v in w.overrides.items()
                                               if k not in fixed}, w.seed)
                  for w in posterior.draw_worlds(particles, design.worlds, design.world_seed))
    return drawn, file, file_digest(file)


def base_scenario(design, folder: Path, source: str) -> Scenario:
    """A design's scenario (``scenario``, relative to the design's ``folder``) with its fixed
    overrides (``set``, ``months``): the world a sweep's or a search's levers start from."""
    file = (folder / design.scenario).resolve()
    if not file.exists() and file.suffix != ".toml":
        file = file.with_name(file.name + ".toml")
    if not file.is_file():
        raise ScenarioError(source, "scenario", f"file not found: {design.scenario}")
    scenario = Scenario.load(file)
    fixed = dict(design.set)
    if design.months is not None:
        fixed["steps"] = design.months
    return _checked(scenario, fixed, source, "set") if fixed else scenario


def _checked(scenario: Scenario, overrides: dict[str, Any], source: str, where: str) -> Scenario:
    try:
        return scenario.with_overrides(overrides, source=source)
    except ScenarioError as exc:
        key = f"{where}.{exc.key}" if exc.key else where
        raise ScenarioError(source, key, exc.problem) from None


def _variable(scenario: Scenario, key: str, r: Range, method: str, source: str) -> Variable:
    """Check one lever against the schema and find the type of its values."""
    ends = {"values": list(r.values)} if r.values is not None else {"min": r.min, "max": r.max}
    for field, candidates in ends.items():
        for value in candidates if field == "values" else [candidates]:
            try:
                scenario.with_overrides({key: value}, source=source)
            except ScenarioError as exc:
                unknown = exc.problem.startswith("unknown key")
                raise ScenarioError(source, f"vary.{key}" if unknown else f"vary.{key}.{field}",
                                    exc.problem) from None
    kind = _kind(keys.get(scenario.to_dict(), key))
    if r.values is None and kind not in ("float", "int"):
        raise ScenarioError(source, f"vary.{key}", f"takes {kind} values, not a numeric range; "
                            "list them with values = [...] and method = 'grid'")
    values = tuple(r.values) if r.values is not None else None
    labels = tuple(r.labels) if r.labels is not None else None
    return Variable(key, kind, values, labels, r.min, r.max, r.levels)


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    return "str" if isinstance(value, str) else "json"
