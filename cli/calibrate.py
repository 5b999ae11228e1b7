"""``aiecosim calibrate``: fit the priors to observations by ABC-SMC on a Dask cluster."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from aiecosim.cli.run import MAX_SEED


def register(app: typer.Typer) -> None:
    @app.command()
    def calibrate(
        scenario: Annotated[str, typer.Argument(help="Scenario TOML file or shipped name.")]
        = "baseline",
        observations: Annotated[Optional[Path], typer.Option(
            help="Observations file [default: the shipped calibration/observations-2023.toml].")]
        = None,
        out: Annotated[Path, typer.Option(help="The posterior (.parquet); NAME.abc.db beside it "
                                          "makes the command resumable.")]
        = Path("results") / "posterior.parquet",
        population: Annotated[int, typer.Option(min=10, max=100_000,
                                                help="Accepted particles per generation.")] = 1000,
        generations: Annotated[int, typer.Option(min=1, max=50, help="At most.")] = 8,
        epsilon: Annotated[float, typer.Option(
            min=0.0, help="Final threshold: the RMS miss in half-intervals (1 = at the "
                          "observations' interval edges).")] = 1.0,
        seed: Annotated[int, typer.Option(
            min=0, max=MAX_SEED, help="Seeds every draw of the calibration.")] = 0,
        keys: Annotated[Optional[str], typer.Option(
            help="Comma-separated priors to refine [default: those a screen of prior worlds "
                 "finds the observations inform]; the rest are drawn from their priors.")] = None,
        workers: Annotated[Optional[int], typer.Option(min=1, help="Local Dask workers "
                                                       "[default: one per core].")] = None,
        scheduler: Annotated[Optional[str], typer.Option(
            help="Address of a running Dask scheduler, e.g. tcp://10.0.0.5:8786, or a "
                 "cluster file for SLURM, PBS and other queues, e.g. slurm.yaml.")] = None,
        fresh: Annotated[bool, typer.Option(help="Discard a started calibration at --out.")]
        = False,
        doc: Annotated[Optional[Path], typer.Option(
            help="Also write the posterior's summary as the 'posterior' section of this "
                 "Markdown file (e.g. docs/calibration.md).")] = None,
        check_truth: Annotated[Optional[int], typer.Option(
            help="Simulation-based check: calibrate --keys to synthetic observations from a "
                 "parameter set drawn from the priors with this seed, and report recovery.")]
        = None,
    ) -> None:
        """Calibrate SCENARIO's priors to observations; write the posterior with provenance."""
        from aiecosim.experiments import calibration_run
        from aiecosim.experiments.calibration import Settings, fitted_rows
        from aiecosim.experiments.observations import CALIBRATION_FILE, shipped
        from aiecosim.model.catalogue import find_scenario
        from aiecosim.model.scenario import Scenario

        chosen = tuple(k.strip() for k in keys.split(",") if k.strip()) if keys else None
        if chosen is not None:
            fitted_rows(chosen)  # an unknown key is one line before any cluster starts
        settings = Settings(population=population, generations=generations, epsilon=epsilon,
                            seed=seed, keys=chosen)
        calibration_run.run(Scenario.load(find_scenario(scenario)),
                            observations or shipped(CALIBRATION_FILE), out, settings,
                            workers=workers, scheduler=scheduler, fresh=fresh,
                            truth_seed=check_truth, doc=doc,
                            command=_command(scenario, settings, out))


def _command(scenario: str, settings, out: Path) -> str:
    """The command that makes this posterior again (workers and scheduler do not change it)."""
    keys = f" --keys {','.join(settings.keys)}" if settings.keys else ""
    return (f"aiecosim calibrate {scenario} --population {settings.population} --generations "
            f"{settings.generations} --epsilon {settings.epsilon:g} --seed {settings.seed}"
            f"{keys} --out {out.name}")
