"""Figures are functions: data in, a plotly Figure out, no application state.

The report (``aiecosim report``) and the dashboard call the same functions.
"""

from __future__ import annotations

import warnings
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Iterator

import plotly.graph_objects as go
import polars as pl

from aiecosim.model.keys import lab_key, lab_name
from aiecosim.model.metrics import bounds as metric_bounds
from aiecosim.model.metrics import METRICS
from aiecosim.model.metrics import unit as metric_unit
from aiecosim.model.scenario import Lab, Scenario
from aiecosim.model.schema_walk import leaves

PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2",
           "#7f7f7f", "#bcbd22", "#17becf")


# Room for titles and a legend below the plot, so neither is cut nor overlaps the other;
# automargin grows the margins further for long tick labels.
MARGIN = {"l": 70, "r": 20, "t": 80, "b": 60}
LEGEND_BELOW = {"orientation": "h", "yanchor": "top", "y": -0.18, "x": 0}


def _rgba(hex_colour: str, alpha: float) -> str:
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


@lru_cache(maxsize=None)
def _units() -> dict[str, str]:
    return {leaf.key: leaf.unit for leaf in leaves(Scenario)}


def lever_label(key: str, short: bool = False) -> str:
    """A lever's axis title: its dotted key, which the design names, with the schema's unit;
    ``short`` drops a leading ``policy.`` (for the narrow panels of one figure)."""
    name = lab_name(key)
    unit = (next((leaf.unit for leaf in leaves(Lab, lab_key(name)) if leaf.key == key), "")
            if name is not None else _units().get(key, ""))
    shown = key.removeprefix("policy.") if short else key
    return f"{shown} ({unit})" if unit else shown


def metric_title(text: str, metric: str) -> dict:
    """A figure's title with the metric's meaning as its subtitle, so axis titles can stay as
    short as a name and a unit and none is ever cut."""
    meaning = METRICS[metric].meaning if metric in METRICS else ""
    return {"text": text, "subtitle": {"text": meaning}} if meaning else {"text": text}


def short_label(metric: str) -> str:
    """A metric's name with its unit, for a colour bar (its meaning goes in the title)."""
    shown = metric_unit(metric)
    return f"{metric} ({shown})" if shown else metric


def _bounded(values: list, metric: str) -> list:
    """``values`` kept inside what the metric's unit allows (a share's band stays in [0, 1])."""
    low, high = metric_bounds(metric)
    if low is None and high is None:
        return values
    return [v if v is None else min(max(v, low if low is not None else v),
                                    high if high is not None else v) for v in values]


def bands_figure(bands: dict[str, pl.DataFrame] | pl.DataFrame, metric: str,
                 x: str = "step", centre: str = "mean", band: str = "95% band over seeds") -> dict:
    """Time series of ``metric`` with its 95% band, one line per labelled frame, as plain
    plotly data (no template).

    The dashboard sends this as it is: building plotly objects validates every point, which
    cost it a fifth of a second an update. ``plot_bands`` wraps it in a ``go.Figure``.

    Args:
        bands: the output of ``seed_bands`` (or a dict label -> such frames to compare).
        metric: a metric column name.
        x: the column on the x axis.
        centre: the line's column suffix: ``mean`` over seeds, ``median`` over worlds.
        band: what the band is and what it is over, for its name in the legend.

    A band never leaves the values the metric's unit allows (``model.metrics.bounds``).
    """
    series = bands if isinstance(bands, dict) else {"": bands}
    traces = []
    for i, (label, frame) in enumerate(series.items()):
        colour = PALETTE[i % len(PALETTE)]
        xs = frame[x].to_list()
        traces.append({
            "type": "scatter", "x": xs + xs[::-1],
            "y": _bounded(frame[f"{metric}_hi"].to_list()
                          + frame[f"{metric}_lo"].to_list()[::-1], metric),
            "mode": "lines", "fill": "toself", "fillcolor": _rgba(colour, 0.2),
            "line": {"width": 0},
            "hoverinfo": "skip", "showlegend": i == 0, "legendgroup": "band",
            "name": band if len(series) == 1 or not label else f"{band} (shaded)",
        })
        traces.append({"type": "scatter", "x": xs, "y": frame[f"{metric}_{centre}"].to_list(),
                       "mode": "lines", "line": {"color": colour}, "name": label or metric})
    layout = {
        "title": metric_title(metric.replace("_", " "), metric),
        "xaxis": {"title": {"text": "month" if x == "step" else short_label(x)},
                  "automargin": True},
        "yaxis": {"title": {"text": short_label(metric)}, "automargin": True},
        "margin": MARGIN, "legend": LEGEND_BELOW,
    }
    return {"data": traces, "layout": layout}


def plot_bands(bands: dict[str, pl.DataFrame] | pl.DataFrame, metric: str,
               x: str = "step", band: str = "95% band over seeds") -> go.Figure:
    """``bands_figure`` as a plotly Figure in the project's template (see there for args)."""
    fig = go.Figure(bands_figure(bands, metric, x, band=band))
    fig.update_layout(template="plotly_white")
    return fig


def _level(value) -> str:
    """A lever's level as a short label: 0.6000000000000001 -> 0.6, 0.103635 -> 0.1036."""
    return f"{value:.4g}" if isinstance(value, float) else str(value)


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
                               colorbar={"title": {"text": short_label(metric), "side": "right"}}))
    fig.update_layout(
        title=metric_title(f"{metric.replace('_', ' ')} over {x} and {y}", metric),
        xaxis={"title": lever_label(x, short=True), "automargin": True},
        yaxis={"title": lever_label(y, short=True), "automargin": True},
        template="plotly_white", margin=MARGIN,
    )
    # Levels are often unevenly spaced (0, 0.25, 0.5, 1, 2, 4): one equal cell per level.
    fig.update_xaxes(type="category")
    fig.update_yaxes(type="category")
    return fig


def plot_samples(means: pl.DataFrame, x: str, y: str, metric: str) -> go.Figure:
    """A sampled design's points over two levers, each coloured by ``metric`` (its mean over
    the point's seeds): every sample where it was drawn, with no binning and no empty cells.

    Args:
        means: one row per point with the lever columns and ``{metric}_mean``.
        x, y: the lever columns on the axes; other levers vary between the points.
        metric: the metric the colour shows.
    """
    value = f"{metric}_mean"
    fig = go.Figure(go.Scatter(
        x=means[x].to_list(), y=means[y].to_list(), mode="markers",
        marker={"color": means[value].to_list(), "colorscale": "Viridis", "size": 9,
                "line": {"width": 0.5, "color": "white"},
                "colorbar": {"title": {"text": short_label(metric), "side": "right"}}},
        hovertemplate=f"{x}=%{{x:.4g}}<br>{y}=%{{y:.4g}}<br>{metric}=%{{marker.color:.4g}}"
                      "<extra></extra>",
        name="points"))
    fig.update_layout(
        title=metric_title(f"{metric.replace('_', ' ')} at each sampled point", metric),
        xaxis={"title": lever_label(x, short=True), "automargin": True, "tickformat": "~r"},
        yaxis={"title": lever_label(y, short=True), "automargin": True, "tickformat": "~r"},
        template="plotly_white", margin=MARGIN, height=500,
    )
    return fig


def plot_marginal(curves: dict[str, pl.DataFrame], metric: str) -> go.Figure:
    """How ``metric`` moves along each sampled lever, the others averaged over: one panel per
    lever, the mean over the points in each bin with its 95% interval over those points.

    Args:
        curves: lever -> the output of ``analysis.marginal_means`` for it.
        metric: the metric on every panel's y axis (shared).
    """
    from plotly.subplots import make_subplots

    levers = list(curves)
    columns = min(len(levers), 2)  # two panels a row: room for each lever's title
    rows = -(-len(levers) // columns)
    fig = make_subplots(rows=rows, cols=columns, shared_yaxes=True,
                        horizontal_spacing=0.06, vertical_spacing=0.22)
    for i, lever in enumerate(levers):
        curve, row, col = curves[lever], i // columns + 1, i % columns + 1
        xs = curve["x"].to_list()
        fig.add_trace(go.Scatter(
            x=xs + xs[::-1], y=_bounded(curve["hi"].to_list() + curve["lo"].to_list()[::-1],
                                        metric),
            mode="lines", fill="toself", fillcolor=_rgba(PALETTE[0], 0.2), line={"width": 0},
            hoverinfo="skip", showlegend=i == 0, legendgroup="band",
            name="95% interval over the points in each bin"), row=row, col=col)
        fig.add_trace(go.Scatter(x=xs, y=curve["mean"].to_list(), mode="lines+markers",
                                 line={"color": PALETTE[0]}, showlegend=i == 0,
                                 legendgroup="mean", name="mean over the bin's points"),
                      row=row, col=col)
        fig.update_xaxes(title_text=lever_label(lever, short=True), automargin=True,
                         tickformat="~r",
                         row=row, col=col)
    for row in range(1, rows + 1):  # the rows' panels share a y axis: titled at the left
        fig.update_yaxes(title_text=short_label(metric), automargin=True, row=row, col=1)
    fig.update_layout(
        title=metric_title(f"{metric.replace('_', ' ')} along each lever, the others "
                           "averaged over", metric),
        template="plotly_white", margin=MARGIN, legend=LEGEND_BELOW, height=320 * rows + 120,
    )
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
        title={"text": f"{'Sobol' if sobol else 'Morris'} sensitivity of "
               f"{metric.replace('_', ' ')}"},
        xaxis={"title": "share of variance (0-1)" if sobol else
               f"effect across the range: {short_label(metric)}", "automargin": True},
        barmode="group", template="plotly_white", legend=LEGEND_BELOW,
        yaxis={"autorange": "reversed", "automargin": True},
        margin=MARGIN,
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
        title={"text": f"Convergence of {index} indices of {metric.replace('_', ' ')}"},
        xaxis_title="worlds in the sample", yaxis_title=f"{index} (95% interval)",
        xaxis={"type": "log", "tickvals": sizes, "ticktext": [str(s) for s in sizes],
               "automargin": True},
        yaxis={"automargin": True},
        template="plotly_white", legend={"font": {"size": 10}},
        margin=MARGIN,
    )
    return fig


@contextmanager
def one_browser() -> Iterator[None]:
    """One Chromium (kaleido's) for every image drawn inside: starting one per image costs a
    second or more each."""
    import kaleido

    kaleido.start_sync_server(silence_warnings=True)
    try:
        yield
    finally:
        kaleido.stop_sync_server(silence_warnings=True)


def image(fig: go.Figure, fmt: str, width: int, height: int) -> bytes:
    """``fig`` drawn as a PNG or SVG file's bytes, by kaleido."""
    with warnings.catch_warnings():  # plotly passes options kaleido's shared browser ignores
        warnings.simplefilter("ignore", UserWarning)
        return fig.to_image(format=fmt, width=width, height=height)


def write_images(figures: dict[str, go.Figure], folder, formats=("png", "svg"),
                 width: int = 900, height: int = 480) -> list:
    """Each figure as ``folder/<name>.<format>`` for a paper (PNG and SVG by default), drawn in
    the system's Chromium with one browser for them all; return the paths.

    Every file is written under a temporary name and renamed, so none is ever half written.
    """
    from aiecosim.experiments.atomic import write_atomically

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    with one_browser():
        for name, fig in figures.items():
            for fmt in formats:
                data = image(fig, fmt, width, fig.layout.height or height)
                path = folder / f"{name}.{fmt}"
                write_atomically(path, lambda tmp, data=data: tmp.write_bytes(data))
                written.append(path)
    return written
