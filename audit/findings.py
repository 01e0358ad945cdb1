"""What `verify` reports: each problem found, named by family and position."""

from __future__ import annotations

from dataclasses import dataclass, field

EDITED = "edited"  # a stored event's content no longer matches what was recorded
DELETED = "deleted"  # a stored event is missing
INSERTED = "inserted"  # a stored event the application did not record
UNREADABLE = "unreadable"  # a stored event cannot even be decoded
# Not as the application recorded it, and not yet sealed: inserted, or edited before
# the seal reached it (which of the two cannot be told; sealing often narrows this).
ALTERED = "altered"


@dataclass(frozen=True)
class Finding:
    problem: str  # one of the constants above
    family_id: str  # the family, or "stream <uuid>" when its creation event is gone
    version: int | None  # position in the family's stream (1 = family created)
    notification_id: int | None  # position in the whole log
    detail: str

    def line(self) -> str:
        where = f"family {self.family_id}"
        if self.version is not None:
            where += f" position {self.version}"
        if self.notification_id is not None:
            where += f" (log #{self.notification_id})"
        return f"{self.problem.upper():<10} {where}: {self.detail}"


@dataclass
class VerifyReport:
    """The result of one walk of the store."""

    events: int = 0  # stored rows read (family creations included)
    created: int = 0  # of them, each family's creation record (not a contract event)
    families: int = 0
    seconds: float = 0.0
    sealed_before: int = 0  # log position the seal covered when the walk began
    sealed_now: int = 0  # log position it covers after this run
    seal_head: str = ""  # the seal's chain hash at sealed_now: keep it outside the database
    anchors_checked: int = 0
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # Families whose key retention destroyed: (family id, day, rule). Their chains are
    # checked like any other; only their sealed personal values can no longer be read.
    erased: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.findings

    @property
    def contract_events(self) -> int:
        """What `casejourney summary` calls events: the rows less the creation records."""
        return self.events - self.created

    @property
    def events_per_second(self) -> float:
        return self.events / self.seconds if self.seconds else 0.0
