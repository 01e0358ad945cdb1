"""Streaming JSON Lines reading: one bounded line at a time, so file size never sets memory.

A line longer than the record limit is never held whole: its first bytes are
kept (for the rejects file, with the reason) and the rest is skipped to the
next newline, so a 200 MB line costs what a 256 KiB one does.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from domain.contract import ContractError, ContractEvent, parse_event, safe_event_id
from domain.json_text import BOM, decode_json
from domain.limits import MAX_RECORD_BYTES

CHUNK = 64 * 1024


@dataclass(frozen=True)
class Line:
    """One input line: either a valid event or the reason it is not one."""

    path: str
    number: int
    text: str
    event: ContractEvent | None
    reason: str | None = None
    event_id: str | None = None


@dataclass(frozen=True)
class RejectedLine:
    """A line refused, for consumers.rejects.RejectsFile: the raw text is kept."""

    line: Line
    reason: str
    event_id: str | None = None

    @property
    def where(self) -> str:
        return f"{self.line.path}:{self.line.number}"

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.line.path,
            "line": self.line.number,
            "event_id": self.event_id,
            "reason": self.reason,
            "raw": self.line.text,
        }


def decode(text: str | bytes) -> tuple[ContractEvent | None, str | None, str | None]:
    """Parse one JSON text into (event, reason, event_id); the event id of a reject
    only where it is safe to print (no control characters)."""
    try:
        raw = decode_json(text)
    except ContractError as error:
        return None, error.reason, None
    try:
        return parse_event(raw), None, safe_event_id(raw)
    except ContractError as error:
        return None, error.reason, safe_event_id(raw)


def _bounded_lines(handle: IO[bytes], limit: int) -> Iterator[tuple[bytes, int]]:
    """(at most `limit` + 1 bytes of each line, its whole length), reading in chunks."""
    kept = bytearray()
    length = 0
    while chunk := handle.read(CHUNK):
        start = 0
        while (end := chunk.find(b"\n", start)) != -1:
            piece = chunk[start:end]
            if len(kept) <= limit:
                kept += piece[: limit + 1 - len(kept)]
            length += len(piece)
            yield bytes(kept), length
            kept.clear()
            length = 0
            start = end + 1
        rest = chunk[start:]
        if len(kept) <= limit:
            kept += rest[: limit + 1 - len(kept)]
        length += len(rest)
    if length:
        yield bytes(kept), length


def read_lines(path: Path, max_bytes: int = MAX_RECORD_BYTES) -> Iterator[Line]:
    """Yield every non-blank line of a JSON Lines file, decoded and validated."""
    with path.open("rb") as handle:
        for number, (data, length) in enumerate(_bounded_lines(handle, max_bytes), start=1):
            if number == 1:
                data = data.removeprefix(BOM.encode("utf-8"))
            if length > max_bytes:
                text = data[:max_bytes].decode("utf-8", errors="replace")
                too_long = (
                    f"line of {length} bytes exceeds the limit of {max_bytes} "
                    f"(its first {max_bytes} bytes are kept here)"
                )
                yield Line(str(path), number, text, None, too_long)
                continue
            stripped = data.strip()
            if not stripped:
                continue
            try:
                text = stripped.decode("utf-8")
            except UnicodeDecodeError:
                text = stripped.decode("utf-8", errors="replace")
                yield Line(str(path), number, text, None, "line is not valid UTF-8")
                continue
            event, reason, event_id = decode(text)
            yield Line(str(path), number, text, event, reason, event_id)
