"""The benchmark suite: each size and model measured in its own fresh Python process."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
from dataclasses import dataclass, field
from typing import Callable

from aiecosim.benchmarks.against import Revision
from aiecosim.benchmarks.machine import describe, load_average


class BenchError(RuntimeError):
    """A measurement subprocess failed; the message is its last line of error output."""


@dataclass(frozen=True)
class Measurement:
    """One model at one size: build time, per-month step times, peak memory."""

    engine: str
    members: int
    init_s: float
    step_s: tuple[float, ...]
    total_s: float
    peak_rss_mb: float
    imports_rss_mb: float

    @property
    def months(self) -> int:
        return len(self.step_s)

    @property
    def run_s(self) -> float:
        return sum(self.step_s)

    def s_per_month(self, first: int | None = None) -> float:
        """Mean step time over all months, or over months 1..``first``."""
        steps = self.step_s[:first] if first else self.step_s
        return sum(steps) / len(steps)

    @property
    def months_per_s(self) -> float:
        return 1.0 / self.s_per_month()

    @property
    def agent_months_per_s(self) -> float:
        return self.members * self.months_per_s


@dataclass
class BenchResults:
    settings: dict
    machine: dict
    vectorized: dict[int, Measurement] = field(default_factory=dict)
    reference: dict[int, Measurement] = field(default_factory=dict)
    baseline_s: list[float] = field(default_factory=list)  # whole 120-month runs, as shipped
    floor: Measurement | None = None  # a tiny population: the month's fixed cost
    against: str | None = None  # another revision timed in turn with this one (its commit)
    against_baseline_s: list[float] = field(default_factory=list)
    against_floor: Measurement | None = None
    load_before: tuple = ()
    load_after: tuple = ()
    # This code's fresh processes, each warmed up before timing (benchmarks.measure.warm_up):
    # (seconds the warm-up took, kernels numba compiled in it, seconds compiling).
    warm_ups: list[tuple[float, int, float]] = field(default_factory=list)

    def note_warm_up(self, report: dict) -> dict:
        self.warm_ups.append((report["warm_s"], report["compiled"], report["compile_s"]))
        return report

    def speedup(self, members: int) -> float | None:
        """Reference over vectorized time per month, on the same months (1..reference's last)."""
        ref, vec = self.reference.get(members), self.vectorized.get(members)
        if ref is None or vec is None:
            return None
        return ref.s_per_month() / vec.s_per_month(first=ref.months)

    def scaling_ratio(self) -> float | None:
        """Largest over smallest time per agent-month across the vectorized sizes."""
        per_agent = [1.0 / m.agent_months_per_s for m in self.vectorized.values()]
        return max(per_agent) / min(per_agent) if len(per_agent) > 1 else None

    def marginal_ns(self, members: int) -> float | None:
        """Time per agent-month above the fixed cost of a month (ns): the per-member work."""
        vec = self.vectorized.get(members)
        if vec is None or self.floor is None:
            return None
        return 1e9 * (vec.s_per_month() - self.floor.s_per_month()) / (members - self.floor.members)

    @property
    def baseline_median_s(self) -> float | None:
        return statistics.median(self.baseline_s) if self.baseline_s else None

    @property
    def against_median_s(self) -> float | None:
        return statistics.median(self.against_baseline_s) if self.against_baseline_s else None

    def baseline_speedup(self) -> float | None:
        """The other revision's median baseline time over this one's (above 1: this is faster)."""
        if self.against_median_s is None or not self.baseline_median_s:
            return None
        return self.against_median_s / self.baseline_median_s


def measure(engine: str, members: int | None, months: int | None, repeats: int = 1,
            seed: int = 0, revision: Revision | None = None) -> dict:
    """Run ``benchmarks.measure`` in a fresh interpreter (importing ``revision``'s code when
    given) and return its JSON report."""
    args = [sys.executable, "-m", "aiecosim.benchmarks.measure", engine, "--repeats", str(repeats),
            "--seed", str(seed)]
    if members is not None:
        args += ["--members", str(members)]
    if months is not None:
        args += ["--months", str(months)]
    done = subprocess.run(args, capture_output=True, text=True,
                          env=revision.env if revision else None)
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines() or [f"exit status {done.returncode}"]
        at = f" at {revision.asked}" if revision else ""
        raise BenchError(f"{engine} at {members} members{at}: {lines[-1]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def as_measurement(report: dict) -> Measurement:
    """The fastest of the report's runs: the one least disturbed by other work on the machine
    (as ``timeit`` reports its best repeat); its peak memory is the process's."""
    run = min(report["runs"], key=lambda r: r["run_s"])
    return Measurement(report["engine"], report["members"], run["init_s"], tuple(run["step_s"]),
                       run["total_s"], report["peak_rss_mb"], report["imports_rss_mb"])


FLOOR_MEMBERS = 100  # small enough that a month costs what it costs whatever the population


def run_suite(sizes: list[int], months: int, reference_months: int, reference_max: int,
              baseline_runs: int, repeats: int = 3,
              say: Callable[[str], None] = print,
              against: Revision | None = None) -> BenchResults:
    """Vectorized at every size (best of ``repeats``), the reference once up to
    ``reference_max``, the month's fixed cost at ``FLOOR_MEMBERS``, then the shipped baseline
    ``baseline_runs`` times. With ``against``, the fixed cost and the baseline are measured at
    that revision too, its baseline runs alternating with this code's (``baseline_in_turn``)."""
    results = BenchResults(
        settings={"sizes": sizes, "months": months, "reference_months": reference_months,
                  "reference_max": reference_max, "baseline_runs": baseline_runs,
                  "repeats": repeats, "floor_members": FLOOR_MEMBERS},
        machine=describe(), load_before=load_average())
    for members in sizes:
        say(f"vectorized, {members:,} members, {months} months, best of {repeats}")
        results.vectorized[members] = as_measurement(results.note_warm_up(
            measure("vectorized", members, months, repeats)))
        if members <= reference_max:
            say(f"reference, {members:,} members, {reference_months} months")
            results.reference[members] = as_measurement(results.note_warm_up(
                measure("reference", members, reference_months)))
    say(f"vectorized, {FLOOR_MEMBERS} members (the month's fixed cost), best of {repeats}")
    results.floor = as_measurement(results.note_warm_up(
        measure("vectorized", FLOOR_MEMBERS, months, repeats)))
    if against is not None:
        results.against = against.commit
        say(f"vectorized, {FLOOR_MEMBERS} members at {against.asked}, best of {repeats}")
        results.against_floor = as_measurement(
            measure("vectorized", FLOOR_MEMBERS, months, repeats, revision=against))
    if baseline_runs and against is not None:
        say(f"baseline as shipped, {baseline_runs} runs here and at {against.asked}, in turn")
        results.baseline_s, results.against_baseline_s = baseline_in_turn(baseline_runs, against,
                                                                          results)
    elif baseline_runs:
        say(f"baseline as shipped, {baseline_runs} runs")
        report = results.note_warm_up(measure("vectorized", None, None, repeats=baseline_runs))
        results.baseline_s = [run["total_s"] for run in report["runs"]]
    results.load_after = load_average()
    return results


def baseline_in_turn(runs: int, against: Revision,
                     results: BenchResults) -> tuple[list[float], list[float]]:
    """The shipped baseline ``runs`` times here and at ``against``: one fresh process per run,
    this code and the other in turn with the same seed, so a change of load falls on both."""
    here, there = [], []
    for seed in range(runs):
        report = results.note_warm_up(measure("vectorized", None, None, 1, seed))
        here += [r["total_s"] for r in report["runs"]]
        there += [r["total_s"] for r in
                  measure("vectorized", None, None, 1, seed, revision=against)["runs"]]
    return here, there
