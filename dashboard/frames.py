"""Query rows into the tables the pages show and export: plain words for column names.

Every table a practice lead can click has a `family` column, which is what the
shared family table opens. Read-model rows hold no free text, so nothing here
can leak a note into a file; the definitions quote GUIDE section 5.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

import pandas as pd

from domain.journey_order import chronology_row_key
from domain.rules.alert_text import capitalised, describe, label, owner_text, state_text
from domain.rules.severity import rank
from domain.rules.thresholds import Thresholds
from domain.uk_dates import uk_date
from domain.vocabulary import who_text

Row = dict[str, Any]


def drift_definitions(th: Thresholds) -> dict[str, str]:
    """What each drift list holds (GUIDE section 5), by its name in queries.drift_lists,
    in the thresholds in force, as things stood on the chosen day."""
    extended = th.reg24_weeks + th.reg25_extension_weeks
    grace = f" by more than {th.action_grace_days} days" if th.action_grace_days else ""
    late = (
        " or completed late in the twelve months to the day. The Overview's timeliness "
        "figure lists only those completed late, in its own period."
    )
    return {
        "assessment": (
            f"Assessments not completed within {th.assessment_working_days} working days of "
            "the referral: still open and past due on the day," + late
        ),
        "icpc": (
            f"Initial child protection conferences not held within {th.icpc_working_days} "
            "working days of the strategy discussion that started the section 47 enquiry: "
            "not yet held and past due on the day," + late
        ),
        "cp_review": (
            f"CP review conferences late: the first more than {th.cp_first_review_months} "
            f"months after the ICPC, later ones more than {th.cp_review_months} months after "
            "the previous review; not yet held and past due on the day," + late
        ),
        "reg24": (
            "Connected-person placements neither approved nor ended on the day whose "
            f"temporary approval ({th.reg24_weeks} weeks, {extended} with a Regulation 25 "
            f"extension) expires within {th.reg24_warn_weeks} weeks or has expired."
        ),
        "actions": (
            f"Supervision actions past their due date{grace} and not completed by the day. "
            "An action completed since is off this list, though its alert may still be open "
            "on the Alerts page."
        ),
        "decisions": (
            "Decisions in the twelve months to the day recorded by someone not recorded as "
            "a qualified social worker (the Overview's figure, over those twelve months)."
        ),
        "allocations": (
            "Children whose case is now allocated to a worker who is not qualified "
            "(as things stand today, whatever the day chosen)."
        ),
    }


def _frame(rows: Iterable[Row], columns: dict[str, str]) -> pd.DataFrame:
    """Pick and rename columns; an empty list still gets its headers (for exports)."""
    data = [{label: row.get(source) for source, label in columns.items()} for row in rows]
    frame = pd.DataFrame(data, columns=list(columns.values()))
    for name in frame.columns:
        gaps = frame[name].isna()
        if gaps.any():  # shown blank, not "None"; a column with gaps becomes text
            frame[name] = [_text(v) for v in frame[name].where(~gaps, "")]
    return frame


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _ids(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(value)
    return (value or "").replace(",", ", ")


def by_family(rows: list[Row]) -> list[Row]:
    """Each family's alerts together: the family with the most urgent (then the oldest)
    alert first, and within a family most urgent first, then longest open."""

    def urgency(r: Row) -> tuple[int, int]:
        return rank(r.get("severity") or ""), -(r.get("days_open") or 0)

    first: dict[str, tuple[int, int]] = {}
    for r in rows:
        first[r["family_id"]] = min(first.get(r["family_id"], urgency(r)), urgency(r))
    return sorted(rows, key=lambda r: (first[r["family_id"]], r["family_id"], urgency(r)))


# Alert columns that are for exports and the acknowledge form, not the table on screen.
HIDDEN_ALERT_COLUMNS = ("acknowledged", "raised again on", "kind", "alert id")


def alerts(rows: list[Row]) -> pd.DataFrame:
    shaped = [
        {
            **r,
            "severity": (r.get("severity") or "").capitalize(),
            "what": label(r["kind"]),
            "line": describe(r["kind"], r.get("detail") or {}),
            "child_id": r.get("child_id") or "",
            "owner": capitalised(owner_text(r)),
            "state": capitalised(state_text(r)),
            "acknowledged": bool(r.get("acknowledged")),
            "again_on": r.get("raised_on") if r.get("acknowledged_before") else None,
        }
        for r in rows
    ]
    return _frame(
        shaped,
        {
            "family_id": "family",
            "severity": "severity",
            "what": "alert",
            "line": "detail",
            "child_id": "child",
            "occurred_at": "raised",
            "days_open": "days open",
            "owner": "owner",
            "state": "state",
            "acknowledged_by": "acknowledged by",
            "acknowledged": "acknowledged",
            "again_on": "raised again on",
            "kind": "kind",
            "alert_id": "alert id",
        },
    )


def matches(rows: list[Row]) -> pd.DataFrame:
    """The family explorer's search list; `linked families` says which have links."""
    shaped = [{**r, "last_on": uk_date(r.get("last_on"))} for r in rows]
    return _frame(
        shaped,
        {
            "family_id": "family",
            "matched": "matched on",
            "id": "id",
            "children": "children",
            "referrals": "referrals",
            "cp_plans": "CP plans",
            "linked": "linked families",
            "team": "team",
            "last_on": "last event",
        },
    )


CHRONOLOGY_IDS = ["child id", "event id", "about event id"]


def _status(row: Row) -> str:
    return {"corrected": "corrected later", "retracted": "retracted"}.get(
        row.get("status") or "", ""
    )


def chronology(rows: list[Row], labels: Mapping[str, str]) -> pd.DataFrame:
    """The chronology as a worker reads it (domain.vocabulary), in journey order
    (domain.journey_order, as the read model gives it): UK dates, the child by
    position, age and sex (`labels`), what happened, who recorded it; the ids in the
    last columns (CHRONOLOGY_IDS), for the details control and the exports."""
    shaped = [
        {
            "date": uk_date(r.get("happened_at") or r.get("occurred_at")),
            "child": labels.get(r["child_id"], r["child_id"]) if r.get("child_id") else "family",
            "what happened": r.get("what") or "",
            "by": who_text(r.get("worker_id"), r.get("role"), r.get("qualified")),
            "status": _status(r),
            "recorded": uk_date(r.get("recorded_at")),
            "child id": r.get("child_id") or "",
            "event id": r.get("event_id") or "",
            "about event id": r.get("target_event_id") or "",
        }
        for r in sorted(rows, key=chronology_row_key)
    ]
    columns = ["date", "child", "what happened", "by", "status", "recorded", *CHRONOLOGY_IDS]
    return pd.DataFrame(shaped, columns=columns)


def members(rows: list[Row]) -> pd.DataFrame:
    return _frame(
        rows,
        {"family_id": "family", "child_id": "child", "day": "date", "what": "what", "team": "team"},
    )


def plo(rows: list[Row]) -> pd.DataFrame:
    shaped = []
    for r in rows:
        flags = []
        if r.get("beyond_target"):
            flags.append("beyond target")
        if r.get("review_overdue"):
            flags.append("review overdue")
        shaped.append(
            {
                **r,
                "children": _ids(r["child_ids"]),
                "letter_on": r.get("letter_on") or "",
                "drift": ", ".join(flags),
                "repeat": "repeat" if r.get("repeat") else "",
            }
        )
    return _frame(
        shaped,
        {
            "family_id": "family",
            "drift": "drift",
            "weeks_open": "weeks open",
            "started_on": "started",
            "target_on": "target date",
            "letter_on": "letter sent",
            "meetings": "meetings",
            "last_meeting_on": "last meeting",
            "next_review_due": "next review due",
            "children": "children",
            "team": "team",
            "repeat": "repeat",
            "plo_id": "PLO id",
        },
    )


def timeliness(rows: list[Row], as_of: date) -> pd.DataFrame:
    shaped = [{**r, "done_on": r.get("done_on") or "not yet"} for r in rows]
    return _frame(
        shaped,
        {
            "family_id": "family",
            "status": "status",
            "child_id": "child",
            "subject_id": "id",
            "start_on": "clock started",
            "due_on": "due",
            "done_on": "done",
            "working_days": "working days",
            "days_overdue": "days late",
            "team": "team",
        },
    )


def reg24(rows: list[Row]) -> pd.DataFrame:
    return _frame(
        rows,
        {
            "family_id": "family",
            "child_id": "child",
            "phase": "phase",
            "expires_on": "approval expires",
            "days_to_expiry": "days to expiry",
            "started_on": "placed",
            "extended_on": "extended (Reg 25)",
            "placement_id": "placement",
            "carer_id": "carer",
            "team": "team",
        },
    )


def actions(rows: list[Row]) -> pd.DataFrame:
    shaped = [{**r, "child_ids": _ids(r.get("child_ids"))} for r in rows]
    return _frame(
        shaped,
        {
            "family_id": "family",
            "action_id": "action",
            "due_on": "due",
            "days_overdue": "days overdue",
            "set_on": "set at supervision on",
            "supervision_id": "supervision",
            "child_ids": "children",
            "team": "team",
        },
    )


def decisions(rows: list[Row]) -> pd.DataFrame:
    return _frame(
        rows,
        {
            "family_id": "family",
            "occurred_on": "date",
            "event_type": "decision",
            "child_id": "child",
            "worker_id": "by",
            "role": "role",
            "team": "team",
            "event_id": "event id",
        },
    )


def allocations(rows: list[Row]) -> pd.DataFrame:
    return _frame(
        rows,
        {
            "family_id": "family",
            "child_id": "child",
            "worker_id": "allocated to",
            "role": "role",
            "team": "team",
            "allocated_since": "since",
        },
    )


def recorded_events(events: Iterable[Any]) -> pd.DataFrame:
    """The audit module's RecordedEvent list: what reached the store, when and from whom,
    in the chronology's words and dates (the ids last, as the chronology's are)."""
    rows = [
        {
            "recorded": uk_date(e.recorded_at),
            "date": uk_date(e.occurred_at),
            "what happened": e.what,
            "by": who_text(e.worker_id, e.role, e.qualified),
            "child id": e.child_id or "",
            "event id": e.event_id,
        }
        for e in events
    ]
    columns = ["recorded", "date", "what happened", "by", "child id", "event id"]
    return pd.DataFrame(rows, columns=columns)
