"""ABC-SMC calibration: the worlds of the priors that the 2023 observations allow.

pyabc runs the sequential Monte Carlo (Del Moral et al. 2012; Klinger et al. 2018): each
generation proposes parameter sets by perturbing the last generation's accepted ones, runs the
model, and keeps the runs whose distance from the observations is within the generation's
threshold. The threshold is the median distance of the last generation, floored at
``Settings.epsilon``: a distance of 1 means a run lies at its observations' interval edges on
root-mean-square average, so the floor makes the posterior the prior restricted to runs the
evidence's intervals allow, and no tighter (the intervals already are the evidence's error).

Parameters move in a standard-normal space (z) and reach the model through each prior's
quantile at Φ(z). The sampler's proposals then never fall outside a prior's support, which in
dozens of dimensions a bounded kernel almost always would.

Every random draw is seeded: the sampler hands each of a generation's tasks its own seed from
``(seed, generation)``, and a task draws its proposals and its runs' seeds from it. So the same
settings give the same posterior on any number of workers, and a resumed calibration continues
exactly as an uninterrupted one. pyabc keeps its history in an SQLite file beside the output;
rerunning the same command resumes after the last finished generation.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Literal

import numpy as np
import polars as pl

from aiecosim.experiments.observations import Observations, file_digest
from aiecosim.model.errors import ScenarioError, did_you_mean
from aiecosim.model.priors import Row, uncertain

# A run whose distance is undefined (a ratio of an empty window) gets this finite distance, so
# pyabc's median of a generation's distances stays a number; it is never accepted.
UNDEFINED_DISTANCE = 1e9
SEED_KEY = "seed"  # the run's seed, kept among the summary statistics
VALUE_PREFIX = "value:"  # each prior's value in the run, kept among them too


@dataclass(frozen=True)
class Settings:
    """What a calibration varies, how many particles, and when it stops."""

    population: int = 1000  # accepted particles per generation
    generations: int = 8  # at most
    epsilon: float = 1.0  # the floor of the threshold; reaching it ends the calibration
    min_acceptance: float = 0.01  # or stop when fewer runs than this are accepted
    direct_share: float = 0.05  # start at the floor when this share of the prior reaches it
    seed: int = 0
    keys: tuple[str, ...] | None = None  # the priors refined by the SMC kernel (default: screened)
    screen_worlds: int = 400  # prior worlds the screen runs to choose the keys
    others: Literal["prior", "fixed"] = "prior"  # the rest: drawn from their priors in each run, or held

    def to_dict(self) -> dict:
        data = asdict(self)
        data["keys"] = list(self.keys) if self.keys is not None else None
        return data


def fitted_rows(keys: tuple[str, ...] | None = None) -> list[Row]:
    """The prior rows a calibration varies, in schema order; an unknown key is one line."""
    rows = uncertain()
    if keys is None:
        return rows
    known = {row.key for row in rows}
    unknown = [key for key in keys if key not in known]
    if unknown:
        hint = did_you_mean(unknown[0], sorted(known)) or " (see aiecosim scenario priors)"
        raise ScenarioError("--keys", unknown[0], f"expected a key with a prior{hint}")
    return [row for row in rows if row.key in keys]


def parameter_names(rows: list[Row]) -> list[str]:
    """pyabc's names for the parameters (its database and formulas want plain identifiers)."""
    return [f"p{i:03d}" for i in range(len(rows))]


def to_overrides(rows: list[Row], z: dict[str, float]) -> dict[str, float]:
    """Standard-normal coordinates to dotted-key values, through each prior's quantile."""
    from scipy.stats import norm

    names = parameter_names(rows)
    return {row.key: row.prior.quantile(float(norm.cdf(z[name])), row.bounds)
            for row, name in zip(rows, names)}


class WorldSimulator:
    """pyabc's model: one run of the scenario with a parameter set.

    ``rows`` are the refined priors, moved by pyabc in standard-normal coordinates; each of
    ``others`` is drawn from its prior afresh in every run (from the task's seeded stream), so
    the posterior integrates over them: an accepted particle's values of them are a draw from
    their posterior too, only not refined by the kernel. Returns each observation's model value,
    the run's seed and every varied prior's value. Picklable, so it runs on Dask workers."""

    def __init__(self, scenario: dict, rows: list[Row], observations: Observations,
                 others: list[Row] = ()):
        self.scenario = dict(scenario, steps=observations.months_needed)  # only the months observed
        self.rows = rows
        self.others = list(others)
        self.observations = observations

    def __call__(self, z: dict[str, float]) -> dict[str, float]:
        drawn = {row.key: row.prior.quantile(float(u), row.bounds)
                 for row, u in zip(self.others, np.random.random(len(self.others)))}
        seed = int(np.random.randint(0, 2**31 - 1))  # from the task's seeded stream
        world = {**to_overrides(self.rows, z), **drawn}
        frame = run_world(self.scenario, world, seed)
        return {**self.observations.model_values(frame), SEED_KEY: seed,
                **{VALUE_PREFIX + key: value for key, value in world.items()}}


def run_world(scenario: dict, overrides: dict[str, float], seed: int) -> pl.DataFrame:
    from aiecosim.model.scenario import Scenario
    from aiecosim.model.simulate import simulate

    world = Scenario.from_dict(scenario).with_overrides(overrides, source="prior")
    return simulate(world, seed)


class MissDistance:
    """pyabc's distance: the root-mean-square miss of a run from the observations."""

    def __init__(self, observations: Observations):
        self.observations = observations

    def __call__(self, x: dict, x0: dict) -> float:  # x0 is the observed data, already in self
        d = self.observations.distance(x)
        return d if math.isfinite(d) else UNDEFINED_DISTANCE


def floored_median_epsilon(floor: float, direct_share: float):
    """The median of the last generation's distances, never below ``floor``; and the floor
    itself from the start when at least ``direct_share`` of the prior sample reaches it.

    Starting at the floor is rejection ABC: exact at the floor, with equal weights. The
    sequential steps only pay when the floor is rare under the prior; each step weighs its
    particles by prior over proposal density, and in a dozen dimensions those weights
    concentrate on a few particles (the effective sample size is reported per generation)."""
    import pyabc

    class FlooredMedianEpsilon(pyabc.epsilon.QuantileEpsilon):
        def _update(self, t, weighted_distances):
            super()._update(t, weighted_distances)
            reached = float((weighted_distances.distance.values <= floor).mean())
            first = t == 0 and reached >= direct_share
            self._look_up[t] = floor if first else max(self._look_up[t], floor)

    return FlooredMedianEpsilon(alpha=0.5)


def seeded_sampler(client, seed: int, progress: Callable[[int, int, int], None] | None):
    """A pyabc sampler that maps a generation's tasks over Dask with a seed each (pyabc's own
    mapping sampler reseeds every task from the operating system)."""
    import pyabc

    class SeededDaskSampler(pyabc.sampler.MappingSampler):
        def __init__(self):
            super().__init__(map_=None)

        def sample_until_n_accepted(self, n, simulate_one, t, **_):
            # one batch per generation (t = -1 is the prior sample that sets the first threshold)
            stream = np.random.SeedSequence([seed, t + 1])
            seeds = [int(s.generate_state(1)[0]) for s in stream.spawn(n)]
            job = self.pickle(simulate_one)
            futures = client.map(_sample_one, [job] * n, seeds, pure=False)
            _advance(client, futures, t, n, progress)
            results = client.gather(futures)
            sample = self._create_empty_sample()
            evaluations = 0
            for part, count in results:
                sample += part
                evaluations += count
            self.nr_evaluations_ = evaluations
            return sample

    return SeededDaskSampler()


def _advance(client, futures, t: int, n: int, progress) -> None:
    """Report each accepted particle as it arrives: ``progress(generation, done, n)``."""
    if progress is None:
        return
    from distributed import as_completed

    progress(t, 0, n)
    for done, _ in enumerate(as_completed(futures, loop=client.loop), start=1):
        progress(t, done, n)


def _sample_one(job: bytes, seed: int):
    """On a worker: simulate proposals from the task's seed until one is accepted."""
    import random

    import cloudpickle
    import pyabc

    simulate_one = cloudpickle.loads(job)
    np.random.seed(seed % 2**32)
    random.seed(seed)
    sample = pyabc.population.Sample()
    evaluations = 0
    while True:
        particle = simulate_one()
        evaluations += 1
        sample.append(particle)
        if particle.accepted:
            return sample, evaluations


@dataclass(frozen=True)
class Screened:
    """A prior's strongest rank correlation with an observation's miss over prior worlds."""

    key: str
    score: float
    observation: str
    kept: bool


def screen(scenario: dict, observations: Observations, client, worlds: int,
           seed: int) -> list[Screened]:
    """Which priors the observations can inform: over ``worlds`` Latin-hypercube prior worlds,
    each prior's largest |Spearman rho| with an observation's miss. A prior is kept above
    4/sqrt(worlds): with no relation rho is about normal with sd 1/sqrt(worlds), so across
    about a hundred priors and a handful of observations fewer than one is kept by chance."""
    from scipy.stats import spearmanr

    from aiecosim.model.priors import sample

    points = sample(worlds, seed)
    seeds = [int(s.generate_state(1)[0] % 2**31) for s in np.random.SeedSequence([seed, 0]).spawn(worlds)]
    short = dict(scenario, steps=observations.months_needed)
    futures = client.map(_model_values, [short] * worlds, points, seeds, [observations] * worlds,
                         pure=False)
    values = client.gather(futures)
    misses = np.array([[o.miss(v[o.name]) for o in observations.observation] for v in values])
    misses[~np.isfinite(misses)] = np.nan
    keys = list(points[0])
    threshold = 4 / math.sqrt(worlds)
    found = []
    for i, key in enumerate(keys):
        x = np.array([p[key] for p in points])
        rhos = [abs(float(spearmanr(x, misses[:, j], nan_policy="omit").statistic))
                if np.ptp(x) > 0 else 0.0 for j in range(misses.shape[1])]
        rhos = [0.0 if math.isnan(r) else r for r in rhos]
        best = int(np.argmax(rhos))
        found.append(Screened(key, rhos[best], observations.observation[best].name,
                              rhos[best] > threshold))
    return sorted(found, key=lambda s: -s.score)


def _model_values(scenario: dict, overrides: dict, seed: int, observations: Observations) -> dict:
    return observations.model_values(run_world(scenario, overrides, seed))


@dataclass
class Outcome:
    posterior: pl.DataFrame
    generations: list[dict] = field(default_factory=list)
    resumed_from: int = 0  # generations already done when this call started
    screened: list[Screened] = field(default_factory=list)
    refined: list[str] = field(default_factory=list)


def calibrate(scenario: dict, observations: Observations, settings: Settings, client,
              database: Path, *, on_generation: Callable[[dict], None] | None = None,
              progress: Callable[[int, int, int], None] | None = None) -> Outcome:
    """Run (or resume) ABC-SMC in ``database``; return the last generation as a posterior."""
    import pyabc

    screened = []
    keys = settings.keys
    if keys is None:
        screened = screen(scenario, observations, client, settings.screen_worlds, settings.seed)
        keys = tuple(s.key for s in screened if s.kept)
    rows = fitted_rows(keys)
    others = [r for r in uncertain() if r.key not in keys] if settings.others == "prior" else []
    names = parameter_names(rows)
    np.random.seed(settings.seed)  # pyabc's own draws in this process (none expected; to be sure)
    prior = pyabc.Distribution(**{name: pyabc.RV("norm", 0, 1) for name in names})
    abc = pyabc.ABCSMC(
        WorldSimulator(scenario, rows, observations, others), prior, MissDistance(observations),
        population_size=settings.population,
        eps=floored_median_epsilon(settings.epsilon, settings.direct_share),
        sampler=seeded_sampler(client, settings.seed, progress),
    )
    url = f"sqlite:///{database}"
    with _quiet_pyabc():
        if database.exists():
            abc.load(url, 1)
            done = abc.history.max_t + 1
        else:
            abc.new(url, {o.name: o.value for o in observations.observation})
            done = 0
        generations = _generations(abc.history)
        t = done
        while t < settings.generations and not _finished(generations, settings):
            # pyabc keeps the population it first set its threshold from; each generation must
            # start from the last one, as a resumed calibration does
            abc._initial_population = None
            abc.run(max_nr_populations=1)  # one generation; _finished decides whether to go on
            generations = _generations(abc.history)
            t = abc.history.max_t + 1
            if on_generation is not None:
                on_generation(generations[-1])
    posterior = _posterior(abc.history, rows, others, observations)
    return Outcome(posterior, generations, done, screened, [row.key for row in rows])


def _finished(generations: list[dict], settings: Settings) -> bool:
    if not generations:
        return False
    last = generations[-1]
    return last["epsilon"] <= settings.epsilon or last["acceptance"] < settings.min_acceptance


def _generations(history) -> list[dict]:
    table = history.get_all_populations()
    table = table[table["t"] >= 0]
    out = []
    for row in table.itertuples():
        accepted = int(row.particles)
        evaluations = int(row.samples)
        weights = np.asarray(history.get_weighted_distances(t=int(row.t))["w"], dtype=float)
        out.append({"generation": int(row.t), "epsilon": float(row.epsilon),
                    "evaluations": evaluations, "accepted": accepted,
                    "acceptance": accepted / evaluations if evaluations else 0.0,
                    "effective_size": float(weights.sum() ** 2 / (weights * weights).sum())})
    return out


def _posterior(history, rows: list[Row], others: list[Row],
               observations: Observations) -> pl.DataFrame:
    """The last generation: one row per particle, its values by dotted key (refined and drawn),
    weight, distance, and the seed of the run that was accepted. All of it comes from the
    particles' own summary statistics, so the columns cannot fall out of line."""
    weights, statistics = history.get_weighted_sum_stats(t=history.max_t)
    weights = np.asarray(weights, dtype=float)
    varied = {row.key for row in rows} | {row.key for row in others}
    columns: dict[str, list] = {"particle": list(range(len(statistics)))}
    for row in uncertain():
        if row.key in varied:
            columns[row.key] = [float(s[VALUE_PREFIX + row.key]) for s in statistics]
    columns["weight"] = [float(w) for w in weights / weights.sum()]
    columns["distance"] = [float(observations.distance(s)) for s in statistics]
    columns["seed"] = [int(s[SEED_KEY]) for s in statistics]
    return pl.DataFrame(columns)


class _quiet_pyabc:
    """pyabc logs every generation at INFO; the command's own bar and lines say it instead."""

    def __enter__(self):
        import logging

        self.logs = [logging.getLogger(name) for name in ("ABC", "ABC.History", "ABC.Sampler",
                                                          "ABC.Distance", "ABC.Epsilon",
                                                          "ABC.Predictor", "ABC.Adaptation")]
        self.levels = [log.level for log in self.logs]
        for log in self.logs:
            log.setLevel(logging.WARNING)
        return self

    def __exit__(self, *exc):
        for log, level in zip(self.logs, self.levels):
            log.setLevel(level)


def provenance(settings: Settings, observations_path: Path, scenario: dict,
               outcome: "Outcome") -> dict:
    """What a posterior was made from: enough to make it again."""
    from importlib import metadata

    from aiecosim.experiments.run_record import git_commit, package_version

    varied = set(outcome.posterior.columns)
    return {
        "kind": "aiecosim posterior",
        "settings": settings.to_dict(),
        "observations_file": observations_path.name,
        "observations_sha256": file_digest(observations_path),
        "scenario": scenario.get("name"),
        "refined": outcome.refined,
        "screened": [asdict(s) for s in outcome.screened],
        "priors": {row.key: {"form": row.prior.form, "low": row.prior.low, "high": row.prior.high}
                   for row in uncertain() if row.key in varied},
        "generations": outcome.generations,
        "aiecosim_version": package_version(),
        "git_commit": git_commit(),
        "versions": {name: metadata.version(name) for name in ("pyabc", "mesa", "numpy", "scipy")},
    }


def check_resumable(database: Path, record: Path, wanted: dict) -> None:
    """Resume only what was started with the same settings (more generations may be asked
    for), observations and scenario."""
    if not database.exists():
        return
    if not record.exists():
        raise ScenarioError(str(database), "", "a calibration database without its record "
                            f"{record.name}: remove it or pass --fresh")
    started = json.loads(record.read_text())
    for key in sorted(set(started) | set(wanted)):
        was, now = started.get(key), wanted.get(key)
        if key == "settings" and isinstance(was, dict) and isinstance(now, dict):
            was, now = ({k: v for k, v in d.items() if k != "generations"} for d in (was, now))
        if was != now:
            raise ScenarioError(str(database), key, f"this calibration was started with another "
                                f"{key.replace('_', ' ')}: pass --fresh to start again, or "
                                "another --out")
