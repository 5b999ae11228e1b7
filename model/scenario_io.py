"""Reading scenario files: TOML, ``extends`` chains, overrides, and one-line errors.

Every failure becomes a ``ScenarioError`` that names the file, the dotted key and the problem,
with a "did you mean" for misspelt keys.
"""

from __future__ import annotations

import copy
import difflib
import tomllib
import types
import typing
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from model.errors import ScenarioError

MAX_FILE_BYTES = 1_000_000  # scenario files are a few kilobytes; anything this big is a mistake


# ------------------------------------------------------------------------------------ reading
def read_toml(path: Path) -> dict[str, Any]:
    """Parse one TOML file, refusing missing, empty, binary, oversized or malformed files."""
    if not path.exists():
        raise ScenarioError(str(path), "", "file not found")
    if not path.is_file():
        raise ScenarioError(str(path), "", "expected a file, found a directory")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise ScenarioError(
            str(path), "", f"file is {size:,} bytes; a scenario file is at most {MAX_FILE_BYTES:,}"
        )
    raw = path.read_bytes()
    if b"\x00" in raw:
        raise ScenarioError(str(path), "", "expected a TOML text file, found binary data")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ScenarioError(str(path), "", f"expected UTF-8 text, found invalid byte at {exc.start}")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(str(path), "", f"invalid TOML: {exc}") from None
    if not data:
        raise ScenarioError(str(path), "", "file is empty; expected scenario keys such as name")
    return data


def _resolve_parent(child: Path, ref: Any) -> Path:
    if not isinstance(ref, str) or not ref.strip():
        raise ScenarioError(str(child), "extends", f"expected a file name, found {ref!r}")
    parent = (child.parent / ref).resolve()
    if not parent.exists() and parent.suffix != ".toml":
        parent = parent.with_name(parent.name + ".toml")
    if not parent.exists():
        raise ScenarioError(str(child), "extends", f"file not found: {ref}")
    return parent


def load_raw(path: str | Path, _chain: tuple[Path, ...] = ()) -> dict[str, Any]:
    """The merged mapping of a file and every file it ``extends``, child keys winning."""
    path = Path(path)
    resolved = path.resolve()
    if resolved in _chain:
        cycle = " -> ".join(p.name for p in (*_chain, resolved))
        raise ScenarioError(str(path), "extends", f"cycle in extends chain: {cycle}")
    data = read_toml(path)
    ref = data.pop("extends", None)
    if ref is None:
        return data
    parent = load_raw(_resolve_parent(path, ref), (*_chain, resolved))
    return merge(parent, data)


def merge(parent: dict[str, Any], child: dict[str, Any]) -> dict[str, Any]:
    """Deep-merge ``child`` over ``parent``.

    Tables merge key by key. ``labs`` merge by name: a child's lab updates the parent's lab of
    the same name or is added. Other lists (``events``, ``release_plan``) are replaced.
    """
    out = copy.deepcopy(parent)
    for key, value in child.items():
        if key == "labs" and isinstance(value, list) and isinstance(out.get("labs"), list):
            out["labs"] = _merge_labs(out["labs"], value)
        elif isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def _merge_labs(parent: list[Any], child: list[Any]) -> list[Any]:
    labs = copy.deepcopy(parent)
    index = {lab.get("name"): i for i, lab in enumerate(labs) if isinstance(lab, dict)}
    for lab in child:
        name = lab.get("name") if isinstance(lab, dict) else None
        if name in index:
            labs[index[name]] = merge(labs[index[name]], lab)
        else:
            labs.append(copy.deepcopy(lab))
    return labs


def load_scenario(path: str | Path):
    """Load, merge and validate a scenario file."""
    return validate_mapping(load_raw(path), str(path))


# --------------------------------------------------------------------------------- validating
def validate_mapping(data: dict[str, Any], source: str):
    from model.scenario import Scenario

    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise _one_line(exc, data, source) from None


def _one_line(exc: ValidationError, data: dict[str, Any], source: str) -> ScenarioError:
    from model.scenario import Scenario

    err = exc.errors(include_url=False)[0]
    loc = tuple(err["loc"])
    key = _dotted(loc, data)
    kind = err["type"]
    if kind == "extra_forbidden":
        allowed = fields_at(Scenario, loc[:-1])
        return ScenarioError(source, key, unknown_key_message(str(loc[-1]), allowed))
    if kind == "missing":
        return ScenarioError(source, key, "required key is missing")
    message = err["msg"]
    for prefix in ("Value error, ", "Input should be "):
        message = message.removeprefix(prefix)
    if err["msg"].startswith("Input should be"):
        return ScenarioError(source, key, f"expected {message}, found {err.get('input')!r}")
    return ScenarioError(source, key, message)


def _dotted(loc: tuple[Any, ...], data: dict[str, Any]) -> str:
    """``('labs', 2, 'openness')`` -> ``labs.open-bigtech.openness`` when the lab has a name."""
    parts: list[str] = []
    node: Any = data
    for item in loc:
        if isinstance(item, int) and isinstance(node, list) and item < len(node):
            node = node[item]
            name = node.get("name") if isinstance(node, dict) else None
            parts.append(str(name) if isinstance(name, str) else str(item))
            continue
        parts.append(str(item))
        node = node.get(item) if isinstance(node, dict) else None
    return ".".join(parts)


def fields_at(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """Names of the fields of the (nested) model reached by ``loc``; [] if it is not a model."""
    current: Any = model
    for item in loc:
        if isinstance(item, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return []
        field = current.model_fields.get(str(item))
        if field is None:
            return []
        current = _model_in(field.annotation)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _model_in(annotation: Any) -> Any:
    """The pydantic model inside ``X``, ``list[X]`` or ``X | None``, else the annotation."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin in (list, tuple, types.UnionType, typing.Union):
        for arg in typing.get_args(annotation):
            found = _model_in(arg)
            if isinstance(found, type) and issubclass(found, BaseModel):
                return found
    return annotation


def unknown_key_message(key: str, allowed: list[str]) -> str:
    close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    if close:
        return f"unknown key {key!r}; did you mean {close[0]!r}?"
    if allowed:
        return f"unknown key {key!r}; expected one of: {', '.join(allowed)}"
    return f"unknown key {key!r}"


# --------------------------------------------------------------------------------- overrides
def apply_overrides(scenario, overrides: dict[str, Any], source: str = "--set"):
    """Return a validated copy of ``scenario`` with dotted keys replaced."""
    data = scenario.to_dict()
    for dotted, value in overrides.items():
        _set_dotted(data, dotted, value, source)
    return validate_mapping(data, source)


def _set_dotted(data: dict[str, Any], dotted: str, value: Any, source: str) -> None:
    from model.scenario import Scenario

    parts = [p for p in dotted.split(".")]
    if not dotted or any(not p for p in parts):
        raise ScenarioError(source, dotted, "expected a dotted key such as policy.liability.strength")
    node: Any = data
    loc: list[Any] = []
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        if isinstance(node, list):
            index = _list_index(node, part)
            if index is None:
                names = [str(x.get("name")) for x in node if isinstance(x, dict)]
                raise ScenarioError(source, dotted, unknown_key_message(part, names))
            if last:
                node[index] = value
                return
            node, loc = node[index], [*loc, index]
            continue
        if not isinstance(node, dict) or part not in node:
            allowed = fields_at(Scenario, tuple(loc)) if isinstance(node, dict) else []
            raise ScenarioError(source, dotted, unknown_key_message(part, allowed))
        if last:
            node[part] = value
            return
        node, loc = node[part], [*loc, part]


def _list_index(items: list[Any], part: str) -> int | None:
    for i, item in enumerate(items):
        if isinstance(item, dict) and item.get("name") == part:
            return i
    if part.isdigit() and int(part) < len(items):
        return int(part)
    return None


def parse_cli_value(text: str) -> Any:
    """A ``--set`` value as TOML (numbers, booleans, arrays, quoted strings), else a bare string."""
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text
