"""How a front is shown: column titles with units and percentiles, cells, the Pareto scatter.

``aiecosim report`` and the dashboard's Results view show a front folder through these, so a
table's titles and a figure's axes say the same thing in both: each objective's metric, its
unit (from the metrics table), the percentile over worlds it is scored by, and its direction.
"""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
import polars as pl

from aiecosim.experiments.ema import policy_levers
from aiecosim.model.metrics import unit as unit_of


def ordinal(q: float) -> str:
    """10 -> "10th", 1 -> "1st", 12.5 -> "12.5th"."""
    if not float(q).is_integer():
        return f"{q:g}th"
    n = int(q)
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def objective_title(objective: dict[str, Any], worlds: int) -> str:
    """E.g. "innovation (USD bn/month): 10th percentile of 8 worlds, higher is better"."""
    unit = unit_of(objective["metric"])
    better = "higher" if objective["direction"] == "maximize" else "lower"
    return (f"{objective['metric']}{f' ({unit})' if unit else ''}: "
            f"{ordinal(objective['percentile'])} percentile of {worlds} worlds, "
            f"{better} is better")


def axis_title(objective: dict[str, Any]) -> str:
    """Shorter, for an axis: "innovation, 10th pct (USD bn/month), higher is better"."""
    unit = unit_of(objective["metric"])
    better = "higher" if objective["direction"] == "maximize" else "lower"
    return (f"{objective['metric']}, {ordinal(objective['percentile'])} pct"
            f"{f' ({unit})' if unit else ''}, {better} is better")


def lever_title(key: str) -> str:
    leaf = policy_levers().get(key)
    return f"{key} ({leaf.unit})" if leaf is not None and leaf.unit else key


def cell(value: Any) -> str:
    """A value as a table shows it: numbers to four significant figures, thousands grouped."""
    if isinstance(value, bool) or value is None:
        return "-" if value is None else ("yes" if value else "no")
    if isinstance(value, float):
        if value != value:
            return "-"
        return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.4g}"
    return str(value)


def front_rows(front: pl.DataFrame, levers: list[str],
               objectives: list[dict[str, Any]]) -> list[list[str]]:
    """One row of cells per policy: its number, its levers, its robust scores."""
    columns = ["policy", *levers, *(o["column"] for o in objectives)]
    return [[cell(v) for v in row] for row in front.select(columns).rows()]


def plot_front(front: pl.DataFrame, levers: list[str],
               objectives: list[dict[str, Any]]) -> go.Figure:
    """The first two objectives against each other, coloured by the third if there is one;
    each point carries its policy number as ``customdata`` (the dashboard opens it)."""
    x, y = objectives[0], objectives[1]
    colour = objectives[2] if len(objectives) > 2 else None
    hover = ["<br>".join(f"{k}: {cell(row[k])}" for k in levers)
             for row in front.iter_rows(named=True)]
    marker: dict[str, Any] = {"size": 12, "line": {"width": 1, "color": "#333"}}
    if colour is not None:
        marker.update(color=front[colour["column"]].to_list(), colorscale="Viridis",
                      showscale=True, colorbar={"title": {"text": axis_title(colour)},
                                                "title_side": "right"})
    fig = go.Figure(go.Scatter(
        x=front[x["column"]].to_list(), y=front[y["column"]].to_list(), mode="markers",
        marker=marker, customdata=front["policy"].to_list(), text=hover,
        hovertemplate="policy %{customdata}<br>%{text}<extra></extra>"))
    fig.update_layout(title={"text": f"Pareto front: {len(front)} policies"},
                      xaxis={"title": {"text": axis_title(x)}},
                      yaxis={"title": {"text": axis_title(y)}},
                      margin={"l": 70, "r": 20, "t": 50, "b": 50})
    return fig
