"""Data-quality findings: what a family's own facts say against each other.

The store records every well-formed fact (GUIDE section 8); a contradiction is a
finding, computed from the family's history like an alert, so a correction or a
late event that resolves it makes it disappear. Each finding has a stable id
(family, check, event), a severity, the events involved and, where the DfE's
children-in-need census validation rules name the same check, that rule's number,
so a data lead can match it with what the census return will say.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import date, datetime

from domain.state import FamilyState, Record


@dataclass(frozen=True)
class Check:
    """The name card of one kind of finding."""

    rule: str
    severity: str  # "error": figures built on it are unreliable; "warning": worth a look
    title: str


AWAITING = "awaiting_anchor"

CHECKS: dict[str, Check] = {
    c.rule: c
    for c in [
        Check("dated_before_anchor", "error", "dated before the record it belongs to began"),
        Check("overlapping_cp_plan", "error", "a CP plan started while another was open"),
        Check("overlapping_pre_proceedings", "warning", "pre-proceedings while others were open"),
        Check("duplicate_record", "warning", "the same record (by its id) stated twice"),
        Check("repeated_outcome", "warning", "a second decision, end or completion of one record"),
        Check("after_closure", "warning", "an event after its referral's episode closed"),
        Check("after_end", "warning", "an event after what it belongs to ended"),
        Check("s47_without_decision", "warning", "a section 47 the strategy discussion ruled out"),
        Check("second_extension", "warning", "temporary approval extended twice (Regulation 25)"),
        Check("correction_of_correction", "warning", "a correction aimed at another correction"),
        Check("awaiting_anchor", "warning", "waiting too long for the record it belongs to"),
    ]
}

# DfE children-in-need census validation rules that name the same check, by the
# event that breaks it ("dated before ..." depends on what was dated before what).
CIN_RULES: dict[tuple[str, str], str] = {
    ("dated_before_anchor", "AssessmentStarted"): "CIN 1103",
    ("dated_before_anchor", "AssessmentCompleted"): "CIN 8608",
    ("dated_before_anchor", "InitialConferenceHeld"): "CIN 8615",
    ("dated_before_anchor", "CPReviewHeld"): "CIN 8841",
    ("dated_before_anchor", "CPPlanEnded"): "CIN 8925",
    ("overlapping_cp_plan", "CPPlanStarted"): "CIN 8935",
}


@dataclass(frozen=True)
class Finding:
    finding_id: str
    family_id: str
    rule: str
    severity: str
    event_id: str
    event_type: str
    child_id: str | None
    reason: str  # ids and types only, never free text
    related: tuple[str, ...] = ()
    reference: str | None = None

    # awaiting_anchor only: the day the waiting fact was recorded (ISO date). The
    # stored finding never depends on the day it is read; `due` applies the grace.
    waiting_since: str | None = None


def finding_id(family_id: str, rule: str, event_id: str) -> str:
    text = "\x1f".join([family_id, rule, event_id])
    return "FD-" + hashlib.sha256(text.encode()).hexdigest()[:24]


def _make(
    family_id: str,
    rule: str,
    record: Record,
    reason: str,
    related: tuple[str, ...],
    waiting_since: str | None = None,
) -> Finding:
    event_type = record.get("event_type", "")
    return Finding(
        finding_id=finding_id(family_id, rule, record["event_id"]),
        family_id=family_id,
        rule=rule,
        severity=CHECKS[rule].severity,
        event_id=record["event_id"],
        event_type=event_type,
        child_id=record.get("child_id"),
        reason=reason,
        related=related,
        reference=CIN_RULES.get((rule, event_type)),
        waiting_since=waiting_since,
    )


def family_findings(family_id: str, state: FamilyState, records: list[Record]) -> list[Finding]:
    """Every finding the family's history shows, sorted by finding id: each
    contradiction, and each fact still waiting for its anchor (with the day it was
    recorded; whether it has waited long enough is asked of `due`)."""
    by_id = {r["event_id"]: r for r in records}
    out = [
        _make(family_id, v.rule, by_id.get(event_id, {"event_id": event_id}), v.reason, v.related)
        for event_id, v in state.violations.items()
    ]
    for event_id, reason in state.pending.items():
        record = by_id.get(event_id)
        if record is None or event_id in state.violations:
            continue
        recorded_on = datetime.fromisoformat(record["recorded_at"]).date().isoformat()
        reason = f"{record['event_type']}: {reason}"
        out.append(_make(family_id, AWAITING, record, reason, (), recorded_on))
    return sorted(out, key=lambda f: f.finding_id)


def due(found: list[Finding], today: date, grace_days: int) -> list[Finding]:
    """The findings true on `today`: a fact waiting for its anchor counts only once it
    has waited `grace_days` since it was recorded (Kafka may deliver the anchor
    later), and its reason then says for how long."""
    out = []
    for f in found:
        if f.waiting_since is None:
            out.append(f)
            continue
        waited = (today - date.fromisoformat(f.waiting_since)).days
        if waited >= grace_days:
            out.append(replace(f, reason=f"{f.reason} after {waited} days"))
    return out
