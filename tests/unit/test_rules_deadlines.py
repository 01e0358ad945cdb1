"""Date-driven alerts: Regulation 24, pre-proceedings drift and overdue supervision
actions, evaluated for a given day."""

from __future__ import annotations

from datetime import date

from domain.family import Family
from domain.rules.family_rows import derive
from domain.rules.thresholds import DEFAULT_THRESHOLDS, Thresholds
from domain.state import Record
from tests.support.events import ev


def records(*events: object) -> list[Record]:
    family = Family("F1")
    for event in events:
        family.record(event)  # type: ignore[arg-type]
    return family.records


def alerts(
    recs: list[Record], as_of: str, kind: str, th: Thresholds | None = None
) -> list[tuple[str, ...]]:
    found = derive("F1", recs, date.fromisoformat(as_of), th or Thresholds()).alerts
    return sorted(
        (a.occurred_at, a.detail.get("phase") or a.detail.get("reason") or "")
        for a in found
        if a.kind == kind
    )


PLACED = ev("ConnectedPersonPlacementStarted", "2024-01-01", placement_id="PL1", carer_id="P-9")


def test_reg24_warns_four_weeks_before_expiry_and_breaches_on_it() -> None:
    recs = records(PLACED)  # 16 weeks: approval expires on 22 April 2024
    assert alerts(recs, "2024-03-24", "reg24_deadline") == []
    assert alerts(recs, "2024-03-25", "reg24_deadline") == [("2024-03-25", "warn")]
    assert alerts(recs, "2024-04-22", "reg24_deadline") == [
        ("2024-03-25", "warn"),
        ("2024-04-22", "breach"),
    ]


def test_reg24_approval_or_ending_in_time_prevents_the_alerts() -> None:
    approved = ev("ConnectedPersonApproved", "2024-03-20", placement_id="PL1")
    assert alerts(records(PLACED, approved), "2024-12-31", "reg24_deadline") == []
    approved_late = ev("ConnectedPersonApproved", "2024-04-01", placement_id="PL1")
    assert alerts(records(PLACED, approved_late), "2024-12-31", "reg24_deadline") == [
        ("2024-03-25", "warn")
    ]
    ended = ev("ConnectedPersonPlacementEnded", "2024-04-21", placement_id="PL1")
    assert alerts(records(PLACED, ended), "2024-12-31", "reg24_deadline") == [
        ("2024-03-25", "warn")
    ]


def test_reg24_extension_moves_the_expiry_to_24_weeks() -> None:
    extended = ev("ConnectedPersonApprovalExtended", "2024-03-01", placement_id="PL1")
    recs = records(PLACED, extended)
    assert alerts(recs, "2024-05-19", "reg24_deadline") == []
    assert alerts(recs, "2024-06-17", "reg24_deadline") == [
        ("2024-05-20", "warn"),
        ("2024-06-17", "breach"),
    ]


def plo(*extra: object) -> list[Record]:
    fam = {"child_id": None}
    return records(
        ev("PreProceedingsStarted", "2024-01-01", plo_id="PLO1", child_ids=["C1"], **fam),
        *extra,
    )


def test_pre_proceedings_beyond_the_16_week_target() -> None:
    recs = plo(
        ev("PLOMeetingHeld", "2024-02-01", plo_id="PLO1", kind="initial", child_id=None),
        ev("PLOMeetingHeld", "2024-03-14", plo_id="PLO1", kind="review", child_id=None),
        ev("PLOMeetingHeld", "2024-04-20", plo_id="PLO1", kind="review", child_id=None),
    )
    assert alerts(recs, "2024-04-22", "pre_proceedings_drift") == []
    assert alerts(recs, "2024-04-23", "pre_proceedings_drift") == [("2024-04-23", "beyond_target")]
    ended = ev(
        "PreProceedingsEnded", "2024-04-22", plo_id="PLO1", outcome="step_down", child_id=None
    )
    assert alerts(plo(*_meetings(), ended), "2024-12-31", "pre_proceedings_drift") == []


def _meetings() -> list[object]:
    return [
        ev("PLOMeetingHeld", "2024-02-12", plo_id="PLO1", kind="initial", child_id=None),
        ev("PLOMeetingHeld", "2024-03-25", plo_id="PLO1", kind="review", child_id=None),
    ]


def test_pre_proceedings_drift_when_no_meeting_for_more_than_six_weeks() -> None:
    # Start 1 Jan; first meeting 12 Feb is 42 days later (exactly six weeks: fine).
    # The next is 25 Mar, 42 days later: fine. Then nothing: due 6 May, drift from 7 May.
    recs = plo(*_meetings())
    gaps = [a for a in alerts(recs, "2024-05-06", "pre_proceedings_drift") if a[1] == "no_meeting"]
    assert gaps == []
    gaps = [a for a in alerts(recs, "2024-05-07", "pre_proceedings_drift") if a[1] == "no_meeting"]
    assert gaps == [("2024-05-07", "no_meeting")]
    late = plo(ev("PLOMeetingHeld", "2024-02-13", plo_id="PLO1", kind="initial", child_id=None))
    assert ("2024-02-13", "no_meeting") in alerts(late, "2024-02-13", "pre_proceedings_drift")


def supervision(due: str, *extra: object) -> list[Record]:
    return records(
        ev(
            "SupervisionRecorded",
            "2024-04-01",
            child_id=None,
            supervision_id="SV1",
            supervisor_id="TM-1",
            child_ids=["C1"],
            changes=[],
            actions=[{"action_id": "ACT1", "due_on": due, "summary": "visit"}],
        ),
        *extra,
    )


def test_overdue_action_the_day_after_it_fell_due() -> None:
    recs = supervision("2024-05-01")
    assert alerts(recs, "2024-05-01", "overdue_action") == []
    assert alerts(recs, "2024-05-02", "overdue_action") == [("2024-05-02", "")]
    done = ev("ActionCompleted", "2024-05-01", action_id="ACT1", child_id=None)
    assert alerts(supervision("2024-05-01", done), "2024-12-31", "overdue_action") == []
    late = ev("ActionCompleted", "2024-05-03", action_id="ACT1", child_id=None)
    assert len(alerts(supervision("2024-05-01", late), "2024-12-31", "overdue_action")) == 1


def test_deadline_alert_ids_rest_on_subject_phase_and_due_date() -> None:
    recs = records(PLACED)
    first = {a.alert_id for a in derive("F1", recs, date(2024, 5, 1), DEFAULT_THRESHOLDS).alerts}
    later = {a.alert_id for a in derive("F1", recs, date(2025, 5, 1), DEFAULT_THRESHOLDS).alerts}
    assert first == later and len(first) == 2


def states(recs: list[Record], as_of: str, kind: str) -> list[tuple[str, str, str | None]]:
    """(phase or reason, status, closed_on) of each alert of `kind`, by when it came true."""
    found = derive("F1", recs, date.fromisoformat(as_of), DEFAULT_THRESHOLDS).alerts
    return [
        (a.detail.get("phase") or a.detail.get("reason") or "", a.status, a.closed_on)
        for a in sorted(found, key=lambda a: a.occurred_at)
        if a.kind == kind
    ]


def test_a_drift_alert_closes_when_the_pre_proceedings_end() -> None:
    meetings = [
        ev("PLOMeetingHeld", f"2024-0{m}-20", plo_id="PLO1", kind="review", child_id=None)
        for m in (1, 2, 3, 4)
    ]
    ended = ev(
        "PreProceedingsEnded", "2024-06-10", plo_id="PLO1", outcome="step_down", child_id=None
    )
    assert states(plo(*meetings), "2024-06-09", "pre_proceedings_drift") == [
        ("beyond_target", "active", None),
        ("no_meeting", "active", None),  # 20 April + 6 weeks, no meeting since
    ]
    assert states(plo(*meetings, ended), "2024-06-09", "pre_proceedings_drift") == [
        ("beyond_target", "active", None),  # its end is not known as at 9 June
        ("no_meeting", "active", None),
    ]
    assert states(plo(*meetings, ended), "2024-06-10", "pre_proceedings_drift") == [
        ("beyond_target", "closed", "2024-06-10"),
        ("no_meeting", "closed", "2024-06-10"),
    ]


def test_a_gap_between_meetings_closes_at_the_next_meeting() -> None:
    late = ev("PLOMeetingHeld", "2024-03-01", plo_id="PLO1", kind="initial", child_id=None)
    assert states(plo(late), "2024-03-01", "pre_proceedings_drift") == [
        ("no_meeting", "closed", "2024-03-01")
    ]
    (alert,) = [
        a
        for a in derive("F1", plo(late), date(2024, 3, 1), DEFAULT_THRESHOLDS).alerts
        if a.kind == "pre_proceedings_drift"
    ]
    assert alert.message()["status"] == "closed"  # the closing goes to csc.alerts too


def test_an_overdue_action_closes_when_it_is_done() -> None:
    late = ev("ActionCompleted", "2024-05-09", action_id="ACT1", child_id=None)
    assert states(supervision("2024-05-01", late), "2024-05-08", "overdue_action") == [
        ("", "active", None)
    ]
    assert states(supervision("2024-05-01", late), "2024-05-09", "overdue_action") == [
        ("", "closed", "2024-05-09")
    ]
    (open_one,) = derive("F1", supervision("2024-05-01"), date(2024, 6, 1), Thresholds()).alerts
    assert "status" not in open_one.message()  # an open alert's message: the contract's fields


def test_a_reg24_warning_closes_at_expiry_and_the_breach_when_approved() -> None:
    approved = ev("ConnectedPersonApproved", "2024-05-01", placement_id="PL1")
    assert states(records(PLACED), "2024-04-22", "reg24_deadline") == [
        ("warn", "closed", "2024-04-22"),
        ("breach", "active", None),
    ]
    assert states(records(PLACED, approved), "2024-05-01", "reg24_deadline") == [
        ("warn", "closed", "2024-04-22"),
        ("breach", "closed", "2024-05-01"),
    ]
