"""Run every sweep the findings need on one Dask cluster, then compute claims and figures.

``run_findings`` is what ``aiecosim findings`` and the regression test call; ``small=True``
keeps every design's levers but fewer seeds and samples.
"""

from __future__ import annotations

import dataclasses
from importlib.resources import files
from pathlib import Path

from aiecosim.experiments import hindcast
from aiecosim.experiments.analysis import load_sweep
from aiecosim.experiments.cluster import local_cluster
from aiecosim.experiments.experiment import SHIPPED, Experiment, load_experiment
from aiecosim.experiments.findings.claims import Claim, fact_claims
from aiecosim.experiments.findings.results import Results
from aiecosim.experiments.findings import jurisdictions, over_worlds, risk_axis, sections, worlds
from aiecosim.experiments.observations import shipped
from aiecosim.experiments.posterior import SHIPPED as SHIPPED_POSTERIOR
from aiecosim.experiments.runner import run_sweep
from aiecosim.model.scenario import Scenario

HERE = Path(str(files("aiecosim.experiments.findings.designs")))  # package data
DESIGNS: dict[str, Path] = {
    "validation": HERE / "validation.toml",
    "stylized-facts": HERE / "stylized-facts.toml",
    "risk-axis": HERE / "risk-axis.toml",
    "release-regimes": SHIPPED / "release-regimes.toml",
    "regimes-by-defense": HERE / "regimes-by-defense.toml",
    "jurisdictions": HERE / "jurisdictions.toml",
    "liability-x-subsidy": SHIPPED / "liability-x-subsidy.toml",
    "leak-counterfactual": SHIPPED / "leak-counterfactual.toml",
    "screening": HERE / "screening.toml",
    "prior-worlds": HERE / "prior-worlds.toml",
    "robustness-open-weights": HERE / "robustness-open-weights.toml",
    "robustness-api-only": HERE / "robustness-api-only.toml",
    "headlines-over-worlds": HERE / "headlines-over-worlds.toml",
}
SMALL = {"seeds": 3, "samples": {"sobol": 8, "lhs": 16, "morris": 2}, "worlds": 40,
         "design_worlds": 12, "prior_worlds": 96, "copy_worlds": 2}
# The structural switches of DESIGN.md §3: each alternative to the default form reruns the
# headlines over SWITCH_WORLDS worlds of the same posterior (a share's standard error near
# 90% is then about 0.04).
SWITCHES: dict[str, tuple[str, ...]] = {"finance.form": ("exogenous",),
                                       "race.information": ("private",),
                                       "defense.form": ("open-weights", "neither")}
SWITCH_WORLDS = 64
DEFAULT_FORMS = "default forms"  # the headlines' structure with no switch, as the page names it
HINDCAST_WORLDS = 200  # plausible worlds from the shipped posterior; HINDCAST_SEED draws them
HINDCAST_SEED = 1


def shrink(experiment: Experiment) -> Experiment:
    """Fewer seeds and samples, the same levers, months and outputs."""
    design = experiment.design
    update = {"seeds": min(design.seeds, SMALL["seeds"]), "runs_per_task": None}
    if design.method in SMALL["samples"]:
        # Delta indices over every prior need more worlds than a plain hypercube's claims.
        small = (SMALL["prior_worlds"] if design.priors and design.method == "lhs"
                 else SMALL["samples"][design.method])
        update["samples"] = min(design.samples or 0, small)
    experiment = dataclasses.replace(experiment, design=design.model_copy(update=update))
    if design.worlds:
        experiment = experiment.with_worlds(min(design.worlds, SMALL["design_worlds"]))
    return experiment


def switches() -> list[tuple[str, str]]:
    """Each structural switch as (key, alternative value)."""
    return [(key, value) for key, values in SWITCHES.items() for value in values]


def switch_name(key: str, value: str) -> str:
    """The name of the headlines' rerun under one structural switch."""
    return f"{worlds.DESIGN} with {key} = {value}"


def experiments(small: bool = False) -> dict[str, Experiment]:
    """Every sweep the page needs, by name: the designs, each claim design's copy over the
    shipped posterior's worlds, and the headlines under each structural switch."""
    found = {name: load_experiment(path) for name, path in DESIGNS.items()}
    posterior = str(shipped(SHIPPED_POSTERIOR))
    for design, (n, _) in over_worlds.COPIES.items():
        copy = found[design].with_worlds(SMALL["copy_worlds"] if small else n, posterior)
        found[over_worlds.copy_name(design)] = copy
    headlines = found[worlds.DESIGN]
    for key, value in switches():
        switched = headlines.with_set({key: value})
        found[switch_name(key, value)] = switched.with_worlds(
            SMALL["copy_worlds"] if small else SWITCH_WORLDS)
    if small:
        found = {name: shrink(e) for name, e in found.items()}
    return found


def run_sweeps(results: Path, workers: int, small: bool = False, console=None,
               progress: bool = True) -> Results:
    """Run (or resume) every sweep into ``results/NAME`` and read them back."""
    planned = experiments(small)
    with local_cluster(workers) as cluster:
        for name, experiment in planned.items():
            if console is not None and progress:
                console.print(f"[bold]{name}[/bold]: {experiment.design.description}")
            outcome = run_sweep(experiment, results / name, scheduler=cluster.scheduler_address,
                                console=console, progress=progress)
            if not outcome.complete:
                raise RuntimeError(f"{name}: {outcome.lost_runs} runs lost, "
                                   f"{len(outcome.failures)} failed; see {results / name}")
    held_out = hindcast.predict(Scenario.baseline(), shipped(SHIPPED_POSTERIOR),
                                SMALL["worlds"] if small else HINDCAST_WORLDS, HINDCAST_SEED,
                                workers=workers)
    return Results({name: load_sweep(results / name) for name in planned}, hindcast=held_out)


def headlines_by_structure(r: Results) -> dict[str, list[worlds.WorldClaim]]:
    """The headlines over worlds under the default forms, then under each structural switch
    (``key = value``)."""
    found = {DEFAULT_FORMS: worlds.world_claims(r)}
    for key, value in switches():
        found[f"{key} = {value}"] = worlds.world_claims(r, switch_name(key, value))
    return found


def all_claims(r: Results) -> list[Claim]:
    """Every claim the page makes, in page order."""
    _, leak = sections.leak_claims(r)
    _, robust = sections.robustness_claims(r)
    facts = fact_claims(r)
    after_9b = next(i for i, c in enumerate(facts) if c.name.startswith("9b")) + 1
    facts.insert(after_9b, risk_axis.band_claim(r))
    return over_worlds.labelled(facts + sections.regime_claims(r)
                                + jurisdictions.jurisdiction_claims(r)
                                + sections.policy_map_claims(r) + leak + robust, r)
