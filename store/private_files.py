"""Files about children are readable by their owner only (mode 0600), from the first byte.

The event store and read models (a SQLite file and its `-wal` and `-shm`
companions, which SQLite creates with the database file's own mode), the rejects
file, ingest summaries and the audit pack all hold personal data. Created with
the process umask (often 022) they would be world-readable; `chmod` after the
fact leaves a window. So each is created here, with `os.open(..., 0o600)`, and a
file that already exists is tightened to 0600 when it is opened for writing.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import IO

PRIVATE = 0o600
PRIVATE_DIR = 0o700


def private_dir(path: Path) -> Path:
    """`path` and missing parents created (new ones 0700); returned for chaining."""
    path.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
    return path


def touch_private(path: str | Path) -> None:
    """Create `path` empty with mode 0600 if missing; tighten it to 0600 if it exists.

    An existing file is changed by name only (`chmod`), never opened: closing any
    descriptor of a SQLite file drops every POSIX lock this process holds on it,
    which would let another connection write under a reader (SQLite's "how to
    corrupt your database", 2.2)."""
    path = Path(path)
    private_dir(path.parent)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE)
    except FileExistsError:
        if path.stat().st_mode & 0o777 != PRIVATE:
            path.chmod(PRIVATE)
        return
    os.close(fd)  # new and empty: no connection can hold a lock on it yet


def open_private(path: Path, *, newline: str | None = None) -> IO[str]:
    """`path` opened for writing text (UTF-8, truncated), mode 0600."""
    private_dir(path.parent)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE)
    os.fchmod(fd, PRIVATE)
    return os.fdopen(fd, "w", encoding="utf-8", newline=newline)


def write_private(path: Path, text: str) -> Path:
    """Write `text` to `path` (UTF-8, mode 0600); returns the path."""
    with open_private(path) as handle:
        handle.write(text)
    return path
