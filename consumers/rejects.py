"""The one rejects file: everything a consumer refused, kept with its reason.

File ingest, `publish` and the returns import all write here, so a data lead reads
one shape (JSON Lines of file, line, event_id, reason and the raw input, plus sheet
and section for returns) and the console says the same thing for each: where and
why, never the content, which may hold children's details. The file holds that
content, so it is created 0600.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Protocol

from store.private_files import open_private


class Rejected(Protocol):
    """One refused input: where it was, why, its event id if it had one, its record."""

    @property
    def where(self) -> object:
        """Printed as the location (e.g. `file:line`, `file [sheet] row 3`)."""
        ...

    @property
    def reason(self) -> str: ...

    @property
    def event_id(self) -> str | None: ...

    def to_json(self) -> dict[str, Any]:
        """The rejects-file record, raw input included."""
        ...


def default_rejects_path(path: Path) -> Path:
    """Beside the input: `x.jsonl` -> `x.jsonl.rejects.jsonl`."""
    return path.with_name(path.name + ".rejects.jsonl")


class RejectsFile:
    """JSON Lines of rejects; the file is created only when the first one comes."""

    def __init__(self, path: Path, errors: IO[str] | None = None) -> None:
        self.path = path
        self.count = 0
        self._handle: IO[str] | None = None
        self._errors = errors if errors is not None else sys.stderr

    def write(self, rejected: Rejected) -> None:
        if self._handle is None:
            self._handle = open_private(self.path)
        ident = f" event_id={rejected.event_id}" if rejected.event_id else ""
        print(f"rejected {rejected.where}{ident}: {rejected.reason}", file=self._errors)
        self._handle.write(json.dumps(rejected.to_json(), default=str) + "\n")
        self.count += 1

    def written(self) -> str | None:
        """The file's name if anything was rejected (for summaries), else None."""
        return str(self.path) if self.count else None

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None

    def __enter__(self) -> RejectsFile:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
