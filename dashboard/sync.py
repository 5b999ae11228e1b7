"""One callback keeps the URL, the sidebar and the stores in step.

Dash allows a property to be both read and written only within one callback, so the URL, the
pickers and the stores are all updated here. What starts a change decides its direction:

- the URL (page load, back/forward): the state is read from it and the sidebar redrawn;
- a control or picker: the state is updated and written to the URL;
- a policy-map click, a front's point or an accepted upload: new overrides, the sidebar
  redrawn.

Outputs that did not change are left alone (``no_update``), so nothing downstream recomputes.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, ctx, no_update

from aiecosim.dashboard.controls import PARAM
from aiecosim.dashboard.fields import field_by_key, lab_fields
from aiecosim.dashboard.sources import list_scenarios, load_scenario
from aiecosim.dashboard.state import VIEW_DEFAULTS, VIEW_FIELDS, clean_view, decode_query, encode_query
from aiecosim.model import keys
from aiecosim.model.errors import ScenarioError


def _spec(key: str):
    lab = keys.lab_name(key)
    if lab is not None:
        return next((f for f in lab_fields(lab) if f.key == key), None)
    return field_by_key(key)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b or a == b and type(a) is type(b)
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return math.isclose(a, b, rel_tol=1e-12, abs_tol=0.0)
    return a == b


def _typed(key: str, value: Any) -> Any:
    """A control's value in the field's type (sliders give 3.0 for an integer field)."""
    spec = _spec(key)
    if spec is not None and spec.kind == "int" and isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def from_controls(overrides: dict[str, Any], ids: list[dict], values: list[Any],
                  base: dict[str, Any]) -> dict[str, Any]:
    """Overrides after reading every control: a value equal to the file's is no override."""
    out = dict(overrides)
    for cid, value in zip(ids, values):
        key = cid["key"]
        if value is None:  # a number box being edited or emptied: keep what was there
            continue
        value = _typed(key, value)
        if _same(value, keys.get(base, key, None)):
            out.pop(key, None)
        else:
            out[key] = value
    return out


def _checked(view: dict[str, Any], scenarios_dir: Path) -> tuple[dict[str, Any], list[str]]:
    """Replace scenario names that are not files of ``scenarios/`` (e.g. from an edited URL)."""
    names = list_scenarios(scenarios_dir)
    notes = []
    for param in ("scenario", "reference"):
        if view[param] not in names:
            fallback = VIEW_DEFAULTS[param] if VIEW_DEFAULTS[param] in names else names[0]
            notes.append(f"{param} {view[param]!r} is not a file in scenarios/; showing {fallback}.")
            view = {**view, param: fallback}
    return view, notes


def current_scenario(view: dict[str, Any], overrides: dict[str, Any],
                     scenarios_dir: Path) -> dict[str, Any]:
    """The picked scenario with overrides, resolved, or the one-line reason it cannot be."""
    try:
        scenario = load_scenario(view["scenario"], scenarios_dir)
        if overrides:
            scenario = scenario.with_overrides(overrides, source="dashboard settings")
    except ScenarioError as exc:
        return {"error": str(exc), "file": view["scenario"]}
    stem = view["scenario"].removesuffix(".toml")
    # An uploaded file keeps its own name (an override of ``name``), shown with its parent's.
    own = overrides.get("name")
    label = (f"{own} (on {stem})" if own and own != stem
             else stem + (" (changed)" if overrides else ""))
    return {"file": view["scenario"], "digest": scenario.digest(), "label": label,
            "data": scenario.to_dict()}


def register(app, scenarios_dir: Path) -> None:
    view_outputs = [Output(f.component, f.prop) for f in VIEW_FIELDS]
    view_inputs = [Input(f.component, f.prop) for f in VIEW_FIELDS]

    @app.callback(
        Output("url", "search"), Output("settings", "data"), Output("explore-settings", "data"),
        Output("controls-source", "data"), Output("current-scenario", "data"),
        Output("notice", "children"), *view_outputs,
        Input("url", "search"), *view_inputs,
        Input({"type": PARAM, "key": ALL}, "value"),
        Input("map-pick", "data"), Input("upload-accepted", "data"), Input("pareto-pick", "data"),
        State({"type": PARAM, "key": ALL}, "id"), State("settings", "data"),
    )
    def sync(search, *args):
        n = len(VIEW_FIELDS)
        shown = dict(zip((f.param for f in VIEW_FIELDS), args[:n]))
        values, pick, upload, policy, ids, settings = args[n:]
        trigger = ctx.triggered_id
        notes: list[str] = []
        redraw = False
        if not settings or trigger in (None, "url"):
            view, overrides = decode_query(search)
            redraw = True
        else:
            view, overrides = dict(settings["view"]), dict(settings["overrides"])
            if trigger == "upload-accepted" and upload:
                view["scenario"], overrides, redraw = upload["scenario"], upload["overrides"], True
            elif trigger == "map-pick" and pick:
                overrides, view["view"], redraw = {**overrides, **pick}, "explore", True
            elif trigger == "pareto-pick" and policy:
                # A front's policy is a whole world of its own, not a change to this one.
                view, overrides, redraw = {**view, **policy["view"]}, policy["overrides"], True
            elif isinstance(trigger, dict) and trigger.get("type") == PARAM:
                try:
                    base = load_scenario(view["scenario"], scenarios_dir).to_dict()
                    overrides = from_controls(overrides, ids, values, base)
                except ScenarioError as exc:
                    notes.append(str(exc))
            else:
                field = next((f for f in VIEW_FIELDS if f.component == trigger), None)
                if field is not None:
                    parsed = field.parse(shown[field.param])
                    if parsed is not None or field.default is None:
                        view[field.param] = parsed
                    if field.param == "scenario" and view["scenario"] != settings["view"]["scenario"]:
                        overrides, redraw = {}, True  # a new file starts from its own values
        view, bad_names = _checked(clean_view(view), scenarios_dir)
        notes += bad_names
        new = {"view": view, "overrides": overrides}
        explore = {"scenario": view["scenario"], "reference": view["reference"],
                   "seeds": view["seeds"], "spread": view["spread"], "overrides": overrides}
        old_explore = settings and {"scenario": settings["view"]["scenario"],
                                    "reference": settings["view"]["reference"],
                                    "seeds": settings["view"]["seeds"],
                                    "spread": settings["view"].get("spread", "seeds"),
                                    "overrides": settings["overrides"]}
        query = encode_query(view, overrides)
        changed_world = not settings or old_explore["scenario"] != view["scenario"] \
            or settings["overrides"] != overrides
        return (
            query if query != (search or "") else no_update,
            new if new != settings else no_update,
            explore if explore != old_explore else no_update,
            {"scenario": view["scenario"], "overrides": overrides} if redraw else no_update,
            current_scenario(view, overrides, scenarios_dir) if changed_world else no_update,
            dbc.Alert(" ".join(notes), color="warning", dismissable=True, id="notice-text")
            if notes else (None if redraw else no_update),
            *[view[f.param] if view[f.param] != shown[f.param] else no_update for f in VIEW_FIELDS],
        )
