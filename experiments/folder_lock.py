"""One driver per results folder: an exclusive advisory lock, held while a session writes.

The lock is ``fcntl.flock`` on ``DIR/.lock``. The kernel releases it when its holder exits for
any reason, SIGKILL included, so a killed sweep never leaves a stale lock to clear by hand and
kill-and-resume keeps working. The file records who holds it (pid, host, start time) so that a
second driver is refused with one line naming the holder.

flock is reliable on local file systems; on NFS it depends on the mount, which a cluster's
shared folder may be (docs/sweeps.md says so).
"""

from __future__ import annotations

import fcntl
import json
import os
import platform
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

from aiecosim.model.errors import ScenarioError

LOCK_NAME = ".lock"


@contextmanager
def folder_lock(folder: Path) -> Iterator[None]:
    """Hold ``folder``'s lock for the block; a folder already held is a one-line ScenarioError."""
    path = Path(folder) / LOCK_NAME
    handle = open(path, "a+")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ScenarioError(str(folder), "", f"another aiecosim session is writing here "
                                f"({_holder(path)}); wait for it to finish, or use another "
                                "--out folder") from None
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps({"pid": os.getpid(), "host": platform.node(),
                                 "since": datetime.now(timezone.utc).isoformat(timespec="seconds")}))
        handle.flush()
        yield
    finally:
        handle.close()  # closing releases the lock; the file stays, naming the last holder


def _holder(path: Path) -> str:
    try:
        holder = json.loads(path.read_text() or "{}")
    except (OSError, json.JSONDecodeError):
        holder = {}
    if not holder:
        return "holder unknown"
    return f"pid {holder.get('pid')} on {holder.get('host')}, since {holder.get('since')}"
