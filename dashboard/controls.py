"""The sidebar's controls, generated from the scenario schema (``dashboard.fields``).

Policy levers come first, each with its help text; every other field sits in a collapsed
"advanced" group per section, and each lab of the picked scenario gets a group of its own.
Every control has the id ``{"type": "param", "key": <dotted key>}`` so one callback reads them.
"""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html

from aiecosim.dashboard.fields import FieldSpec, lab_fields, scenario_fields
from aiecosim.model import Scenario, keys

PARAM = "param"

GROUP_TITLES = {
    "": "Run", "policy": "Policy (advanced)", "technology": "Technology", "diffusion": "Diffusion",
    "race": "Race dynamics", "misuse": "Misuse", "defense": "Defence",
    "populations.startups": "Startups", "populations.academics": "Academics",
    "populations.bad_actors": "Bad actors",
}


def _humanize(text: str) -> str:
    text = text.replace("_", " ")
    return text[:1].upper() + text[1:]


def _group(spec: FieldSpec) -> str:
    """The advanced group of a field: its top-level table, or the population it belongs to."""
    parts = keys.parts(spec.section) if spec.section else []
    if parts[:1] == ["populations"]:
        return keys.join(*parts[:2])
    return parts[0] if parts else ""


def _label(spec: FieldSpec, group: str) -> str:
    """The field's label, prefixed with the sub-table it sits in below its group."""
    inner = spec.section[len(group):].strip(".") if spec.section.startswith(group) else spec.section
    prefix = " · ".join(_humanize(p) for p in keys.parts(inner) if p)
    return f"{prefix} · {spec.label}" if prefix else spec.label


def _help(spec: FieldSpec) -> str:
    """The description without the unit (already in the label)."""
    text = spec.description
    return text.replace(f" [{spec.unit}]", "") if spec.unit else text


def _number(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def control(spec: FieldSpec, value: Any, group: str = "") -> html.Div:
    """A labelled control for one field, with the schema's description as its help text."""
    cid = {"type": PARAM, "key": spec.key}
    if spec.kind == "bool":
        # The label follows the switch (assets/switches.css): "on" or "off", never a fixed word.
        widget = dbc.Switch(id=cid, value=bool(value), label=html.Span(className="switch-state"))
    elif spec.kind == "choice":
        widget = dcc.Dropdown(id=cid, value=value, clearable=False,
                              options=[{"label": str(c), "value": c} for c in spec.choices])
    elif spec.slider:
        low, high = spec.control_min, spec.high
        widget = dcc.Slider(id=cid, min=low, max=high, step=spec.step, value=value,
                            marks={low: _number(low), high: _number(high)},
                            allow_direct_input=True, updatemode="mouseup")
    else:
        widget = dbc.Input(id=cid, type="number", value=value, min=spec.control_min,
                           max=spec.high, step="any", debounce=True, size="sm")
    return html.Div([
        html.Label(_label(spec, group), title=spec.description, className="form-label small mb-0 fw-semibold"),
        widget,
        dbc.FormText(_help(spec), className="d-block mb-2", style={"fontSize": "0.72rem"}),
    ], className="param-control", **{"data-key": spec.key})


def panel(scenario: Scenario, values: dict[str, Any]) -> list[Any]:
    """Levers first, then collapsed advanced groups; ``values`` is the resolved scenario dict."""
    specs = scenario_fields()
    levers = [control(s, keys.get(values, s.key, None), "policy") for s in specs if s.lever]
    groups: dict[str, list[FieldSpec]] = {}
    for spec in specs:
        if not spec.lever:
            groups.setdefault(_group(spec), []).append(spec)
    items = [dbc.AccordionItem([control(s, keys.get(values, s.key, None), g) for s in group],
                               title=GROUP_TITLES.get(g, _humanize(g)), item_id=f"group-{g or 'run'}")
             for g, group in groups.items()]
    for lab in scenario.labs:
        lab_specs = lab_fields(lab.name)
        items.append(dbc.AccordionItem(
            [control(s, keys.get(values, s.key, None), keys.lab_key(lab.name)) for s in lab_specs],
            title=f"Lab: {lab.name}", item_id=f"lab-{lab.name}"))
    return [
        html.H6("Policy levers", className="mt-3"),
        html.Div(levers, id="levers"),
        html.H6("Advanced", className="mt-3"),
        dbc.Accordion(items, start_collapsed=True, always_open=True, flush=True, id="advanced"),
    ]
