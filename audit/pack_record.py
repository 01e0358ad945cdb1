"""What an audit pack holds: built by audit.pack, drawn by audit.pack_html."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from audit.as_at import FamilyAsAt
from audit.changes import StateChange
from audit.findings import VerifyReport


@dataclass
class AuditPack:
    """What went into the pack, for the page and for callers such as the dashboard."""

    family_id: str
    as_at: datetime
    generated_at: datetime
    then: FamilyAsAt
    now: FamilyAsAt
    chronology: list[dict[str, Any]]
    changes: list[StateChange]
    alerts_then: list[dict[str, Any]]
    alerts_now: list[dict[str, Any]]
    verification: VerifyReport
    files: list[Path] = field(default_factory=list)
