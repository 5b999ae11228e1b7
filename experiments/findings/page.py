"""Write docs/findings.md and its figures (HTML and PNG) from computed results.

The page holds no time stamps or timings, so regenerating it from the same sweeps gives the
same file.
"""

from __future__ import annotations

from pathlib import Path

import plotly.graph_objects as go
import polars as pl

from aiecosim.experiments.analysis import time_bands
from aiecosim.experiments.atomic import write_atomically
from aiecosim.experiments.figures import (image, one_browser, plot_bands, plot_convergence,
                                          plot_heatmap)
from aiecosim.experiments.findings import harm_welfare, jurisdictions, sections, worlds
from aiecosim.experiments.findings import risk_axis, sensitivity
from aiecosim.experiments.findings.claims import Claim
from aiecosim.experiments import hindcast
from aiecosim.experiments.findings.generate import (DEFAULT_FORMS, DESIGNS, HINDCAST_SEED,
                                                   all_claims, headlines_by_structure)
from aiecosim.experiments.posterior import SHIPPED as SHIPPED_POSTERIOR
from aiecosim.experiments.findings.results import Results

FIGURES = "findings"  # folder beside the page


def export(fig: go.Figure, folder: Path, name: str) -> str:
    """Write ``name.html`` (plotly.js shared in the folder) and ``name.png``; return the PNG link."""
    fig.update_layout(width=900, height=480)
    html = fig.to_html(include_plotlyjs="directory", full_html=True, div_id=name)
    write_atomically(folder / f"{name}.html", lambda tmp: tmp.write_text(html))
    png = image(fig, "png", 900, 480)
    write_atomically(folder / f"{name}.png", lambda tmp: tmp.write_bytes(png))
    return f"{FIGURES}/{name}.png"


def _plotly_js(folder: Path) -> None:
    """The one copy of plotly.js the HTML figures load, so they work offline."""
    from plotly.offline import get_plotlyjs

    target = folder / "plotly.min.js"
    if not target.exists():
        script = get_plotlyjs()
        write_atomically(target, lambda tmp: tmp.write_text(script))


def _table(frame: pl.DataFrame) -> str:
    head = "| " + " | ".join(frame.columns) + " |"
    rule = "|" + "---|" * len(frame.columns)
    rows = ["| " + " | ".join(str(v) for v in row) + " |" for row in frame.iter_rows()]
    return "\n".join([head, rule, *rows])


def _claims(claims: list[Claim]) -> str:
    rows = [{"claim": c.statement, "label": c.label, "measured (mean [95% CI])": c.measured,
             "holds": "yes" if c.holds else "NO", "whole CI agrees": "yes" if c.confident else "no",
             "seeds": c.seeds, "share of worlds": f"{c.share:.0%}",
             "worlds": c.held_in[1]} for c in claims]
    return _table(pl.DataFrame(rows))


def write_page(r: Results, page: Path) -> list[Claim]:
    """Compute everything, export figures beside ``page`` and write it; return the claims."""
    with one_browser():  # one browser for every PNG
        return _write_page(r, page)


def _write_page(r: Results, page: Path) -> list[Claim]:
    folder = page.parent / FIGURES
    folder.mkdir(parents=True, exist_ok=True)
    _plotly_js(folder)
    claims = all_claims(r)
    by_section = lambda s: [c for c in claims if c.section == s]  # noqa: E731
    parts = [INTRO]

    parts.append(_over_worlds(r))
    targets = sections.validation_targets(r)
    parts.append(f"## 1. Validation\n\nThe shipped baseline ({r.seeds('validation')} seeds) against the figures of "
                 "docs/calibration.md. *Calibration* targets were used to choose defaults; "
                 "*validation* targets were not.\n")
    parts.append(_table(pl.DataFrame([{
        "quantity": t.quantity, "target": t.target, "source": t.source, "kind": t.kind,
        "model (mean [95% CI])": t.value.text(2), "inside": "yes" if t.inside else "NO"}
        for t in targets])))
    if r.hindcast:
        parts.append("\n### Hindcast: the held-out 2024-25 observations\n\n"
                     "`calibration/hindcast-2024-25.toml` was committed before the first "
                     "posterior and chose nothing in the model. The worlds below are drawn from "
                     "the shipped posterior (`aiecosim calibrate`, docs/calibration.md); the "
                     "sweeps of the rest of this page still run the baseline's defaults.\n")
        parts.append(hindcast.markdown(r.hindcast, SHIPPED_POSTERIOR, HINDCAST_SEED))
    parts.append("\n### Stylized facts\n\nEach fact's effect, measured between paired variants "
                 f"of the baseline ({r.seeds('stylized-facts')} seeds each; months 13-120 unless stated).\n")
    parts.append(_claims(by_section("facts")))
    curve = plot_bands({"developer liability 0.5 minus none": risk_axis.gain_curve(r)},
                       "welfare", x="risk")
    curve.update_layout(title="Fact 9c: liability's ten-year welfare gain along the risk axis",
                        xaxis={"type": "log", "title": {"text": "risk (x the baseline's harm "
                                                                "and expected bill)"}},
                        yaxis={"title": {"text": "welfare gain (USD bn a month), 95% band"}})
    curve.add_hline(y=0, line={"color": "grey", "width": 1})
    link = export(curve, folder, "risk-axis-welfare-gain")
    parts.append(f"\n![liability's welfare gain along the risk axis]({link}) "
                 f"([interactive]({link[:-4]}.html))\n")

    regimes = r.sweeps["release-regimes"]
    parts.append("\n## 2. Open weights, API-only or lab choice\n\nYear-10 means (months "
                 f"109-120) with 95% intervals over {r.seeds('release-regimes')} seeds.\n")
    parts.append(_table(sections.regime_table(r)))
    parts.append("\n" + _claims(by_section("regimes")) + "\n")
    bands = time_bands(regimes, list(sections.REGIME_METRICS))
    for metric in ("innovation", "startups_active", "hhi", "hhi_provider", "misuse_harm"):
        link = export(plot_bands(bands, metric), folder, f"regimes-{metric}")
        parts.append(f"![{metric} by regime]({link}) ([interactive]({link[:-4]}.html))")
    parts.append(_robust_ranking(r))

    parts.append("\n### A rule at home against the same rule everywhere\n\nThe baseline has two "
                 "jurisdictions: home, with the 2023 frontier, and abroad, with a smaller, later "
                 "open-leaning lab. Weights published in either are usable in both. Means over "
                 f"years 2-10 (months 13-120) with 95% intervals over {r.seeds('jurisdictions')} seeds.\n")
    parts.append(_table(jurisdictions.jurisdiction_table(r)))
    parts.append("\n" + _claims(by_section("jurisdictions")) + "\n")

    parts.append("\n## 3. Developer liability against public compute\n\nYear-10 means over a "
                 f"6 x 6 grid ({r.seeds('liability-x-subsidy')} seeds a point), developer bears liability. From a strength of 0.6, "
                 "liability bills drive some labs out of business, and which ones go varies from "
                 "seed to seed by more than public compute adds to innovation.\n")
    parts.append(_claims(by_section("policy map")) + "\n")
    for metric in ("innovation", "misuse_harm", "labs_open_share"):
        grid = sections.policy_map(r, metric)
        link = export(plot_heatmap(grid, sections.LIABILITY, sections.SUBSIDY, metric), folder,
                      f"policy-map-{metric}")
        parts.append(f"![{metric} over liability and subsidy]({link}) "
                     f"([interactive]({link[:-4]}.html))")

    table, _ = sections.leak_claims(r)
    parts.append("\n## 4. The 2023 counterfactual: what the leak changed\n\n`history-2023` "
                 "with the staged release leaking (as LLaMA did within a week) against the same "
                 f"world where it never leaks; {r.seeds('leak-counterfactual')} seeds each.\n")
    parts.append(_table(table) + "\n\n" + _claims(by_section("2023 counterfactual")) + "\n")
    leak_bands = time_bands(r.sweeps["leak-counterfactual"], ["open_capability"])
    link = export(plot_bands(leak_bands, "open_capability"), folder, "leak-open-capability")
    parts.append(f"![open capability with and without the leak]({link}) "
                 f"([interactive]({link[:-4]}.html))")

    parts.append(_sensitivity(r, folder))
    robust, _ = sections.robustness_claims(r)
    parts.append("\nWhich conclusions flip inside the plausible ranges? Open-weights against "
                 "api-only in each of the plausible worlds of a Latin hypercube over the main "
                 f"assumptions (paired by world, {r.seeds('robustness-open-weights')} seeds each):\n")
    parts.append(_table(robust) + "\n\n" + _claims(by_section("robustness")) + "\n")
    parts.append(LIMITS)
    text = "\n".join(parts) + "\n"
    write_atomically(page, lambda tmp: tmp.write_text(text))
    return claims


def _over_worlds(r: Results) -> str:
    """The headlines in the plausible worlds of the shipped posterior, under each structural
    switch, with PRIM's conditions for those that do not hold across them."""
    by_structure = headlines_by_structure(r)
    claims = by_structure[DEFAULT_FORMS]
    n = len(claims[0].effect)
    switched = [s for s in by_structure if s != DEFAULT_FORMS]
    parts = [
        "## Headlines over plausible worlds\n",
        f"Each headline in {n} worlds drawn from the shipped posterior "
        "(`calibration/posterior-2023.parquet`: the priors' worlds that the 2023 observations "
        "allow; docs/calibration.md), one seed each, the variants of a world sharing its seed. "
        "The share is of worlds in which the stated direction holds; the interval is the "
        "central 90% of the effect over worlds (not Monte Carlo error). Each headline is also "
        f"rerun under every structural switch of DESIGN.md §3 ({_codes(switched)}), in "
        f"{len(by_structure[switched[0]][0].effect)} worlds each. A headline *holds "
        f"across worlds and switches* when it holds in at least {worlds.ACROSS:.0%} of the "
        "worlds under the default forms and under every switch; otherwise it is "
        "*conditional*, and PRIM scenario discovery (ema-workbench) gives the parameter box "
        "where it holds. Labels: *identity* is true by the code, *by construction* follows "
        "directly from a rule or an assumption, *emergent* comes from the agents' "
        "interaction; only emergent ones are findings. With one seed a world, a share mixes "
        "the worlds' differences with seed noise, which is one reason PRIM finds no clear "
        "box. Every later claim also states its label and the share of worlds in which it "
        "holds, over a copy of its design run in plausible worlds; their intervals are over "
        "seeds at the defaults.\n",
        _table(worlds.table(by_structure)),
        "\nEach headline's share of worlds under each structure (bold: below "
        f"{worlds.ACROSS:.0%}):\n",
        _table(worlds.switch_table(by_structure)),
        "\n**A limit these worlds reach.** In year 10, "
        f"{worlds.at_limit_share(r, 'open-weights'):.0%} of worlds under open-weights and "
        f"{worlds.at_limit_share(r, 'api-only everywhere'):.0%} under api-only everywhere hold "
        f"within {worlds.NEAR_LIMIT:.0%} of `populations.startups.max_firms` startups, a "
        "computational limit (the defaults' world peaks near 180,000). There, entry is cut off "
        "by the limit, not the market, so year-10 differences in entry and innovation are likely "
        "understated. The 2023 observations do not rule these worlds out: calibration sees "
        "only year 1.",
    ]
    conditional = [c for c in claims if not worlds.everywhere(c.name, by_structure)]
    if conditional:
        parameters = worlds.world_parameters(r, DESIGNS[worlds.DESIGN])
        parts.append("\nWhere the conditional headlines hold (PRIM boxes over the worlds' "
                     "parameters, under the default forms):\n")
        for c in conditional:
            failing = [f"{s} ({w.share:.0%})" for s, found in by_structure.items() if s in switched
                       for w in found if w.name == c.name and not w.across]
            under = f"; below {worlds.ACROSS:.0%} under {', '.join(failing)}" if failing else ""
            if c.across:
                parts.append(f"- **{c.name}** ({c.share:.0%} of worlds under the default forms"
                             f"{under}): it depends on the form, not on a parameter box.")
                continue
            box = worlds.conditions(c.holds_in, parameters)
            if box is None:
                where = (f"no box of at most {worlds.MAX_DIMENSIONS} parameters is denser than "
                         "all worlds together")
            elif worlds.clear(box, c.share):
                where = f"holds where {box.text()}"
            else:
                where = (f"no clear condition: the best box of at most {worlds.MAX_DIMENSIONS} "
                         f"parameters, {box.text()}, against {c.share:.0%} of all worlds (a "
                         f"condition needs {worlds.CLEAR_DENSITY:.0%} and "
                         f"{worlds.CLEAR_LIFT:.0%} more than all worlds)")
            parts.append(f"- **{c.name}** ({c.share:.0%} of worlds{under}): {where}.")
    return "\n".join(parts) + "\n"


def _codes(names: list[str]) -> str:
    return ", ".join(f"`{n}`" for n in names)


def _sensitivity(r: Results, folder: Path) -> str:
    """Morris screening over every prior, then delta indices of its leaders with convergence."""
    screen = r.sweeps["screening"].manifest
    cube = r.sweeps["prior-worlds"].manifest
    trajectories, n_priors = screen["design"]["samples"], len(screen["variables"])
    parts = [f"\n## 5. Sensitivity and robustness\n\n**Screening.** Morris elementary effects "
             f"over all {n_priors} priors (docs/ODD.md's parameter table), each over its prior's "
             f"central 95%, with the policy levers at the baseline's: {trajectories} trajectories, "
             f"{screen['runs']} ten-year runs, one seed each (labs are nearly deterministic, so a "
             "seed's noise is small against a prior's range). Outputs are the last year's means "
             "on a signed log scale, sign(y) log(1 + |y|), so that a few extreme worlds do not carry "
             "every effect. *share* is a prior's mu* (mean absolute elementary effect) over the "
             "sum of all mu*; *mu* is the signed mean effect (in log units) and *sigma* the spread "
             "of effects (interactions and non-linearity). The top six of each output:\n"]
    frames = []
    for metric in sensitivity.OUTPUTS:
        frame = sensitivity.screening(r, metric)
        frames.append(frame)
        top = frame.head(6).select("parameter", "share", "share_conf", "mu", "sigma")
        parts.append(f"\n**{metric}**\n\n" + _table(top.with_columns(pl.col(pl.Float64).round(3))))
    leaders = sensitivity.leaders(r)
    parts.append(f"\n**Leaders.** The top {sensitivity.LEADERS_PER_OUTPUT} of each output's "
                 f"screening, {len(leaders)} priors, get moment-independent indices: Borgonovo's "
                 f"delta (how far fixing a prior moves the whole distribution of the output; 0 "
                 f"to 1) and the first-order "
                 f"Sobol index S1 of the signed log output, both estimated from {cube['runs']} "
                 "worlds of a Latin hypercube over every prior (the others vary too), with 95% "
                 "bootstrap half-widths (+/-). The estimator scores even an input that no run "
                 f"reads above zero: the row *{sensitivity.DUMMY}* measures that floor, and an "
                 "index near it means no effect was found.\n")
    rows, clear = {}, []
    for metric in sensitivity.OUTPUTS:
        frame = sensitivity.deltas(r, metric, leaders)
        frames.append(frame)
        above = sensitivity.above_floor(frame)
        clear.append(f"{metric}: " + (", ".join(f"`{k}`" for k in above) or "none"))
        for row in frame.iter_rows(named=True):
            cell = rows.setdefault(row["parameter"], {"parameter": row["parameter"]})
            cell[f"{metric} delta"] = f"{row['delta']:.3f} +/- {row['delta_conf']:.3f}"
            cell[f"{metric} S1"] = f"{row['S1']:.3f} +/- {row['S1_conf']:.3f}"
    ordered = [rows[k] for k in [*leaders, sensitivity.DUMMY]]
    parts.append(_table(pl.DataFrame(ordered)) + "\n")
    parts.append("\nDeltas whose whole interval is above the dummy's: " + "; ".join(clear)
                 + ". The others are not told apart from no effect by delta at this sample "
                 "size (S1, whose floor is lower, separates a few more).\n")
    parts.append(f"\nThe widest 95% half-width of any index in this section is "
                 f"{sensitivity.widest(frames):.3f}. Convergence: each leader's delta against the "
                 f"number of worlds it is estimated from (the first n of the {cube['runs']}); "
                 "where the lines settle inside their intervals, more runs would not reorder "
                 "them.\n")
    for metric in sensitivity.OUTPUTS:
        grown = sensitivity.convergence(r, metric, leaders)
        link = export(plot_convergence(grown, metric, reference=sensitivity.DUMMY), folder,
                      f"convergence-{metric}")
        parts.append(f"![convergence of delta indices of {metric}]({link}) "
                     f"([interactive]({link[:-4]}.html))")
    return "\n".join(parts) + "\n"


def _robust_ranking(r: Results) -> str:
    """Section 2's robustness: the break-even harm multiplier and the defence forms."""
    k = harm_welfare.break_even_multiplier(r)
    spread = (f"(per seed {k['lowest seed']:.2f}x to {k['highest seed']:.2f}x, "
              f"{k['seeds']} seeds)")
    if k["harm gap"] > 0 and k["welfare gap"] >= 0:
        verdict = (f"api-only overtakes open-weights on ten-year welfare once harm is "
                   f"**{k['multiplier']:.2f}x** its default {spread}")
    elif k["harm gap"] > 0:
        verdict = (f"api-only already has the higher welfare at the default harm; open-weights "
                   f"would overtake it only if harm were below **{k['multiplier']:.2f}x** its "
                   f"default {spread}")
    else:
        verdict = "open-weights has no more harm than api-only, so no harm multiplier reverses it"
    return "\n".join([
        "\n### How robust the ranking is\n",
        f"Over ten years open-weights' welfare exceeds api-only's by {k['welfare gap']:.2f} USD bn "
        f"a month and its harm by {k['harm gap']:.3f}: {verdict}. Welfare is linear in harm at "
        "fixed behaviour, so this is a first-order figure: it holds liability bills, labs' "
        "choices and the regulator as they were (an assumption).\n",
        "Defence's dependence on openness is an assumption (`defense.form`, docs/ODD.md). The "
        "regimes under each form, year-10 means over 10 seeds:\n",
        _table(harm_welfare.regime_by_defense_table(r)),
        "\nTen-year differences under each form (paired by seed):\n",
        _table(harm_welfare.harm_gaps_by_defense(r)),
    ])


INTRO = """# Findings

Generated by `aiecosim findings` (see the README) from the sweeps it runs; every number below
comes from those runs. Intervals are 95% confidence intervals over seeds (Student t); those of
a difference pair runs by seed wherever both sides ran the same seeds (else Welch's). Intervals
over seeds are **Monte Carlo error only**: they say how precisely the defaults' world was
measured, not how uncertain the world is. How uncertain the world is shows in the *share of
worlds*: the share of worlds drawn from the 2023 posterior in which a claim holds. The hindcast's
intervals are over plausible worlds too. "Holds" checks the stated direction on the mean; "whole
CI agrees" checks it on the whole interval. The regression test `tests/test_findings_regression.py` reruns a small version of every claim and
fails when the direction of a claim whose whole interval agrees here flips (a claim whose
interval spans its threshold is decided by Monte Carlo noise, which a smaller run cannot test).
The model is described in `docs/ODD.md`.
"""

LIMITS = """
## 6. Limits

- Many values are assumptions (marked in `docs/ODD.md`): the size of harm, the value labs place
  on openness, how much an API lets a lab control misuse, the users a better model brings.
  The sensitivity section shows which of them drive harm and concentration.
- Labs are funded from capital (`finance.form = "capital"`, docs/ODD.md 7.9a): revenue,
  investors and parents. The investor market grows at an assumed 2.4x a year with no bound
  from the wider economy: it puts about 13 USD bn a month into labs in year 3 and about
  6,000 in year 10, far beyond any real capital market, so the later years' frontier is an
  extrapolation (as the exogenous form's 2.4x a year of run costs was). A sourced bound (a
  share of investment or GDP) is not yet modelled. Their
  training spending is a cost in welfare, which is why welfare falls below zero in later years:
  the model counts only the value of the products it simulates.
- Two jurisdictions: labs, APIs, startups, academics and bad actors each belong to one, but
  startups' users are one market across borders (no home bias in demand).
- Harm is misuse by tiers of bad actors, the expectation of a catastrophic tail, and labs'
  accidents at an assumed rate; no structural harms (labour, concentration of power) beyond
  what HHI shows.
- Welfare adds unlike things (value created, harm, public spending) at face value.
- Results that depend on the harm level (fact 9) are assumption-driven: the sign of
  regulation's welfare effect changes with it, which is the point of that fact.
"""
