"""One return file read into records: what either reader hands to the run."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from consumers.returns.facts import Fact, Record, Reject
from consumers.returns.links import Links

Mapper = Callable[[Record, Links], list[Fact]]
Linker = Callable[[Record, Links], None]


@dataclass
class SourceFile:
    """A parsed file. `coverage` is, per section, the period in which the file
    lists every such record (so a missing one is a contradiction); `presence` is,
    per section, the children the file reports on there."""

    source: str
    file: str
    sections: tuple[str, ...]
    mapper: Mapper
    linker: Linker
    records: list[Record] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    as_of: date | None = None
    coverage: dict[str, tuple[date, date]] = field(default_factory=dict)
    presence: dict[str, set[str]] = field(default_factory=dict)
    recognition: dict[str, Any] = field(default_factory=dict)
    error: str | None = None

    def rows_in(self, section: str) -> int:
        return sum(1 for r in self.records if r.section == section) + sum(
            1 for r in self.rejects if r.section == section
        )
