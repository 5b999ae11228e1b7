"""Replace one generated section of a Markdown file, leaving everything else as it was.

A section sits between ``<!-- NAME:begin -->`` and ``<!-- NAME:end -->``, so hand-written text
and other tools' sections in the same file survive a rerun (the benchmarks' figures in
docs/performance.md, the priors table in docs/ODD.md).
"""

from __future__ import annotations

from pathlib import Path


def markers(name: str) -> tuple[str, str]:
    return f"<!-- {name}:begin -->", f"<!-- {name}:end -->"


def section(text: str, name: str) -> str | None:
    """The body of section ``name`` in ``text``, or None when it has none."""
    begin, end = markers(name)
    start, stop = text.find(begin), text.find(end)
    if start < 0 or stop < start:
        return None
    return text[start + len(begin):stop].strip()


def replace_section(path: Path, name: str, body: str, title: str = "") -> None:
    """Write ``body`` as section ``name`` of ``path``: in place if present, else appended (to
    ``title`` when the file does not exist yet). Written under another name, then renamed."""
    begin, end = markers(name)
    block = f"{begin}\n{body.strip()}\n{end}"
    text = path.read_text() if path.exists() else title
    start, stop = text.find(begin), text.find(end)
    if start >= 0 and stop > start:
        text = text[:start] + block + text[stop + len(end):]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    partial = path.with_name(f".{path.name}.partial")  # a rerun never leaves half a page
    partial.write_text(text)
    partial.replace(path)
