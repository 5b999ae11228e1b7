"""Another revision of aiecosim unpacked beside this one, so a benchmark can time both in turn.

``aiecosim bench --against REV`` times the shipped baseline at this code and at ``REV``,
alternating their processes so both see the same load. The other revision is unpacked with
``git archive`` into a temporary folder named ``aiecosim`` and put first on ``PYTHONPATH`` of
the measuring processes, so they import its model (and its own ``benchmarks.measure``), while
this process keeps its own.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import aiecosim.model

REPO = Path(aiecosim.model.__file__).resolve().parent.parent  # this code's tree


class RevisionError(ValueError):
    """The revision cannot be unpacked: not a git checkout, or no such commit."""


@dataclass(frozen=True)
class Revision:
    """An unpacked revision: what was asked for, the commit it names, and the environment
    whose processes import it."""

    asked: str
    commit: str
    tree: Path  # the unpacked package
    env: dict[str, str]


def git(*args: str) -> str:
    done = subprocess.run(["git", "-C", str(REPO), *args], capture_output=True, text=True)
    if done.returncode != 0:
        raise RevisionError(done.stderr.strip().splitlines()[-1] if done.stderr.strip()
                            else f"git {args[0]} failed")
    return done.stdout.strip()


def resolve(rev: str) -> str:
    """The full commit ``rev`` names in this checkout, or a RevisionError saying why not."""
    if not (REPO / ".git").exists():
        raise RevisionError(f"{REPO.name} is not a git checkout, so there is no {rev!r} to "
                            "compare with (clone the repository to use --against)")
    try:
        return git("rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}")
    except RevisionError:
        raise RevisionError(f"no commit {rev!r} in this checkout (try a hash, a tag or "
                            "HEAD~1)") from None


def imported_tree(env: dict[str, str]) -> Path:
    """Where a fresh interpreter with ``env`` imports aiecosim's model from."""
    probe = ("import pathlib, aiecosim.model as m; "
             "print(pathlib.Path(m.__file__).resolve().parent.parent)")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env)
    if done.returncode != 0:
        raise RevisionError("its code does not import: "
                            + (done.stderr.strip().splitlines() or ["no output"])[-1])
    return Path(done.stdout.strip())


@contextmanager
def revision(rev: str) -> Iterator[Revision]:
    """Unpack ``rev`` into a temporary folder for as long as the block runs."""
    commit = resolve(rev)
    with tempfile.TemporaryDirectory(prefix="aiecosim-against-") as folder:
        package = Path(folder) / "aiecosim"
        package.mkdir()
        archive = Path(folder) / "tree.tar"
        git("archive", "--format=tar", f"--output={archive}", commit)
        with tarfile.open(archive) as tree:
            tree.extractall(package, filter="data")
        archive.unlink()
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (folder, env.get("PYTHONPATH")) if p)
        imported = imported_tree(env)
        if imported != package.resolve():  # an installed aiecosim took precedence
            raise RevisionError(f"processes meant for {rev!r} import aiecosim from {imported}, "
                                "not from its unpacked tree")
        yield Revision(rev, commit, package.resolve(), env)
