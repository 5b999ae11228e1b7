"""The dashboard's state and its URL: a link reproduces a view.

The state is a small dict: the view settings below (picked scenario, reference, seeds, tab,
policy-map axes, results folder) plus the overrides, the dotted keys the user changed. In the
URL each view setting has a short name and each override is its own dotted key, e.g.
``?seeds=5&policy.liability.strength=0.8&policy.liability.bearer=developer``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Callable
from urllib.parse import parse_qsl, urlencode

from aiecosim.model.scenario import Scenario
from aiecosim.model.schema_walk import field_names

MAX_SEEDS = 50  # enough for tight bands; more would tie up the server for one visitor
MAX_GRID = 9    # policy-map points per axis


def _int_in(low: int, high: int) -> Callable[[Any], int | None]:
    def parse(value: Any) -> int | None:
        try:
            number = int(float(value))
        except (TypeError, ValueError):
            return None
        return number if low <= number <= high else None
    return parse


def _float(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if number == number and abs(number) != float("inf") else None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _one_of(*choices: str) -> Callable[[Any], str | None]:
    return lambda value: value if value in choices else None


@dataclass(frozen=True)
class ViewField:
    """A setting mirrored between one component property and one URL parameter."""

    component: str
    prop: str
    param: str
    default: Any
    parse: Callable[[Any], Any] = _text


VIEW_FIELDS: tuple[ViewField, ...] = (
    ViewField("scenario-picker", "value", "scenario", "baseline.toml"),
    ViewField("reference-picker", "value", "reference", "baseline.toml"),
    ViewField("seeds", "value", "seeds", 10, _int_in(1, MAX_SEEDS)),
    # seeds: N seeds of the scenario's own values; worlds: N plausible worlds of the posterior
    ViewField("spread", "value", "spread", "seeds", _one_of("seeds", "worlds")),
    ViewField("tabs", "active_tab", "view", "explore"),
    ViewField("map-x", "value", "map_x", "policy.liability.strength"),
    ViewField("map-y", "value", "map_y", "policy.compute_subsidy.budget_usd_bn"),
    ViewField("map-metric", "value", "map_metric", "welfare"),
    ViewField("map-x-low", "value", "map_x_low", None, _float),
    ViewField("map-x-high", "value", "map_x_high", None, _float),
    ViewField("map-y-low", "value", "map_y_low", None, _float),
    ViewField("map-y-high", "value", "map_y_high", None, _float),
    ViewField("map-size", "value", "map_size", 4, _int_in(2, MAX_GRID)),
    ViewField("map-seeds", "value", "map_seeds", 2, _int_in(1, 10)),
    ViewField("results-folder", "value", "results", ""),
)
VIEW_DEFAULTS: dict[str, Any] = {f.param: f.default for f in VIEW_FIELDS}
VIEWS = ("explore", "map", "scenario", "results")
# Top-level scenario keys without a dot (``steps``) are overrides too; other names are ignored.
TOP_LEVEL_KEYS = frozenset(field_names(Scenario))


def encode_value(value: Any) -> str:
    """A value as URL text: JSON, except strings that JSON would not read back as themselves."""
    if isinstance(value, str):
        try:
            json.loads(value)
        except ValueError:
            return value  # "developer", "api-only": readable and unambiguous
    return json.dumps(value, separators=(",", ":"))


def decode_value(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return text


def clean_view(view: dict[str, Any]) -> dict[str, Any]:
    """Every view setting, each valid or at its default."""
    out = {}
    for field in VIEW_FIELDS:
        value = field.parse(view.get(field.param))
        out[field.param] = field.default if value is None else value
    if out["view"] not in VIEWS:
        out["view"] = VIEW_DEFAULTS["view"]
    return out


def decode_query(search: str | None) -> tuple[dict[str, Any], dict[str, Any]]:
    """``?a=1&policy.x=2`` to (view settings, overrides); unknown plain names are ignored."""
    view: dict[str, Any] = {}
    overrides: dict[str, Any] = {}
    for name, text in parse_qsl((search or "").lstrip("?"), keep_blank_values=False):
        if name in VIEW_DEFAULTS:
            view[name] = text
        elif "." in name or name in TOP_LEVEL_KEYS:
            overrides[name] = decode_value(text)
    return clean_view(view), overrides


def encode_query(view: dict[str, Any], overrides: dict[str, Any]) -> str:
    """The URL query of a state; settings at their defaults are left out to keep links short."""
    pairs = [(f.param, encode_value(view[f.param])) for f in VIEW_FIELDS
             if view.get(f.param, f.default) != f.default]
    pairs += [(key, encode_value(value)) for key, value in sorted(overrides.items())]
    return "?" + urlencode(pairs) if pairs else ""
