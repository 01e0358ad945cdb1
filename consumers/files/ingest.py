"""File ingest: JSON Lines in the contract into the event store, nothing lost.

Good lines go in even when their neighbours are bad, or when the store fails on
one of them (store.isolate finds it and it is rejected). Every bad line is written,
verbatim, to a rejects file beside a summary, and reported by file, line,
event id and reason (never by content: lines may hold children's details).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any

from consumers.files.jsonl import Line, RejectedLine, read_lines
from consumers.rejects import RejectsFile, default_rejects_path
from store.family_store import BATCH_EVENTS, FamilyStore
from store.isolate import record_isolating


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


def ingest_lines(
    store: FamilyStore,
    lines: Iterable[Line],
    rejects: RejectsFile,
    summary: IngestSummary,
    batch_size: int = BATCH_EVENTS,
    on_batch: Callable[[IngestSummary], None] | None = None,
) -> None:
    """Validate and record lines in batches of `batch_size` events."""
    batch: list[Line] = []

    def flush() -> None:
        if not batch:
            return
        by_event = {id(line.event): line for line in batch}
        # An event the store fails on is found and rejected; the rest of the file goes on.
        result = record_isolating(store.record_batch, (line.event for line in batch if line.event))
        summary.stored += len(result.stored)
        summary.duplicates += len(result.duplicates)
        for event, reason in result.rejected:
            rejects.write(RejectedLine(by_event[id(event)], reason, event.event_id))
            summary.rejected += 1
        batch.clear()
        if on_batch:
            on_batch(summary)

    for line in lines:
        summary.read += 1
        if line.event is None:
            rejects.write(RejectedLine(line, line.reason or "invalid", line.event_id))
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
    batch_size: int = BATCH_EVENTS,
    errors: IO[str] | None = None,
) -> IngestSummary:
    """Ingest one JSON Lines file; rejects and a summary are written beside it."""
    rejects_path = rejects_path or default_rejects_path(path)
    summary = IngestSummary(files=[str(path)])
    with RejectsFile(rejects_path, errors) as rejects:
        ingest_lines(store, read_lines(path), rejects, summary, batch_size)
    summary.rejects_file = rejects.written()
    summary_path = path.with_name(path.name + ".summary.json")
    summary_path.write_text(json.dumps(summary.to_json(), indent=2) + "\n", encoding="utf-8")
    return summary
