"""The audit functions the CLI and the dashboard's Audit page call. Nothing else.

Every function takes the `FamilyStore` (from `Container.store`) and plain Python
values, and returns dataclasses, so the page can render them as it likes. Alerts
and indicators as they stood come from `projections.as_at` (they are read
models rebuilt over a snapshot); the audit pack is handed that function.
Moments are aware datetimes (use `parse_moment` for what a user typed).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from audit.as_at import FamilyAsAt, family_as_at
from audit.changes import Correction, FieldChange, StateChange
from audit.diff import FamilyDiff, RecordedEvent, diff
from audit.findings import Finding, VerifyReport
from audit.moments import local_text, parse_day, parse_moment
from audit.render import as_jsonable, diff_text, past_heading, verify_text
from audit.seal import seal_new
from audit.verify import Anchor, verify
from audit.verify_family import verify_family

if TYPE_CHECKING:
    from audit.pack import AlertsAt, AuditPack
    from store.family_store import FamilyStore


def audit_pack(
    store: FamilyStore,
    family_id: str,
    as_at: datetime,
    alerts_at: AlertsAt,
    out: Path | None = None,
) -> AuditPack | None:
    """The audit pack's contents; written as CSV files and index.html when `out` is given."""
    from audit.pack import build_pack, write_pack

    pack = build_pack(store, family_id, as_at, alerts_at)
    if pack is not None and out is not None:
        write_pack(pack, out)
    return pack


__all__ = [
    "Anchor",
    "Correction",
    "FamilyAsAt",
    "FamilyDiff",
    "FieldChange",
    "Finding",
    "RecordedEvent",
    "StateChange",
    "VerifyReport",
    "as_jsonable",
    "audit_pack",
    "diff",
    "diff_text",
    "family_as_at",
    "local_text",
    "parse_day",
    "parse_moment",
    "past_heading",
    "seal_new",
    "verify",
    "verify_family",
    "verify_text",
]
