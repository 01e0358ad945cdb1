"""The audit functions the CLI and the dashboard's Audit page call. Nothing else.

Every function takes the `FamilyStore` (from `Container.store`) and plain Python
values, and returns frozen dataclasses, so the page can render them as it likes.
Moments are aware datetimes (use `parse_moment` for what a user typed).
"""

from __future__ import annotations

from casejourney.audit.as_at import FamilyAsAt, family_as_at
from casejourney.audit.changes import Correction, FieldChange, StateChange
from casejourney.audit.diff import FamilyDiff, RecordedEvent, diff
from casejourney.audit.findings import Finding, VerifyReport
from casejourney.audit.moments import local_text, parse_day, parse_moment
from casejourney.audit.render import as_jsonable, diff_text, past_heading, verify_text
from casejourney.audit.verify import Anchor, verify

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
    "diff",
    "diff_text",
    "family_as_at",
    "local_text",
    "parse_day",
    "parse_moment",
    "past_heading",
    "verify",
    "verify_text",
]
