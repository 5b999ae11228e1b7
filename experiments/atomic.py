"""Writing files atomically, so no reader ever sees a half-written result."""

from __future__ import annotations

import json
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

TMP_SUFFIX = ".tmp"  # temporary files are ``.NAME.<random>.tmp`` beside their target


def check_writable(option: str, path: Path, folder: bool = False) -> None:
    """Refuse, as one line naming ``option``, an output ``path`` (a file, or with ``folder`` a
    folder) that cannot be written: the nearest existing folder at or above it is a file or is
    not writable. Commands call this before their work, so a mistake costs no runs."""
    from aiecosim.model.errors import ScenarioError

    given, path = str(path), Path(path).absolute()
    here = next((p for p in ([path] if folder else []) + list(path.parents) if p.exists()), None)
    if here is None:
        return
    if not here.is_dir():
        raise ScenarioError(option, given, f"expected a folder at {here}, found a file")
    if not os.access(here, os.W_OK | os.X_OK):
        raise ScenarioError(option, given, f"cannot write in {here}: permission denied; "
                            "choose another folder")


def write_atomically(path: Path, write) -> None:
    """Call ``write(tmp_path)`` and rename into place, so no half-written file is ever seen."""
    with staged(path) as tmp:
        write(tmp)


@contextmanager
def staged(path: Path) -> Iterator[Path]:
    """A temporary file beside ``path`` for the block to fill; renamed onto ``path`` when the
    block ends normally, removed when it raises. The block may read the finished temporary
    file (to checksum it, say) before it becomes visible."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TMP_SUFFIX, dir=path.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes it private; outputs are ordinary files
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_json(path: Path, data: Any) -> None:
    """Write ``data`` as indented JSON with sorted keys, atomically."""
    text = json.dumps(data, indent=2, sort_keys=True) + "\n"
    write_atomically(path, lambda tmp: Path(tmp).write_text(text))
