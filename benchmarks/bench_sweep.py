"""Sweep throughput and driver memory, measured through the real command line.

    python benchmarks/bench_sweep.py            # the figures quoted in docs/performance.md
    python benchmarks/bench_sweep.py --smoke    # a two-minute check that the harness works

Every sweep is ``aiecosim sweep`` on replications of the baseline (ten-year runs), in a fresh
folder and its own local Dask cluster. From each sweep's session record it reads:

- throughput: runs per second from the first task submitted to the last result written (worker
  start-up included: each worker imports the model on its first task), the median of several
  sweeps with 1 and with 2 workers run alternately (so outside load falls on both), and their
  ratio;
- the wall time of a 1,000-run sweep, cluster start-up included;
- the driver's own CPU time as a share of one core (it runs the local scheduler);
- the driver's peak resident memory (its own ``ru_maxrss``; workers are separate processes) for
  100 and for 1,000 runs: it should not grow with the number of runs.

It imports nothing from the project: it runs the command line and reads the JSON it writes.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from aiecosim.model.catalogue import BASELINE



def design_text(runs: int) -> str:
    """Replications of the baseline: a grid with no levers and ``runs`` seeds."""
    lines = ['name = "bench-baseline"', f'scenario = "{BASELINE.as_posix()}"', 'method = "grid"',
             f"seeds = {runs}", 'outputs = ["innovation", "hhi", "misuse_harm", "welfare"]']
    return "\n".join(lines) + "\n"


def sweep(runs: int, workers: int, folder: Path) -> dict:
    """Run one sweep in a fresh folder; return its session record plus the wall time."""
    design = folder / f"bench-{runs}-{workers}-{time.monotonic_ns()}.toml"
    design.write_text(design_text(runs))
    out = design.with_suffix("")
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "aiecosim.cli.main", "sweep", str(design),
                           "--out", str(out), "--workers", str(workers)],
                          capture_output=True, text=True)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"sweep failed ({done.returncode}): {done.stderr.strip()[-500:]}")
    (session,) = [json.loads(p.read_text()) for p in (out / "sessions").glob("*.json")]
    session["wall_seconds"] = wall
    session["runs_per_second"] = session["runs_ran"] / session["compute_seconds"]
    return session


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="small sizes, to check the harness")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args()
    throughput_runs, repeats, small, large = (16, 1, 20, 60) if args.smoke else (128, 3, 100, 1000)

    load_start = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="bench-sweep-") as tmp:
        folder = Path(tmp)
        # Interleaved, so that load from anything else on the machine falls on both alike.
        sessions: dict[int, list[dict]] = {1: [], 2: []}
        for _ in range(repeats):
            for w in (1, 2):
                sessions[w].append(sweep(throughput_runs, w, folder))
        rates = {w: [s["runs_per_second"] for s in sessions[w]] for w in (1, 2)}
        loads = {w: [s["load_average_start"] for s in sessions[w]] for w in (1, 2)}
        small_run = sweep(small, 2, folder)
        large_run = sweep(large, 2, folder)
    load_end = os.getloadavg()

    one, two = statistics.median(rates[1]), statistics.median(rates[2])
    # The driver's own CPU time while runs are computed (local scheduler, parquet writes,
    # progress bar) as a share of that time: what it takes from the cores the workers share.
    driver_share = statistics.median(s["driver_cpu_compute_seconds"] / s["compute_seconds"]
                                     for s in sessions[2])
    figures = {
        "cpu_count": os.cpu_count(),
        "load_average_start": load_start, "load_average_end": load_end,
        "throughput_runs": throughput_runs, "repeats": repeats,
        "runs_per_second_1_worker": rates[1], "runs_per_second_2_workers": rates[2],
        "load_average_before_each_1_worker": loads[1], "load_average_before_each_2_workers": loads[2],
        "median_1_worker": one, "median_2_workers": two, "speedup_2_over_1": two / one,
        "driver_cpu_share_2_workers": driver_share,
        f"wall_seconds_{large}_runs_2_workers": large_run["wall_seconds"],
        f"runs_per_second_{large}_runs": large_run["runs_per_second"],
        f"driver_peak_rss_mb_{small}_runs": small_run["driver_peak_rss_mb"],
        f"driver_peak_rss_mb_{large}_runs": large_run["driver_peak_rss_mb"],
        "driver_memory_ratio_large_over_small":
            large_run["driver_peak_rss_mb"] / small_run["driver_peak_rss_mb"],
    }
    print(f"machine: {os.cpu_count()} cores; load average at start {load_start[0]:.2f}, "
          f"at end {load_end[0]:.2f} (1-minute)")
    print(f"throughput, {throughput_runs} ten-year baseline runs, median of {repeats}:")
    for w, median in ((1, one), (2, two)):
        each = ", ".join(f"{r:.2f} (load {load:.1f})" for r, load in zip(rates[w], loads[w]))
        print(f"  {w} worker{'s' if w > 1 else ' '}: {median:.2f} runs/s; each: {each}")
    print(f"  2 workers / 1 worker: {two / one:.2f}x; the driver used {driver_share:.0%} of a "
          "core during the 2-worker sweeps")
    print(f"{large} runs on 2 workers (load {large_run['load_average_start']:.1f} before): "
          f"{large_run['wall_seconds']:.1f} s wall "
          f"({large_run['wall_seconds'] / 60:.1f} min), {large_run['runs_per_second']:.2f} runs/s")
    print(f"driver peak memory: {small_run['driver_peak_rss_mb']:.0f} MB at {small} runs, "
          f"{large_run['driver_peak_rss_mb']:.0f} MB at {large} runs "
          f"(ratio {figures['driver_memory_ratio_large_over_small']:.2f})")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
