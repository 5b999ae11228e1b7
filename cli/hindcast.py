"""``aiecosim hindcast``: the calibrated worlds against the held-out 2024-25 observations."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from aiecosim.cli.run import MAX_SEED


def register(app: typer.Typer) -> None:
    @app.command()
    def hindcast(
        scenario: Annotated[str, typer.Argument(help="Scenario TOML file or shipped name.")]
        = "baseline",
        posterior: Annotated[Optional[Path], typer.Option(
            help="Posterior file [default: the shipped calibration/posterior-2023.parquet].")]
        = None,
        worlds: Annotated[int, typer.Option(min=1, max=100_000, help="Worlds drawn.")] = 200,
        seed: Annotated[int, typer.Option(min=0, max=MAX_SEED, help="Seeds the draw of worlds.")] = 1,
        observations: Annotated[Optional[Path], typer.Option(
            help="Held-out file [default: the shipped calibration/hindcast-2024-25.toml].")]
        = None,
        doc: Annotated[Optional[Path], typer.Option(
            help="Also write the table as the 'hindcast' section of this Markdown file.")]
        = None,
        workers: Annotated[Optional[int], typer.Option(min=1, help="Worker processes.")] = None,
    ) -> None:
        """Predict each held-out observation over plausible worlds and say which are covered."""
        from rich.console import Console
        from rich.markdown import Markdown

        from aiecosim.experiments import hindcast as hc
        from aiecosim.experiments.doc_sections import replace_section
        from aiecosim.experiments.observations import shipped
        from aiecosim.experiments.posterior import SHIPPED
        from aiecosim.model.catalogue import find_scenario
        from aiecosim.model.scenario import Scenario

        path = posterior or shipped(SHIPPED)
        rows = hc.predict(Scenario.load(find_scenario(scenario)), path, worlds, seed,
                          observations, workers)
        text = hc.markdown(rows, path.name, seed)
        Console().print(Markdown(text))
        if doc is not None:
            replace_section(doc, hc.SECTION, text)
