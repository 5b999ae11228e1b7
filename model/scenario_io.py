"""Reading scenario files: TOML, ``extends`` chains, overrides, and one-line errors.

Every failure becomes a ``ScenarioError`` that names the file, the dotted key and the problem,
with a "did you mean" for misspelt keys. The schema to validate against is an argument, not an
import: ``model.scenario`` uses this module to load itself, and imports run one way only.
"""

from __future__ import annotations

import copy
import tomllib
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from aiecosim.model import keys
from aiecosim.model.catalogue import CATALOGUE
from aiecosim.model.errors import KeyedError, ScenarioError, unknown_key_message
from aiecosim.model.migrations import migrate
from aiecosim.model.schema_walk import field_names

Model = TypeVar("Model", bound=BaseModel)

MAX_FILE_BYTES = 1_000_000  # scenario files are a few kilobytes; anything this big is a mistake


# ------------------------------------------------------------------------------------ reading
MAX_CHAIN = 32  # files in one extends chain; real chains are two or three deep

Chain = list[tuple[str, dict[str, Any]]]  # (file, its own keys), root first


def read_toml(path: Path) -> dict[str, Any]:
    """Parse one TOML file, refusing missing, empty, binary, oversized or malformed files."""
    raw = _read_bytes(path)
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
    except RecursionError:
        raise ScenarioError(str(path), "", "invalid TOML: arrays or tables nested too deeply") from None
    if not data:
        raise ScenarioError(str(path), "", "expected keys such as name, found none "
                            "(the file is empty or only comments)")
    return data


def _read_bytes(path: Path) -> bytes:
    try:
        exists, is_file = path.exists(), path.is_file()
        if is_file:
            with path.open("rb") as handle:
                # One byte past the limit tells an oversized file without reading all of it.
                raw = handle.read(MAX_FILE_BYTES + 1)
    except (OSError, ValueError) as exc:  # ValueError: a NUL byte in the name
        raise ScenarioError(str(path), "", f"cannot read the file: {_reason(exc)}") from None
    if not exists:
        raise ScenarioError(str(path), "", "file not found")
    if not is_file:
        found = "a directory" if path.is_dir() else "a special file"
        raise ScenarioError(str(path), "", f"expected a file, found {found}")
    if len(raw) > MAX_FILE_BYTES:
        size = path.stat().st_size
        raise ScenarioError(
            str(path), "", f"file is {size:,} bytes; a scenario file is at most {MAX_FILE_BYTES:,}"
        )
    return raw


def _reason(exc: BaseException) -> str:
    return getattr(exc, "strerror", None) or str(exc)


def _resolve_parent(child: Path, ref: Any) -> Path:
    if not isinstance(ref, str) or not ref.strip():
        raise ScenarioError(str(child), "extends", f"expected a file name, found {ref!r}")
    try:
        parent = (child.parent / ref).resolve()
        if not parent.exists() and parent.suffix != ".toml":
            parent = parent.with_name(parent.name + ".toml")
        if not parent.exists() and Path(ref).name == ref:
            # A bare name with no file of that name beside the child is a shipped scenario's,
            # so a file that extends "baseline.toml" runs from any folder.
            shipped = CATALOGUE / parent.name
            parent = shipped if shipped.is_file() else parent
        found = parent.exists()
    except (OSError, ValueError, RuntimeError) as exc:  # RuntimeError: a symlink loop
        raise ScenarioError(str(child), "extends", f"cannot read {ref!r}: {_reason(exc)}") from None
    if not found:
        raise ScenarioError(str(child), "extends", f"file not found: {ref} (neither beside "
                            "this file nor a shipped scenario)")
    return parent


def load_chain(path: str | Path, _seen: tuple[Path, ...] = ()) -> Chain:
    """Every file of an ``extends`` chain with its own keys, root first.

    Each file is upgraded to the current schema on its own (``model.migrations``), so a file
    written for an older version can extend, or be extended by, a current one.
    """
    path = Path(path)
    try:
        resolved = path.resolve()
    except (OSError, ValueError, RuntimeError) as exc:
        raise ScenarioError(str(path), "", f"cannot read the file: {_reason(exc)}") from None
    if resolved in _seen:
        cycle = " -> ".join(p.name for p in (*_seen, resolved))
        raise ScenarioError(str(path), "extends", f"cycle in extends chain: {cycle}")
    if len(_seen) >= MAX_CHAIN:
        raise ScenarioError(str(path), "extends", f"expected at most {MAX_CHAIN} files in an "
                            "extends chain, found more")
    data = migrate(read_toml(path), str(path))
    ref = data.pop("extends", None)
    own = [(str(path), data)]
    if ref is None:
        return own
    return load_chain(_resolve_parent(path, ref), (*_seen, resolved)) + own


def merge_chain(chain: Chain, schema: type[Model] | None = None) -> dict[str, Any]:
    """The files of ``chain`` merged, root first. With ``schema``, each file's shorthand tables
    (a top-level ``[policy]``) are spread as that file is merged, so a child's own jurisdiction
    table overrides its parent's shorthand, and the parent's never overrides the child."""
    merged: dict[str, Any] = {}
    for source, data in chain:
        merged = merge(merged, data)
        if schema is not None:
            merged = spread_shorthands(merged, source, schema, chain)
    return merged


def merge(parent: dict[str, Any], child: dict[str, Any]) -> dict[str, Any]:
    """Deep-merge ``child`` over ``parent``.

    Tables merge key by key. ``labs`` and ``jurisdictions`` merge by name: a child's lab updates
    the parent's lab of the same name or is added. Other lists (``events``, ``release_plan``)
    are replaced.
    """
    out = copy.deepcopy(parent)
    for key, value in child.items():
        if key in keys.NAMED_LISTS and isinstance(value, list) and isinstance(out.get(key), list):
            out[key] = _merge_by_name(out[key], value)
        elif isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def _merge_by_name(parent: list[Any], child: list[Any]) -> list[Any]:
    items = copy.deepcopy(parent)
    index = {item["name"]: i for i, item in enumerate(items)
             if isinstance(item, dict) and isinstance(item.get("name"), str)}
    for item in child:
        name = item.get("name") if isinstance(item, dict) else None
        if isinstance(name, str) and name in index:
            items[index[name]] = merge(items[index[name]], item)
        else:
            items.append(copy.deepcopy(item))
    return items


def load_scenario(path: str | Path, schema: type[Model]) -> Model:
    """Load, merge and validate a scenario file; an error names the file that set the bad key."""
    chain = load_chain(path)
    return validate_mapping(merge_chain(chain, schema), str(path), schema, chain)


# --------------------------------------------------------------------------------- validating
def validate_mapping(data: dict[str, Any], source: str, schema: type[Model],
                     chain: Chain | None = None) -> Model:
    """Validate a merged mapping (upgraded first if it is of an older schema version).

    With the ``chain`` it was merged from, an error names the file of the chain that set the key
    at fault rather than ``source``.
    """
    data = migrate(data, source)
    data = spread_shorthands(data, source, schema, chain)
    try:
        return schema.model_validate(data)
    except ValidationError as exc:
        loc = _loc(exc.errors(include_url=False)[0])
        culprit = _culprit(loc, data, chain) if chain else source
        raise error_line(exc, data, culprit, schema) from None


def spread_shorthands(data: dict[str, Any], source: str, schema: type[Model],
                      chain: Chain | None = None) -> dict[str, Any]:
    """A top-level ``[policy]`` table applies to every jurisdiction (``schema.shorthand_tables``
    names such tables): checked on its own, so an error names ``policy.<key>``, then merged over
    each jurisdiction's own policy table. Without jurisdictions there is one, ``home``."""
    tables = getattr(schema, "shorthand_tables", {})
    if not any(name in data for name in tables):
        return data
    out = copy.deepcopy(data)
    for name, table in tables.items():
        if name not in out:
            continue
        shorthand = out.pop(name)
        try:
            table.model_validate(shorthand)
        except ValidationError as exc:
            err = exc.errors(include_url=False)[0]
            err = {**err, "loc": (name, *err["loc"])}
            culprit = _culprit(_loc(err), data, chain) if chain else source
            raise _error_line(err, data, culprit, table, skip=1) from None
        places = out.get(keys.JURISDICTIONS)
        if not isinstance(places, list) or not places:
            places = out[keys.JURISDICTIONS] = [{"name": "home"}]
        for place in places:
            if isinstance(place, dict):
                place[name] = merge(place.get(name) or {}, shorthand)
    return out


def _loc(err: dict[str, Any]) -> tuple[Any, ...]:
    """Where an error is: pydantic's location, and below it a ``KeyedError``'s own."""
    raised = (err.get("ctx") or {}).get("error")
    return (*err["loc"], *raised.loc) if isinstance(raised, KeyedError) else tuple(err["loc"])


def _culprit(loc: tuple[Any, ...], merged: dict[str, Any], chain: Chain) -> str:
    """The file that set the key at ``loc``: the one holding most of its path, the child on ties."""
    best, depth = chain[-1][0], -1
    for source, data in reversed(chain):
        found = _depth_in(loc, merged, data)
        if found > depth:
            best, depth = source, found
    return best


def _depth_in(loc: tuple[Any, ...], merged: Any, own: Any) -> int:
    """How many leading parts of ``loc``, a path in the merged mapping, one file's keys hold."""
    for i, item in enumerate(loc):
        if isinstance(item, int):
            if not (isinstance(merged, list) and isinstance(own, list) and item < len(merged)):
                return i
            target = merged[item]
            name = target.get("name") if isinstance(target, dict) else None
            # Labs merge by name; other lists are replaced whole, so positions agree.
            match = next((x for x in own if isinstance(x, dict) and x.get("name") == name), None) \
                if name is not None else (own[item] if item < len(own) else None)
            if match is None:
                return i
            merged, own = target, match
        else:
            if not (isinstance(own, dict) and item in own):
                return i
            merged = merged.get(item) if isinstance(merged, dict) else None
            own = own[item]
    return len(loc)


def error_line(exc: ValidationError, data: dict[str, Any], source: str,
               schema: type[BaseModel]) -> ScenarioError:
    """The first error of a validation of ``data`` against ``schema`` as one line of ``source``
    (any file read with ``read_toml`` and checked by a pydantic model reports this way).

    An unknown key comes first: a misspelt required key is also a missing one, and the
    spelling is the mistake to name."""
    errors = exc.errors(include_url=False)
    first = next((err for err in errors if err["type"] == "extra_forbidden"), errors[0])
    return _error_line(first, data, source, schema)


def _error_line(err: dict[str, Any], data: dict[str, Any], source: str,
                schema: type[BaseModel], skip: int = 0) -> ScenarioError:
    """One validation error as a line; ``schema`` is the model at ``loc[skip:]``."""
    loc = _loc(err)
    key = keys.from_loc(loc, data)
    kind = err["type"]
    if kind == "extra_forbidden":
        allowed = field_names(schema, loc[skip:-1])
        return ScenarioError(source, key, unknown_key_message(str(loc[-1]), allowed))
    if kind == "missing":
        return ScenarioError(source, key, "required key is missing")
    message = err["msg"]
    for prefix in ("Value error, ", "Input should be "):
        message = message.removeprefix(prefix)
    if err["msg"].startswith("Input should be"):
        return ScenarioError(source, key, f"expected {message}, found {_found(err.get('input'))}")
    return ScenarioError(source, key, message)


def _found(value: Any, limit: int = 80) -> str:
    """A short repr of what was found: a long array or table is cut, not printed whole."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit - 3]}..."


# --------------------------------------------------------------------------------- overrides
def apply_overrides(scenario: Model, overrides: dict[str, Any], source: str = "--set") -> Model:
    """A validated copy of ``scenario`` with the values at dotted keys replaced."""
    data = scenario.model_dump(mode="json")
    spoken: dict[str, str] = {}  # a concrete key -> the shorthand key that set it
    for key, value in overrides.items():
        keys.set(data, key, value, source)
        spoken.update({each: key for each in keys.expand(data, key) if each != key})
    try:
        return validate_mapping(data, source, type(scenario))
    except ScenarioError as exc:
        said = spoken.get(exc.key)
        if said is None:
            raise
        raise ScenarioError(exc.source, said, exc.problem) from None
