"""Replace one generated section of a Markdown file, leaving everything else as it was.

A section sits between ``<!-- NAME:begin -->`` and ``<!-- NAME:end -->``, so hand-written text
and other tools' sections (e.g. sweep figures) in the same file survive a rerun.
"""

from __future__ import annotations

from pathlib import Path

TITLE = "# Performance\n"


def markers(name: str) -> tuple[str, str]:
    return f"<!-- {name}:begin -->", f"<!-- {name}:end -->"


def replace_section(path: Path, name: str, body: str) -> None:
    """Write ``body`` as section ``name`` of ``path``: in place if present, else appended."""
    begin, end = markers(name)
    block = f"{begin}\n{body.strip()}\n{end}"
    text = path.read_text() if path.exists() else TITLE
    start, stop = text.find(begin), text.find(end)
    if start >= 0 and stop > start:
        text = text[:start] + block + text[stop + len(end):]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(text)
