"""File ingest: JSON Lines in the contract into the event store, nothing lost.

Good lines go in even when their neighbours are bad. Every bad line is written,
verbatim, to a rejects file beside a summary, and reported by file, line,
event id and reason (never by content: lines may hold children's details).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any

from consumers.files.jsonl import Line, read_lines
from store.family_store import FamilyStore


@dataclass
class IngestSummary:
    read: int = 0
    stored: int = 0
    duplicates: int = 0
    rejected: int = 0
    files: list[str] = field(default_factory=list)
    rejects_file: str | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


class RejectsWriter:
    """Keeps bad lines with their reasons; creates the file only when needed."""

    def __init__(self, path: Path, errors: IO[str] | None = None) -> None:
        self.path = path
        self.count = 0
        self._handle: IO[str] | None = None
        self._errors = errors if errors is not None else sys.stderr

    def reject(self, line: Line, reason: str, event_id: str | None) -> None:
        if self._handle is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._handle = self.path.open("w", encoding="utf-8")
        where = f"{line.path}:{line.number}"
        ident = f" event_id={event_id}" if event_id else ""
        print(f"rejected {where}{ident}: {reason}", file=self._errors)
        record = {
            "file": line.path,
            "line": line.number,
            "event_id": event_id,
            "reason": reason,
            "raw": line.text,
        }
        self._handle.write(json.dumps(record) + "\n")
        self.count += 1

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()


def default_rejects_path(path: Path) -> Path:
    return path.with_name(path.name + ".rejects.jsonl")


def ingest_lines(
    store: FamilyStore,
    lines: Iterable[Line],
    rejects: RejectsWriter,
    summary: IngestSummary,
    batch_size: int = 500,
    on_batch: Callable[[IngestSummary], None] | None = None,
) -> None:
    """Validate and record lines in batches of `batch_size` events."""
    batch: list[Line] = []

    def flush() -> None:
        if not batch:
            return
        by_event = {id(line.event): line for line in batch}
        result = store.record_batch(line.event for line in batch if line.event)
        summary.stored += len(result.stored)
        summary.duplicates += len(result.duplicates)
        for event, reason in result.rejected:
            rejects.reject(by_event[id(event)], reason, event.event_id)
            summary.rejected += 1
        batch.clear()
        if on_batch:
            on_batch(summary)

    for line in lines:
        summary.read += 1
        if line.event is None:
            rejects.reject(line, line.reason or "invalid", line.event_id)
            summary.rejected += 1
            continue
        batch.append(line)
        if len(batch) >= batch_size:
            flush()
    flush()


def ingest_file(
    store: FamilyStore,
    path: Path,
    rejects_path: Path | None = None,
    batch_size: int = 500,
    errors: IO[str] | None = None,
) -> IngestSummary:
    """Ingest one JSON Lines file; rejects and a summary are written beside it."""
    rejects_path = rejects_path or default_rejects_path(path)
    summary = IngestSummary(files=[str(path)])
    rejects = RejectsWriter(rejects_path, errors)
    try:
        ingest_lines(store, read_lines(path), rejects, summary, batch_size)
    finally:
        rejects.close()
    if rejects.count:
        summary.rejects_file = str(rejects_path)
    summary_path = path.with_name(path.name + ".summary.json")
    summary_path.write_text(json.dumps(summary.to_json(), indent=2) + "\n", encoding="utf-8")
    return summary
