"""``aiecosim report`` on a front folder: one self-contained HTML file of a policy search.

Sections: how the front was found (design, worlds, budget, versions), the front as a table
(levers, then each objective with its unit and the percentile over worlds it is scored by)
and the Pareto scatter. Written like a sweep's report: plotly.js inlined, atomically.
"""

from __future__ import annotations

import json
from pathlib import Path

from aiecosim.experiments.atomic import write_atomically
from aiecosim.experiments.front_display import (front_rows, lever_title, objective_title,
                                                ordinal, plot_front)
from aiecosim.experiments.front_store import Front, read_front
from aiecosim.experiments.html_page import escape as _e
from aiecosim.experiments.html_page import figure, page
from aiecosim.experiments.html_page import section as _section
from aiecosim.experiments.html_page import table as _table


def write_front_report(root: str | Path, out: str | Path | None = None) -> Path:
    """Write the report of front folder ``root`` (default ``root/report.html``)."""
    target = Path(out) if out is not None else Path(root) / "report.html"
    page = build_front_report(read_front(root))
    write_atomically(target, lambda tmp: tmp.write_text(page, encoding="utf-8"))
    return target


def build_front_report(front: Front) -> str:
    m = front.manifest
    title = f"Robust policy search: {m['name']}"
    body = [f"<h1>{_e(title)}</h1>", f"<p>{_e(m.get('description', ''))}</p>",
            _section("How the front was found", _provenance(front), "provenance-section"),
            _section(f"The front ({_policies(len(front.front))})", _front_table(front),
                     "front-section")]
    if len(front.front) and len(front.objectives) >= 2:
        fig = plot_front(front.front, front.levers, front.objectives)
        body.append(_section("Pareto front", figure(fig, "fig-front", height=480), "pareto-section"))
    return page(title, body)


def _front_table(front: Front) -> str:
    worlds = len(front.manifest["worlds"])
    header = ["policy", *map(lever_title, front.levers),
              *(objective_title(o, worlds) for o in front.objectives)]
    note = ("<p class=\"note\">Each policy ran in the same worlds with the same seeds; a "
            "policy's score on an objective is the stated percentile, over those worlds, of "
            f"each run's mean over its last {front.manifest['summary_months']} months. No "
            "policy of the front does at least as well on every objective and better on one "
            "(scores closer than an objective's epsilon count as equal).</p>")
    return note + _table(header, front_rows(front.front, front.levers, front.objectives),
                         "front")


def _provenance(front: Front) -> str:
    m = front.manifest
    design = m["design"]
    commit = (m.get("git_commit") or "unknown").replace("+dirty", " (with uncommitted changes)")
    session = m.get("session", {})
    rows = [
        ("design", f"{m['name']} (fingerprint {m['fingerprint']})"),
        ("design file", m.get("design_file", "")),
        ("command", m.get("command", "")),
        ("algorithm", m.get("algorithm", "")),
        ("levers", ", ".join(front.levers)),
        ("objectives", "; ".join(f"{o['direction']} {o['metric']} at its "
                                 f"{ordinal(o['percentile'])} percentile (epsilon "
                                 f"{o['epsilon']:g})" for o in front.objectives)),
        ("worlds", f"{len(m['worlds'])} drawn from {m['posterior_file']} (world seed "
                   f"{design['world_seed']}; sha256 {m['posterior_sha256'][:12]}), world i "
                   "with the same seed for every policy"),
        ("budget", f"{m['evaluations']} policies evaluated (nfe {design['nfe']}, "
                   f"{design['population']} a generation, search seed {design['seed']}); "
                   f"{m['runs']} runs"),
        ("months", m["months"]),
        ("scenario", f"{m['scenario']['name']} (digest {m['scenario']['digest']})"),
        ("fixed overrides", json.dumps(design["set"]) if design.get("set") else "none"),
        ("time", f"{m['seconds']} s on {session.get('workers', '?')} workers "
                 f"({session.get('scheduler', 'local')})"),
        ("created", m["created"]),
        ("git commit", commit),
        ("versions", ", ".join(f"{k} {v}" for k, v in m["versions"].items())),
    ]
    return _table(["", ""], rows, "provenance", show_header=False)


# ------------------------------------------------------------------------------- helpers
def _policies(n: int) -> str:
    return f"{n} {'policy' if n == 1 else 'policies'}"
