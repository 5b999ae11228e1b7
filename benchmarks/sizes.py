"""Benchmark sizes: a total of population members split into startups, academics, bad actors."""

from __future__ import annotations

from aiecosim.model.scenario import Scenario

# Share of a total N of members in each population (startups, academics, bad actors). The
# shipped baseline has about 47k startups on average over ten years, 5k academic groups and 10k
# bad actors; this split keeps startups the largest population and bad actors the next, and
# makes sizes easy to read.
SPLIT = {"startups": 0.5, "academics": 0.1, "bad_actors": 0.4}
# Startups are a flow into market segments, so their number is set through the segments: the
# shipped baseline averages 312 active startups a segment over its 120 months (4,500 at the
# start, about 170,000 at the end).
STARTUPS_PER_SEGMENT = 312
SPLIT_TEXT = "50% startups, 10% academics, 40% bad actors"
SUFFIXES = {"k": 1_000, "m": 1_000_000}


def parse_size(text: str) -> int:
    """``"10k"`` → 10000, ``"1M"`` → 1000000, ``"2500"`` → 2500."""
    text = text.strip().lower().replace("_", "")
    scale = SUFFIXES.get(text[-1:], 1)
    number = text[:-1] if text[-1:] in SUFFIXES else text
    try:
        value = float(number) * scale
    except ValueError:
        raise ValueError(f"expected a size like 10k, 100k or 1M, found {text!r}") from None
    if value < 30 or value != int(value):
        raise ValueError(f"expected a whole number of members of at least 30, found {text!r}")
    return int(value)


def format_size(members: int) -> str:
    """1000000 → "1M", 100000 → "100k", 2500 → "2500"."""
    for suffix, scale in (("M", 1_000_000), ("k", 1_000)):
        if members >= scale and members % scale == 0:
            return f"{members // scale}{suffix}"
    return str(members)


def scaled(scenario: Scenario, members: int, months: int) -> Scenario:
    """``scenario`` with ``members`` split by ``SPLIT`` and ``months`` steps.

    Startups are sized by their segments, so that their mean number over a ten-year run is
    about their share of ``members``; over shorter runs there are fewer.
    """
    counts = {name: int(round(members * share)) for name, share in SPLIT.items()}
    segments = max(1, round(counts.pop("startups") / STARTUPS_PER_SEGMENT))
    return scenario.with_overrides({
        "steps": months,
        "populations.startups.segments": segments,
        **{f"populations.{name}.count": count for name, count in counts.items()},
    })
