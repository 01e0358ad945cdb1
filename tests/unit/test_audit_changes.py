"""State differences and correction descriptions (pure parts of `casejourney diff`)."""

from __future__ import annotations

from audit.changes import describe_correction, state_changes
from domain.family import Family
from domain.state import FamilyState
from domain.vocabulary import event_line
from tests.support.journeys import rich_family


def recorded(upto: int) -> list[dict]:
    family = Family("F1")
    for event in rich_family()[:upto]:
        family.record(event)
    return family.records


def test_from_nothing_every_item_is_added() -> None:
    changes = state_changes(None, FamilyState.fold(recorded(5)))
    assert [(c.scope, c.kind, c.key, c.change) for c in changes] == [
        ("C1", "child", "C1", "added"),
        ("C2", "child", "C2", "added"),
        ("C1", "referral", "R1", "added"),
        ("family", "linked person", "P-1", "added"),
    ]
    referral = changes[2]
    assert {f.name: f.new for f in referral.fields}["received_on"] == "2023-01-10"


def test_changed_fields_show_old_and_new() -> None:
    before = FamilyState.fold(recorded(15))
    after = FamilyState.fold(recorded(16))  # e16: CP plan CP1 ended
    [change] = state_changes(before, after)
    assert (change.scope, change.kind, change.key, change.change) == (
        "C1",
        "CP plan",
        "CP1",
        "changed",
    )
    assert {(f.name, f.old, f.new) for f in change.fields} == {
        ("ended_on", None, "2023-09-01"),
        ("step_down", None, "cin_plan"),
    }


def test_a_correction_shows_the_value_believed_before_it() -> None:
    records = recorded(36)
    correction = next(r for r in records if r["event_id"] == "e34")
    earlier = records[: records.index(correction)]
    described = describe_correction(earlier, correction)
    assert described.action == "corrected" and described.target_type == "ReferralReceived"
    assert [(f.name, f.old, f.new) for f in described.changes] == [
        ("occurred_at", "2023-11-15", "2023-11-14")
    ]
    assert described.reason == "keyed wrong date"


def test_payload_summaries_leave_free_text_out() -> None:
    supervision = next(r for r in recorded(14) if r["event_type"] == "SupervisionRecorded")
    text = event_line(supervision["event_type"], supervision["payload"])
    assert "Attendance" not in text and "Visit" not in text
    assert (
        text == "Supervision by TM-1: 1 positive change; 2 actions set (due 1 Jul 2023, 1 Aug 2023)"
    )
