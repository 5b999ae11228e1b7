"""Profile the monthly step with cProfile and write its top entries to docs/performance.md.

    python -m aiecosim.benchmarks.profile_step                       # vectorized, 100k members, 120 months
    python -m aiecosim.benchmarks.profile_step --members 1M --top 20 --out -        # print only
    python -m aiecosim.benchmarks.profile_step --engine reference --members 10k --months 3

Only the steps are profiled, not building the model. cProfile adds a fixed cost to every Python
call, so functions called many times per month look costlier than they are; the ranking is
what matters.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import re

from aiecosim.model.scenario import Scenario

from aiecosim.benchmarks.against import REPO
from aiecosim.benchmarks.docs_section import add_out_option, check_out, write_or_print
from aiecosim.benchmarks.measure import ENGINES
from aiecosim.benchmarks.report import markdown_table
from aiecosim.benchmarks.sizes import SPLIT_TEXT, format_size, parse_size, scaled



def profile(members: int, months: int, engine: str = "vectorized", seed: int = 0,
            ) -> pstats.Stats:
    """cProfile statistics of ``months`` steps of one model (building it is not profiled)."""
    scenario = scaled(Scenario.baseline(), members, months)
    built = ENGINES[engine](scenario=scenario, rng=seed)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(months):
        built.step()
    profiler.disable()
    return pstats.Stats(profiler)


PROJECT_FOLDERS = ("model", "benchmarks", "experiments", "cli", "dashboard")


def project_relative(path: str) -> str | None:
    """``path`` relative to the project, if it is one of the project's files: in this tree,
    or in another copy of it (``bench --against`` and unpacked revisions run from a temporary
    folder, whose name must not reach the docs). Installed packages are never the project's,
    even in a virtual environment inside the repository."""
    if "/site-packages/" in path:
        return None
    if path.startswith(str(REPO) + "/"):
        return path[len(str(REPO)) + 1:]
    for folder in PROJECT_FOLDERS:
        at = path.rfind(f"/{folder}/")
        if at >= 0 and (REPO / path[at + 1:]).is_file():
            return path[at + 1:]
    return None


def short_path(filename: str) -> str:
    """A path readers can find without this machine's layout: repo- or package-relative."""
    path = filename.replace("\\", "/")
    if "/site-packages/" in path:  # first: a virtual environment may live inside the repository
        return path.split("/site-packages/", 1)[1]
    relative = project_relative(path)
    if relative is not None:
        return relative
    stdlib = re.search(r"/lib/python3\.\d+/(.*)$", path)
    return f"stdlib/{stdlib.group(1)}" if stdlib else path


def function_name(key: tuple) -> str:
    filename, line, name = key
    if filename == "~":  # C functions: cProfile names them like "<built-in method ...>"
        return name
    return f"{short_path(filename)}:{line}({name})"


def top_entries(stats: pstats.Stats, top: int, by: str, only_repo: bool = False) -> list[tuple]:
    """Rows (function, calls, own s, cumulative s, share of total) ordered by own or cumulative;
    ``only_repo`` keeps the project's own functions (model/ and benchmarks/)."""
    total = stats.total_tt
    entries = []
    for key, (_, calls, own, cumulative, _) in stats.stats.items():
        if only_repo and not (project_relative(key[0]) or "").startswith(
                ("model/", "benchmarks/")):
            continue
        entries.append((function_name(key), calls, own, cumulative))
    column = 2 if by == "own" else 3
    entries.sort(key=lambda e: e[column], reverse=True)
    return [(f"`{name}`", f"{calls:,}", f"{own:.3f}", f"{cum:.3f}",
             f"{100 * (own if by == 'own' else cum) / total:.1f}%")
            for name, calls, own, cum in entries[:top]]


DEFAULT_MEMBERS = 100_000


def section(engine: str, members: int = DEFAULT_MEMBERS) -> str:
    """Name of the generated section of docs/performance.md a profile fills: one per engine,
    and for the vectorized model one more per size other than the default (at 100 members
    the profile is of a month's fixed cost)."""
    if engine != "vectorized":
        return f"profile-{engine}"
    return "profile" if members == DEFAULT_MEMBERS else f"profile-{format_size(members)}"


def markdown(stats: pstats.Stats, members: int, months: int, top: int,
             engine: str = "vectorized") -> str:
    header = ("function", "calls", "own s", "cumulative s", "share")
    title = "Profile of the step" + ("" if engine == "vectorized" else f" ({engine} model)")
    if engine == "vectorized" and members != DEFAULT_MEMBERS:
        title += f" at {format_size(members)} members"
    command = (f"python -m aiecosim.benchmarks.profile_step --engine {engine} "
               f"--members {format_size(members)} --months {months} --top {top}")
    return f"""## {title}

Generated by `{command}`
(cProfile over {months} steps of the {engine} model at {format_size(members)} members,
{SPLIT_TEXT}; {stats.total_tt:.2f} s in all under the profiler). Rerun it after changing
the kernels; it rewrites this section only.

Where the time goes, by the project's own functions (cumulative, share of all profiled time):

{markdown_table(header, top_entries(stats, top, by="cumulative", only_repo=True))}

Top entries by own time (time inside the function itself, numpy's C code included):

{markdown_table(header, top_entries(stats, top, by="own"))}
"""


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m aiecosim.benchmarks.profile_step", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engine", choices=sorted(ENGINES), default="vectorized")
    parser.add_argument("--members", type=parse_size, default=DEFAULT_MEMBERS,
                        help="population members, e.g. 100k or 1M (default 100k)")
    parser.add_argument("--months", type=int, default=120)
    parser.add_argument("--top", type=int, default=15, help="rows per table")
    add_out_option(parser)
    args = parser.parse_args(argv)
    check_out(parser, args.out)
    stats = profile(args.members, args.months, args.engine)
    text = markdown(stats, args.members, args.months, args.top, args.engine)
    write_or_print(parser, args.out, section(args.engine, args.members), text)


if __name__ == "__main__":
    main()
