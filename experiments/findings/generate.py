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
from aiecosim.experiments.findings import jurisdictions, risk_axis, sections
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
         "design_worlds": 12, "prior_worlds": 96}
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


def run_sweeps(results: Path, workers: int, small: bool = False, console=None,
               progress: bool = True) -> Results:
    """Run (or resume) every design into ``results/NAME`` and read them back."""
    with local_cluster(workers) as cluster:
        for name, path in DESIGNS.items():
            experiment = load_experiment(path)
            if small:
                experiment = shrink(experiment)
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
    return Results({name: load_sweep(results / name) for name in DESIGNS}, hindcast=held_out)


def all_claims(r: Results) -> list[Claim]:
    """Every claim the page makes, in page order."""
    _, leak = sections.leak_claims(r)
    _, robust = sections.robustness_claims(r)
    facts = fact_claims(r)
    after_9b = next(i for i, c in enumerate(facts) if c.name.startswith("9b")) + 1
    facts.insert(after_9b, risk_axis.band_claim(r))
    return (facts + sections.regime_claims(r) + jurisdictions.jurisdiction_claims(r)
            + sections.policy_map_claims(r) + leak + robust)
