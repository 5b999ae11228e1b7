"""Wall time of each phase of the month, without a profiler, and write it to docs/performance.md.

    python -m aiecosim.benchmarks.month_phases                    # 100 members: the fixed cost
    python -m aiecosim.benchmarks.month_phases --members 100k --out -

cProfile charges every Python call, so a month made of many small calls looks costlier under it
than it is. Here each phase the model's own ``step`` calls (the labs' moves, the market, each
population, the books, the metrics) is wrapped in a timer on the model being run, and the rest of
the month is what no phase covers. The timers add about a microsecond a phase. Before any
timing, one untimed month loads the compiled kernels from numba's cache, as ``aiecosim bench``
does, so that one-off load is not charged to the phases that first call each kernel.
"""

from __future__ import annotations

import argparse
import time


import aiecosim.model.ecosystem as ecosystem
from aiecosim.model.scenario import Scenario

from aiecosim.benchmarks.docs_section import add_out_option, check_out, write_or_print
from aiecosim.benchmarks.machine import load_average
from aiecosim.benchmarks.measure import warm_up
from aiecosim.benchmarks.report import markdown_table
from aiecosim.benchmarks.sizes import SPLIT_TEXT, format_size, parse_size, scaled

SECTION = "month-phases"
# Module-level functions the month calls by name in model/ecosystem.py.
MODULE_PHASES = {"build_access": "what labs offer (agents/access.py)",
                 "settle_accounts": "labs' books (agents/capital_market.py)"}
# Methods of the model itself.
MODEL_PHASES = {"apply_events": "events", "settle_liability": "liability bills",
                "note_use": "who serves the users", "safety_research": "safety research",
                "academic_progress": "academic spill-over"}


class PhaseTimer:
    """Seconds spent in each named phase, summed over the months timed."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    def wrap(self, name: str, function):
        def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - start
        return timed


def instrument(model, timer: PhaseTimer) -> None:
    """Time the phases of this model's month on the instance (the classes stay as they are)."""
    for name in MODEL_PHASES:
        setattr(model, name, timer.wrap(name, getattr(model, name)))
    for label, owner, name in (("labs (race game, training, release)", None, None),
                               ("startups", model.startups, "step"),
                               ("academics", model.academics, "step"),
                               ("bad actors", model.bad_actors, "step"),
                               ("metrics", model.recorder, "record"),
                               ("technology", model.world, "advance_technology"),
                               ("diffusion", model.world, "diffuse"),
                               ("defence", model.world, "update_defense")):
        if owner is not None:
            setattr(owner, name, timer.wrap(label, getattr(owner, name)))
    for lab in model.labs:
        lab.step = timer.wrap("labs (race game, training, release)", lab.step)
    for regulator in model.regulators:
        regulator.step = timer.wrap("regulators", regulator.step)
        regulator.observe = timer.wrap("regulators", regulator.observe)


def measure(members: int, months: int, runs: int) -> tuple[float, dict[str, float]]:
    """(seconds a month, {phase: seconds a month}) over ``runs`` seeds."""
    scenario = scaled(Scenario.baseline(), members, months)
    warm_up()
    timer, total = PhaseTimer(), 0.0
    originals = {name: getattr(ecosystem, name) for name in MODULE_PHASES}
    try:
        for name in MODULE_PHASES:  # the month looks these up in its module
            setattr(ecosystem, name, timer.wrap(name, originals[name]))
        for seed in range(runs):
            model = ecosystem.EcosystemModel(scenario, rng=seed, collect=False)  # as simulate()
            instrument(model, timer)
            start = time.perf_counter()
            for _ in range(months):
                model.step()
            total += time.perf_counter() - start
    finally:
        for name, function in originals.items():
            setattr(ecosystem, name, function)
    count = runs * months
    phases = {MODULE_PHASES.get(k, MODEL_PHASES.get(k, k)): v / count
              for k, v in timer.seconds.items()}
    phases["rest of the month"] = max(total / count - sum(phases.values()), 0.0)
    return total / count, phases


def markdown(members: int, months: int, runs: int, month_s: float, phases: dict[str, float],
             load: tuple[float, float, float]) -> str:
    rows = [(name, f"{seconds * 1e6:,.0f}", f"{100 * seconds / month_s:.0f}%")
            for name, seconds in sorted(phases.items(), key=lambda kv: -kv[1])]
    command = (f"python -m aiecosim.benchmarks.month_phases --members {format_size(members)} "
               f"--months {months} --runs {runs}")
    return f"""## Where a month's time goes, by phase

Generated by `{command}` ({runs} baseline runs of {months} months at
{format_size(members)} members, {SPLIT_TEXT}; load average {load[0]:.2f} when it started). Each
phase of the real month is timed on the model being run, with no profiler: a month took
{month_s * 1e3:.3f} ms on average.

{markdown_table(("phase", "µs a month", "share"), rows)}
"""


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m aiecosim.benchmarks.month_phases",
                                     description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=parse_size, default=100,
                        help="population members, e.g. 100 (the fixed cost), 100k or 1M")
    parser.add_argument("--months", type=int, default=120)
    parser.add_argument("--runs", type=int, default=20, help="seeds to average over")
    add_out_option(parser)
    args = parser.parse_args(argv)
    check_out(parser, args.out)
    load = load_average()
    month_s, phases = measure(args.members, args.months, args.runs)
    text = markdown(args.members, args.months, args.runs, month_s, phases, load)
    write_or_print(parser, args.out, SECTION, text)


if __name__ == "__main__":
    main()
