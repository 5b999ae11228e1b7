"""Plausible worlds: a scenario run over parameter sets drawn from a posterior.

``aiecosim run --posterior FILE --worlds N`` lands here. Each world is the scenario with one
particle's values (drawn by weight) and its own seed; the summary gives each metric's median
and 90% interval over worlds, the spread of what the evidence allows.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
from rich.console import Console

from aiecosim.experiments import posterior as post
from aiecosim.experiments.executor import Executor
from aiecosim.experiments.observations import file_digest
from aiecosim.experiments.run_record import write_frame
from aiecosim.experiments.summary import KEY_METRICS, world_bands, world_bands_table
from aiecosim.model.errors import ScenarioError
from aiecosim.model.scenario import Scenario


def world_scenarios(scenario: Scenario, posterior_path: Path, n: int,
                    seed: int) -> list[tuple[post.World, Scenario]]:
    """The ``n`` worlds of the posterior for ``scenario``: its levers and structure, the
    posterior's values for every calibrated or drawn parameter."""
    particles, _ = post.read(posterior_path)
    worlds = post.draw_worlds(particles, n, seed)
    return [(w, scenario.with_overrides(w.overrides, source=str(posterior_path))) for w in worlds]


def world_frames(scenario: Scenario, posterior_path: Path, n: int, seed: int,
                 workers: int | None = None) -> tuple[list[tuple[post.World, Scenario]],
                                                      list[pl.DataFrame]]:
    """The ``n`` worlds and each one's run (its own seed), on a local process pool."""
    pairs = world_scenarios(scenario, posterior_path, n, seed)
    with Executor("process-pool", workers=workers) as executor:
        return pairs, executor.evaluate([(world_sc, w.seed) for w, world_sc in pairs])


def run_worlds(scenario: Scenario, posterior_path: Path, n: int, seed: int, out: Path | None,
               info: dict, console: Console | None = None) -> pl.DataFrame:
    console = console or Console()
    pairs, frames = world_frames(scenario, posterior_path, n, seed)
    frame = pl.concat([
        f.select(pl.lit(i, dtype=pl.Int64).alias("world"),
                 pl.lit(w.particle, dtype=pl.Int64).alias("particle"),
                 pl.lit(w.seed, dtype=pl.Int64).alias("seed"), pl.all())
        for i, ((w, _), f) in enumerate(zip(pairs, frames))])
    title = (f"{scenario.name} over {n} plausible worlds from {posterior_path.name} "
             "(yearly means: median [90% interval] over worlds)")
    console.print(world_bands_table(world_bands(frame), KEY_METRICS, title))
    if out is not None:
        info = {**info, "posterior_file": posterior_path.name,
                "posterior_sha256": file_digest(posterior_path), "worlds": n, "world_seed": seed,
                "seeds": [w.seed for w, _ in pairs]}
        try:
            write_frame(frame, out, info)
        except OSError as exc:
            raise ScenarioError("--out", str(out), f"cannot write: {exc.strerror or exc}") from None
    return frame
