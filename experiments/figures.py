"""Figures are functions: data in, a plotly Figure out, no application state.

The report (``aiecosim report``) and the dashboard call the same functions.
"""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from aiecosim.model.metrics import label as metric_label

PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2",
           "#7f7f7f", "#bcbd22", "#17becf")


def _rgba(hex_colour: str, alpha: float) -> str:
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def bands_figure(bands: dict[str, pl.DataFrame] | pl.DataFrame, metric: str,
                 x: str = "step", centre: str = "mean", band: str = "95% band") -> dict:
    """Time series of ``metric`` with its 95% band, one line per labelled frame, as plain
    plotly data (no template).

    The dashboard sends this as it is: building plotly objects validates every point, which
    cost it a fifth of a second an update. ``plot_bands`` wraps it in a ``go.Figure``.

    Args:
        bands: the output of ``seed_bands`` (or a dict label -> such frames to compare).
        metric: a metric column name.
        x: the column on the x axis.
        centre: the line's column suffix: ``mean`` over seeds, ``median`` over worlds.
        band: what the band is, for its name.
    """
    series = bands if isinstance(bands, dict) else {"": bands}
    traces = []
    for i, (label, frame) in enumerate(series.items()):
        colour = PALETTE[i % len(PALETTE)]
        xs = frame[x].to_list()
        traces.append({
            "type": "scatter", "x": xs + xs[::-1],
            "y": frame[f"{metric}_hi"].to_list() + frame[f"{metric}_lo"].to_list()[::-1],
            "mode": "lines", "fill": "toself", "fillcolor": _rgba(colour, 0.2), "line": {"width": 0},
            "hoverinfo": "skip", "showlegend": False, "name": f"{label} {band}",
        })
        traces.append({"type": "scatter", "x": xs, "y": frame[f"{metric}_{centre}"].to_list(),
                       "mode": "lines", "line": {"color": colour}, "name": label or metric})
    layout = {
        "title": {"text": metric.replace("_", " ")},
        "xaxis": {"title": {"text": "month" if x == "step" else x}},
        "yaxis": {"title": {"text": metric_label(metric)}},
        "margin": {"l": 60, "r": 20, "t": 50, "b": 40}, "legend": {"orientation": "h"},
    }
    return {"data": traces, "layout": layout}


def plot_bands(bands: dict[str, pl.DataFrame] | pl.DataFrame, metric: str,
               x: str = "step") -> go.Figure:
    """``bands_figure`` as a plotly Figure in the project's template (see there for args)."""
    fig = go.Figure(bands_figure(bands, metric, x))
    fig.update_layout(template="plotly_white")
    return fig


def _level(value) -> str:
    """A lever's level as a short label: 0.6000000000000001 -> 0.6."""
    return f"{value:.6g}" if isinstance(value, float) else str(value)


def plot_heatmap(grid: pl.DataFrame, x: str, y: str, metric: str,
                 value: str | None = None) -> go.Figure:
    """A phase diagram: ``metric`` over two varied levers.

    Args:
        grid: one row per (x, y) point holding column ``value`` (default ``{metric}_mean``).
        x, y: the lever columns (dotted scenario keys are fine as column names).
        metric: the metric shown (titles and colour bar).
        value: the column to colour by.
    """
    value = value or f"{metric}_mean"
    xs = sorted(grid[x].unique().to_list())
    ys = sorted(grid[y].unique().to_list())
    lookup = {(r[x], r[y]): r[value] for r in grid.select([x, y, value]).iter_rows(named=True)}
    z = [[lookup.get((xv, yv)) for xv in xs] for yv in ys]
    fig = go.Figure(go.Heatmap(x=[_level(v) for v in xs], y=[_level(v) for v in ys], z=z,
                               colorscale="Viridis",
                               colorbar={"title": metric.replace("_", " ")}))
    fig.update_layout(
        title=f"{metric.replace('_', ' ')} over {x} and {y}", xaxis_title=x, yaxis_title=y,
        template="plotly_white", margin={"l": 70, "r": 20, "t": 50, "b": 50},
    )
    # Levels are often unevenly spaced (0, 0.25, 0.5, 1, 2, 4): one equal cell per level.
    fig.update_xaxes(type="category")
    fig.update_yaxes(type="category")
    return fig


def plot_sensitivity(indices: pl.DataFrame, metric: str) -> go.Figure:
    """Sensitivity of ``metric`` to each parameter, as bars with 95% error bars.

    Args:
        indices: one row per ``parameter``; Sobol columns ``S1``, ``ST`` (with ``S1_conf``,
            ``ST_conf``) or Morris columns ``mu_star``, ``mu_star_conf`` and ``sigma``.
        metric: the metric the indices are for (title).
    """
    sobol = "ST" in indices.columns
    if sobol:
        bars = (("S1", "S1_conf", "first order S1"), ("ST", "ST_conf", "total order ST"))
    else:
        bars = (("mu_star", "mu_star_conf", "mu* (mean |elementary effect|)"),
                ("sigma", None, "sigma (interactions, non-linearity)"))
    names = indices["parameter"].to_list()
    fig = go.Figure()
    for i, (column, conf, label) in enumerate(bars):
        error = {"type": "data", "array": indices[conf].to_list()} if conf else None
        fig.add_trace(go.Bar(x=indices[column].to_list(), y=names, orientation="h", name=label,
                             error_x=error, marker_color=PALETTE[i]))
    fig.update_layout(
        title=f"{'Sobol' if sobol else 'Morris'} sensitivity of {metric.replace('_', ' ')}",
        xaxis_title="share of variance" if sobol else f"effect on {metric} across the range",
        barmode="group", template="plotly_white", legend={"orientation": "h"},
        yaxis={"autorange": "reversed", "automargin": True},
        margin={"l": 60, "r": 20, "t": 50, "b": 40},
    )
    return fig


def plot_convergence(indices: pl.DataFrame, metric: str, index: str = "delta",
                     reference: str | None = None) -> go.Figure:
    """Each parameter's index against the sample size, with 95% error bars: where the lines
    settle, more runs would not change the ranking.

    Args:
        indices: ``size``, ``parameter``, ``{index}`` and ``{index}_conf`` columns.
        metric: the output the indices are for (title).
        reference: a parameter drawn dashed, such as a dummy input's noise floor.
    """
    fig = go.Figure()
    for i, name in enumerate(dict.fromkeys(indices["parameter"].to_list())):
        rows = indices.filter(pl.col("parameter") == name).sort("size")
        line = ({"color": "black", "dash": "dash"} if name == reference
                else {"color": PALETTE[i % len(PALETTE)]})
        fig.add_trace(go.Scatter(
            x=rows["size"].to_list(), y=rows[index].to_list(), mode="lines+markers", name=name,
            error_y={"type": "data", "array": rows[f"{index}_conf"].to_list()}, line=line))
    sizes = sorted(indices["size"].unique().to_list())
    fig.update_layout(
        title=f"Convergence of {index} indices of {metric.replace('_', ' ')}",
        xaxis_title="worlds in the sample", yaxis_title=f"{index} (95% interval)",
        xaxis={"type": "log", "tickvals": sizes, "ticktext": [str(s) for s in sizes]},
        template="plotly_white", legend={"font": {"size": 10}},
        margin={"l": 60, "r": 20, "t": 50, "b": 40},
    )
    return fig
