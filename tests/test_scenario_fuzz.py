"""Mutated scenario files give a valid scenario or one clean error line, never a crash.

Hypothesis mutates the shipped files as text (cuts, insertions, stray bytes, swapped lines,
replaced values) and as data (any key set to any TOML value); every outcome must be a
``Scenario`` or a one-line ``ScenarioError`` naming a file, and through the command line exit
status 0 or 2 with exactly one line on stderr for a bad file.
"""

from __future__ import annotations

import contextlib
import io
import re
import shutil

import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aiecosim.model.catalogue import shipped
from aiecosim.cli.main import main
from aiecosim.model import Scenario, ScenarioError

TEXTS = {p.name: p.read_text() for p in shipped()}
VALUE = re.compile(r"=\s*([^\n#]+)")

toml_scalars = st.one_of(
    st.integers(-10**20, 10**20), st.floats(allow_nan=True, allow_infinity=True), st.booleans(),
    st.text(max_size=20), st.sampled_from(["api-only", "developer", "staged", "*", ""]),
)
toml_values = st.recursive(
    toml_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)
tokens = st.sampled_from(["[", "]", "[[labs]]", "=", '"', "\n", "extends = \"baseline.toml\"",
                          "\\u0000", "#", "1e400", "{", "}", ",", "name", "labs", "\x00", "\xff"])


@st.composite
def mutated_text(draw) -> bytes:
    name = draw(st.sampled_from(sorted(TEXTS)))
    text = TEXTS[name]
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["cut", "insert", "value", "swap", "bytes"]))
        at = draw(st.integers(0, len(text)))
        if kind == "cut":
            text = text[:at] + text[at + draw(st.integers(1, 40)):]
        elif kind == "insert":
            piece = draw(st.lists(tokens | st.text(max_size=6), min_size=1, max_size=5))
            text = text[:at] + "".join(piece) + text[at:]
        elif kind == "value":
            matches = list(VALUE.finditer(text))
            if matches:
                m = draw(st.sampled_from(matches))
                literal = tomli_w.dumps({"v": draw(toml_values)}).partition("=")[2].strip() \
                    if draw(st.booleans()) else draw(st.text(max_size=10))
                text = text[:m.start(1)] + literal + text[m.end(1):]
        elif kind == "swap":
            lines = text.split("\n")
            i, j = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
            text = "\n".join(lines)
        else:
            raw = text.encode()
            return raw[:at] + draw(st.binary(min_size=1, max_size=8)) + raw[at:]
    return text.encode("utf-8", "surrogatepass")


@st.composite
def mutated_data(draw) -> dict:
    """The baseline as data with one key, at any depth, set to any value or removed."""
    import tomllib

    data = tomllib.loads(TEXTS["baseline.toml"])
    node = data
    while True:
        keys = [*node, "unknown_key"] if isinstance(node, dict) else list(range(len(node)))
        key = draw(st.sampled_from(keys))
        child = node[key] if key != "unknown_key" else None
        if isinstance(child, (dict, list)) and child and draw(st.booleans()):
            node = child
            continue
        if draw(st.integers(0, 9)) == 0 and key != "unknown_key":
            del node[key]
        else:
            node[key] = draw(toml_values)
        return data


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """A copy of the catalogue, so mutated files can extend the real ones."""
    path = tmp_path_factory.mktemp("fuzz")
    for p in shipped():
        shutil.copy(p, path / p.name)
    return path


def assert_clean(path) -> None:
    try:
        Scenario.load(path)
    except ScenarioError as exc:
        message = str(exc)
        assert "\n" not in message and "\r" not in message
        assert message.startswith(str(path.parent)), message


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(content=mutated_text())
def test_mutated_text_loads_or_fails_in_one_clean_line(content, folder):
    path = folder / "mutant.toml"
    path.write_bytes(content)
    assert_clean(path)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=mutated_data())
def test_mutated_data_validates_or_exits_2_with_one_line(data, folder):
    path = folder / "mutant-data.toml"
    try:
        path.write_text(tomli_w.dumps(data))
    except (TypeError, ValueError):  # not expressible as TOML (e.g. a mixed array): no file to test
        return
    err, out = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
        rc = main(["scenario", "validate", str(path)])
    assert rc in (0, 2)
    assert "Traceback" not in err.getvalue()
    assert len(err.getvalue().splitlines()) == (1 if rc == 2 else 0), err.getvalue()
