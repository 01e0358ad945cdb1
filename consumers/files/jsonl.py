"""Streaming JSON Lines reading: one line at a time, so file size never sets memory."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from domain.contract import ContractError, ContractEvent, parse_event


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


def decode(text: str) -> tuple[ContractEvent | None, str | None, str | None]:
    """Parse one JSON text into (event, reason, event_id)."""
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as error:
        return None, f"not valid JSON ({error.msg} at column {error.colno})", None
    try:
        return parse_event(raw), None, raw.get("event_id") if isinstance(raw, dict) else None
    except ContractError as error:
        event_id = raw.get("event_id") if isinstance(raw, dict) else None
        return None, error.reason, event_id if isinstance(event_id, str) else None


def read_lines(path: Path) -> Iterator[Line]:
    """Yield every non-blank line of a JSON Lines file, decoded and validated."""
    with path.open("rb") as handle:
        for number, data in enumerate(handle, start=1):
            try:
                stripped = data.decode("utf-8").strip()
            except UnicodeDecodeError:
                text = data.decode("utf-8", errors="replace").strip()
                yield Line(str(path), number, text, None, "line is not valid UTF-8")
                continue
            if not stripped:
                continue
            event, reason, event_id = decode(stripped)
            yield Line(str(path), number, stripped, event, reason, event_id)
