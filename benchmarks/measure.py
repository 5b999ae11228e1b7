"""Time one model in this process and report it as one JSON line (run in a fresh subprocess).

    python -m aiecosim.benchmarks.measure vectorized --members 100000 --months 120
    python -m aiecosim.benchmarks.measure reference --members 100000 --months 3
    python -m aiecosim.benchmarks.measure vectorized --repeats 7        # the shipped baseline, as is

A fresh process per measurement keeps sizes from sharing caches or heap, so its peak resident
memory (``ru_maxrss``) is that one model's, plus the interpreter and imports (reported apart).

Before any timing, one untimed month of a small model loads what a process loads once: the fused
kernels from numba's cache (compiled by ``scripts/setup.sh``). That warm-up is timed on its own
(``warm_s``), and numba's compile events during it are counted (``compiled``, ``compile_s``): a
process after set-up compiles nothing.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time

from aiecosim.model.ecosystem import EcosystemModel
from aiecosim.model.scenario import Scenario

from aiecosim.model.reference.ecosystem import ReferenceEcosystemModel
from aiecosim.benchmarks.sizes import STARTUPS_PER_SEGMENT, scaled

ENGINES = {"vectorized": EcosystemModel, "reference": ReferenceEcosystemModel}


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def time_run(engine: str, scenario: Scenario, seed: int) -> dict:
    """Build the model and step it through the scenario's months, timing each step."""
    start = time.perf_counter()
    model = ENGINES[engine](scenario=scenario, rng=seed, collect=False)  # as simulate() runs
    built = time.perf_counter()
    step_s = []
    for _ in range(scenario.steps):
        before = time.perf_counter()
        model.step()
        step_s.append(time.perf_counter() - before)
    model.recorder.to_frame(scenario.start_year)  # what simulate() returns is part of a run
    return {"init_s": built - start, "run_s": sum(step_s),
            "total_s": time.perf_counter() - start, "step_s": step_s}


def measure(engine: str, members: int | None, months: int | None, repeats: int,
            seed: int) -> dict:
    scenario = Scenario.baseline()
    if members is not None:
        scenario = scaled(scenario, members, months or scenario.steps)
    elif months is not None:
        scenario = scenario.with_overrides({"steps": months})
    imports_mb = peak_rss_mb()
    warm = warm_up()
    runs = [time_run(engine, scenario, seed + r) for r in range(repeats)]
    return {
        **warm,
        "engine": engine,
        "members": members if members is not None else members_of(scenario),
        "months": scenario.steps,
        "runs": runs,
        "imports_rss_mb": imports_mb,
        "peak_rss_mb": peak_rss_mb(),
    }


def warm_up() -> dict:
    """One untimed month of a 100-member baseline, with numba's compile events recorded."""
    from numba.core import event

    start = time.perf_counter()
    with event.install_recorder("numba:compile") as recorder:
        model = EcosystemModel(scaled(Scenario.baseline(), 100, 1), rng=0, collect=False)
        model.step()
    compile_s, compiled, depth, began = 0.0, 0, 0, 0.0
    for at, happened in recorder.buffer:  # compiles nest (a kernel's helpers): count outermost
        if happened.is_start:
            depth += 1
            if depth == 1:
                began, compiled = at, compiled + 1
        else:
            depth -= 1
            if depth == 0:
                compile_s += at - began
    return {"warm_s": time.perf_counter() - start, "compile_s": compile_s, "compiled": compiled}


def members_of(scenario: Scenario) -> int:
    """Nominal members: startups at their ten-year mean per segment, academics, bad actors."""
    pops = scenario.populations
    return (pops.startups.segments * STARTUPS_PER_SEGMENT + pops.academics.count
            + pops.bad_actors.count)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m aiecosim.benchmarks.measure", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("engine", choices=sorted(ENGINES))
    parser.add_argument("--members", type=int, help="population members (default: as shipped)")
    parser.add_argument("--months", type=int, help="months to simulate (default: as shipped)")
    parser.add_argument("--repeats", type=int, default=1, help="runs, each with its own seed")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    result = measure(args.engine, args.members, args.months, args.repeats, args.seed)
    sys.stdout.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
