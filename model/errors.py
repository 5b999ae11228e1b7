"""The one error a user's mistake raises: where, what was expected, what was found."""

from __future__ import annotations

import difflib


def one_line(text: str) -> str:
    """``text`` with line breaks and other control characters escaped, so it prints as one line.

    File names and TOML keys may hold newlines; an error that spans lines reads as two errors.
    """
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


class ScenarioError(ValueError):
    """A problem in a scenario or design file, reported as one line.

    Attributes:
        source: the file (or ``--set``) where the problem is.
        key: the dotted key at fault, or "" when the whole file is at fault.
        problem: what was expected and what was found, with a suggestion when there is one.
    """

    def __init__(self, source: str, key: str, problem: str) -> None:
        self.source = str(source)
        self.key = key
        self.problem = problem
        where = f"{self.source}: {key}: " if key else f"{self.source}: "
        super().__init__(one_line(f"{where}{problem}"))


class KeyedError(ValueError):
    """A check across keys, raised in a model validator, that belongs at one key.

    Pydantic puts a model validator's error at the model itself, so the one line would name no
    key; ``loc`` is the path of the key at fault below that model, and the reader of the
    validation error (``model.scenario_io``) appends it.
    """

    def __init__(self, loc: tuple[str | int, ...], problem: str) -> None:
        self.loc = loc
        super().__init__(problem)


def closest(name: str, known: list[str]) -> str | None:
    """The known name a misspelt ``name`` most likely means, if any is close enough."""
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    return close[0] if close else None


def did_you_mean(name: str, known: list[str]) -> str:
    """``"; did you mean 'x'?"`` for the closest known name, or "" when none is close."""
    found = closest(name, known)
    return f"; did you mean {found!r}?" if found is not None else ""


def unknown_key_message(key: str, allowed: list[str]) -> str:
    """The problem of an unknown key: the closest allowed key as a suggestion, else all of them."""
    if closest(key, allowed) is not None:
        return f"unknown key {key!r}{did_you_mean(key, allowed)}"
    if allowed:
        return f"unknown key {key!r}; expected one of: {', '.join(allowed)}"
    return f"unknown key {key!r}"
