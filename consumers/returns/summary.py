"""What an import did, per file and per list or section."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

COUNTS = (
    "rows",
    "kept_whole",
    "kept_with_dropped_fields",
    "rows_rejected",
    "events",
    "stored",
    "duplicates",
    "corrections",
    "retractions",
    "older_than_stored",
    "events_rejected",
)


@dataclass
class SectionCounts:
    rows: int = 0
    kept_whole: int = 0
    kept_with_dropped_fields: int = 0
    rows_rejected: int = 0
    events: int = 0
    stored: int = 0
    duplicates: int = 0
    corrections: int = 0
    retractions: int = 0
    older_than_stored: int = 0
    events_rejected: int = 0

    def line(self) -> str:
        return ", ".join(f"{name.replace('_', ' ')} {getattr(self, name)}" for name in COUNTS)


@dataclass
class FileReport:
    file: str
    source: str
    as_of: str | None = None
    recognition: dict[str, Any] = field(default_factory=dict)
    sections: dict[str, SectionCounts] = field(default_factory=dict)
    error: str | None = None
    # Findings: optional fields dropped, rows kept ({section, where, field, reason}).
    dropped: list[dict[str, str]] = field(default_factory=list)

    def counts(self, section: str) -> SectionCounts:
        return self.sections.setdefault(section, SectionCounts())


@dataclass
class ImportReport:
    files: list[FileReport] = field(default_factory=list)
    rejects_file: str | None = None
    alerts_run: bool = False
    relinked: dict[str, int] = field(default_factory=dict)

    @property
    def rejected(self) -> int:
        rows = sum(
            c.rows_rejected + c.events_rejected for f in self.files for c in f.sections.values()
        )
        return rows + self.relinked.get("rejected", 0)

    @property
    def failed_files(self) -> int:
        return sum(1 for f in self.files if f.error)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    def write(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.to_json(), indent=2, default=str) + "\n", "utf-8")
