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
    """Create `path` empty with mode 0600 if missing; tighten it to 0600 if it exists."""
    path = Path(path)
    private_dir(path.parent)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, PRIVATE)
    try:
        os.fchmod(fd, PRIVATE)
    finally:
        os.close(fd)


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
