"""``aiecosim calibrate`` end to end: a scenario and an observations file in, a posterior out.

Beside the output ``NAME.parquet`` live pyabc's database ``NAME.abc.db`` and the record of
what it was started with, ``NAME.abc.json``: the same command resumes after the last finished
generation, and a different one is refused until ``--fresh``. The posterior is written
atomically at the end, with its provenance in the parquet metadata.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from aiecosim.experiments import calibration_check, observations as obs, posterior as post
from aiecosim.experiments.atomic import write_json
from aiecosim.experiments.calibration import (Outcome, Settings, calibrate, check_resumable,
                                              provenance)
from aiecosim.experiments.cluster import dask_client
from aiecosim.model.errors import ScenarioError
from aiecosim.model.scenario import Scenario


@dataclass(frozen=True)
class Files:
    out: Path

    @property
    def database(self) -> Path:
        return self.out.with_name(self.out.stem + ".abc.db")

    @property
    def record(self) -> Path:
        return self.out.with_name(self.out.stem + ".abc.json")


def run(scenario: Scenario, observations_path: Path, out: Path, settings: Settings, *,
        workers: int | None = None, scheduler: str | None = None, fresh: bool = False,
        truth_seed: int | None = None, console: Console | None = None,
        doc: Path | None = None, command: str = "aiecosim calibrate") -> Outcome:
    """Calibrate ``scenario`` to the observations file (or, with ``truth_seed``, to synthetic
    observations from a known parameter set) and write the posterior to ``out``."""
    console = console or Console()
    if out.suffix != ".parquet":
        raise ScenarioError("--out", str(out), "expected a .parquet file name")
    if truth_seed is not None and settings.keys is None:
        raise ScenarioError("--check-truth", str(truth_seed), "expected --keys too: the check "
                            "recovers the keys it is given (a small problem)")
    observations = obs.load(observations_path)
    files = Files(out)
    if fresh:
        for path in (files.database, files.record):
            path.unlink(missing_ok=True)
    base = scenario.to_dict()
    known = None
    with dask_client(workers, scheduler) as client:
        if truth_seed is not None:
            observations, known, settings = _synthetic(base, observations, settings, truth_seed)
        wanted = {"settings": settings.to_dict(), "scenario_digest": scenario.digest(),
                  "observations_sha256": obs.file_digest(observations_path),
                  "truth_seed": truth_seed}
        check_resumable(files.database, files.record, wanted)
        out.parent.mkdir(parents=True, exist_ok=True)
        write_json(files.record, wanted)
        outcome = _with_progress(base, observations, settings, client, files, console)
    info = provenance(settings, observations_path, base, outcome)
    info.update(scenario_digest=scenario.digest(), truth=known, truth_seed=truth_seed)
    post.write(out, outcome.posterior, info)
    _report(outcome, out, console)
    if doc is not None:
        from aiecosim.experiments.doc_sections import replace_section

        replace_section(doc, SECTION, markdown(outcome, info, command))
    if known is not None:
        _report_check(calibration_check.recovered(outcome.posterior, known), console)
    return outcome


def _synthetic(base: dict, observations: obs.Observations, settings: Settings, truth_seed: int):
    """Observations from a run at a known parameter set of the refined keys; the rest held."""
    from aiecosim.experiments.calibration import run_world

    known = calibration_check.truth(list(settings.keys), truth_seed)
    frame = run_world(dict(base, steps=observations.months_needed), known, truth_seed)
    synthetic = calibration_check.synthetic(observations, observations.model_values(frame))
    return synthetic, known, replace(settings, others="fixed")


def _with_progress(base, observations, settings, client, files, console) -> Outcome:
    columns = (TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn())
    with Progress(*columns, console=console, refresh_per_second=2,
                  disable=not console.is_terminal) as bar:
        tasks: dict[int, int] = {}

        def progress(t: int, done: int, n: int) -> None:
            if t not in tasks:
                label = "prior sample" if t < 0 else f"generation {t}"
                tasks[t] = bar.add_task(f"{label}: particles", total=n)
            bar.update(tasks[t], completed=done)

        def generation(g: dict) -> None:
            console.print(f"generation {g['generation']}: threshold {g['epsilon']:.3f}, "
                          f"{g['accepted']} of {g['evaluations']} runs accepted "
                          f"({g['acceptance']:.1%}), effective size {g['effective_size']:.0f}")

        if settings.keys is None:
            console.print(f"screening {settings.screen_worlds} prior worlds for the priors "
                          "the observations inform")
        return calibrate(base, observations, settings, client, files.database,
                         on_generation=generation, progress=progress)


def _report(outcome: Outcome, out: Path, console: Console) -> None:
    if outcome.resumed_from:
        console.print(f"resumed after generation {outcome.resumed_from - 1}")
    console.print(f"refined {len(outcome.refined)} priors: {', '.join(outcome.refined)}")
    size = post.effective_size(outcome.posterior)
    console.print(f"wrote {out}: {outcome.posterior.height} particles "
                  f"(effective size {size:.0f})")


def _report_check(rows: list[calibration_check.Recovered], console: Console) -> None:
    table = Table(title="simulation-based check: the known values against the 90% posterior")
    for name in ("key", "truth", "posterior median", "90% interval", "prior 90%", "width/prior",
                 "inside"):
        table.add_column(name)
    for r in rows:
        table.add_row(r.key, f"{r.truth:.4g}", f"{r.median:.4g}", f"{r.low:.4g}-{r.high:.4g}",
                      f"{r.prior_low:.4g}-{r.prior_high:.4g}", f"{r.narrowing:.2f}",
                      "yes" if r.inside else "NO")
    console.print(table)
    inside = sum(r.inside for r in rows)
    console.print(f"{inside} of {len(rows)} known values inside their 90% posterior interval")


SECTION = "posterior"


def markdown(outcome: Outcome, info: dict, command: str) -> str:
    """The posterior as a page section: how it was made, and each refined prior's 90%
    interval against its prior's."""
    from aiecosim.model.priors import prior_interval, uncertain

    s = info["settings"]
    lines = [f"Made by `{command}` at commit `{(info['git_commit'] or 'unknown')[:7]}` "
             f"(observations `{info['observations_file']}`, sha256 "
             f"`{info['observations_sha256'][:12]}`; pyabc {info['versions']['pyabc']}). "
             f"Settings: {s['population']} particles a generation, at most {s['generations']} "
             f"generations, final threshold {s['epsilon']} (RMS miss in half-intervals), seed "
             f"{s['seed']}, {s['screen_worlds']} screening worlds.", ""]
    for g in outcome.generations:
        lines.append(f"- generation {g['generation']}: threshold {g['epsilon']:.3f}, "
                     f"{g['accepted']} of {g['evaluations']} runs accepted "
                     f"({g['acceptance']:.1%}), effective size {g['effective_size']:.0f}")
    kept = [sc for sc in outcome.screened if sc.kept]
    lines += ["", f"The screen kept {len(kept)} of {len(outcome.screened)} priors (|Spearman "
              f"rho| with an observation's miss above 4/sqrt({s['screen_worlds']})). They are "
              "refined; the others are drawn from their priors in every run, so their "
              "posterior is their prior reweighted by the runs' fit.", "",
              "| refined prior | strongest observation | rho | prior 90% | posterior median "
              "[90%] | width / prior |", "|---|---|---|---|---|---|"]
    rows = {row.key: row for row in uncertain()}
    table = {r["key"]: r for r in post.intervals(outcome.posterior, 0.9).to_dicts()}
    for sc in kept:
        row, r = rows[sc.key], table[sc.key]
        lo, hi = prior_interval(row, 0.9)
        width = (r["high"] - r["low"]) / (hi - lo) if hi > lo else float("nan")
        lines.append(f"| `{sc.key}` | {sc.observation} | {sc.score:.2f} | {lo:.3g}–{hi:.3g} | "
                     f"{r['median']:.3g} [{r['low']:.3g}, {r['high']:.3g}] | {width:.2f} |")
    return "\n".join(lines)
