"""Compact summaries of a run (or of several seeds): the key metrics at chosen years, as a table."""

from __future__ import annotations

import polars as pl
from rich.table import Table

from aiecosim.experiments.stats import seed_bands, world_interval
from aiecosim.model.metrics import SUMMARY_METRICS
from aiecosim.model.metrics import unit as _unit

KEY_METRICS: tuple[str, ...] = SUMMARY_METRICS


def yearly_summary(frame: pl.DataFrame, years: tuple[int, ...] = (1, 5, 10),
                   metrics: tuple[str, ...] = KEY_METRICS) -> pl.DataFrame:
    """Mean of each metric over the months of each chosen year (years past the run are skipped).

    With a ``seed`` column the mean runs over seeds too.
    """
    last_year = int((frame["step"].max() + 11) // 12)
    rows = []
    for year in (y for y in years if y <= last_year):
        months = frame.filter(((pl.col("step") - 1) // 12) == year - 1)
        rows.append({"year": year, **{m: months[m].mean() for m in metrics}})
    return pl.DataFrame(rows)


def summary_table(summary: pl.DataFrame, title: str) -> Table:
    """A rich table with one row per metric and one column per year."""
    table = Table(title=title, title_justify="left")
    table.add_column("metric")
    table.add_column("unit")
    for year in summary["year"]:
        table.add_column(f"year {year}", justify="right")
    for metric in summary.columns[1:]:
        table.add_row(metric, _unit(metric), *(_fmt(v) for v in summary[metric]))
    return table



def _fmt(value: float | None) -> str:
    if value is None:
        return "-"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.3f}"


def yearly_bands(frame: pl.DataFrame, years: tuple[int, ...] = (1, 5, 10),
                 metrics: tuple[str, ...] = KEY_METRICS) -> pl.DataFrame:
    """Each seed's yearly means, then their mean and 95% interval over seeds, one row per year.

    ``frame`` has a ``seed`` column; the result has ``year`` and, per metric, ``{m}_mean``,
    ``{m}_lo`` and ``{m}_hi`` (see ``experiments.stats.seed_bands``).
    """
    per_seed = pl.concat([
        yearly_summary(runs, years, metrics).with_columns(pl.lit(seed).alias("seed"))
        for (seed,), runs in frame.group_by("seed", maintain_order=True)
    ])
    return seed_bands(per_seed, metrics, by=("year",))


def bands_table(bands: pl.DataFrame, metrics: tuple[str, ...], title: str) -> Table:
    """A rich table of means over seeds with the half-width of their 95% interval."""
    return _bands_table(bands, metrics, title, "mean",
                        lambda mean, lo, hi: f"{_fmt(mean)} ± {_fmt((hi - lo) / 2)}")


def _bands_table(bands: pl.DataFrame, metrics: tuple[str, ...], title: str, centre: str,
                 cell) -> Table:
    """One row per metric, one column per year; ``cell(centre, lo, hi)`` writes each entry
    from the ``{m}_{centre}``, ``{m}_lo`` and ``{m}_hi`` columns."""
    table = Table(title=title, title_justify="left")
    table.add_column("metric")
    table.add_column("unit")
    for year in bands["year"]:
        table.add_column(f"year {year}", justify="right")
    for m in metrics:
        columns = (bands[f"{m}_{centre}"], bands[f"{m}_lo"], bands[f"{m}_hi"])
        table.add_row(m, _unit(m), *(cell(*values) for values in zip(*columns)))
    return table


def world_bands(frame: pl.DataFrame, years: tuple[int, ...] = (1, 5, 10),
                metrics: tuple[str, ...] = KEY_METRICS, level: float = 0.9) -> pl.DataFrame:
    """Each world's yearly means, then their median and central ``level`` interval over
    worlds (the spread the evidence allows, not Monte Carlo error), one row per year.

    ``frame`` has a ``world`` column; the result has ``year`` and ``{m}_median``, ``{m}_lo``,
    ``{m}_hi`` per metric.
    """
    per_world = [yearly_summary(runs, years, metrics)
                 for _, runs in frame.group_by("world", maintain_order=True)]
    rows = []
    for i, year in enumerate(per_world[0]["year"]):
        row = {"year": int(year)}
        for m in metrics:
            values = [w[m][i] for w in per_world]
            median, low, high = world_interval(values, level=level)
            row.update({f"{m}_median": median, f"{m}_lo": low, f"{m}_hi": high})
        rows.append(row)
    return pl.DataFrame(rows)


def world_bands_table(bands: pl.DataFrame, metrics: tuple[str, ...], title: str) -> Table:
    """A rich table of medians over worlds with their 90% interval."""
    return _bands_table(bands, metrics, title, "median",
                        lambda med, lo, hi: f"{_fmt(med)} [{_fmt(lo)}, {_fmt(hi)}]")
