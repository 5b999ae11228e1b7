"""Replace one generated section of a Markdown file, leaving everything else as it was.

A section sits between (experiments/doc_sections.py) ``<!-- NAME:begin -->`` and ``<!-- NAME:end -->``, so hand-written text
and other tools' sections (e.g. sweep figures) in the same file survive a rerun.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from aiecosim.experiments.doc_sections import replace_section as _replace

TITLE = "# Performance\n"


def replace_section(path: Path, name: str, body: str) -> None:
    """Write ``body`` as section ``name`` of ``path`` (a new file starts as the performance page)."""
    _replace(path, name, body, TITLE)


def add_out_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", default="docs/performance.md",
                        help="Markdown file to update, or - to print only")


def check_out(parser: argparse.ArgumentParser, out: str) -> None:
    """Before measuring: a missing folder for ``--out`` is one line and exit status 2."""
    path = Path(out)
    if out != "-" and not path.parent.is_dir():
        print(f"{parser.prog}: --out {path}: folder {path.parent} not found (run from the "
              "repository root)", file=sys.stderr)
        raise SystemExit(2)


def write_or_print(parser: argparse.ArgumentParser, out: str, name: str, body: str) -> None:
    """Print ``body`` (``out`` is -) or write it as section ``name`` of the file ``out``."""
    check_out(parser, out)
    if out == "-":
        sys.stdout.write(body)
        return
    replace_section(Path(out), name, body)
    print(f"wrote section {name} of {out}")
