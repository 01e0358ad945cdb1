"""The plain-English family record: lines, who, children, UK dates and same-day order."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

import pytest

from domain import codes
from domain.contract import EVENT_TYPES
from domain.family import Family
from domain.family_view import family_text
from domain.journey_order import JOURNEY_ORDER, journey_key
from domain.uk_dates import age_text, uk_date, uk_day_and_time
from domain.vocabulary import LINES, child_labels, event_line, who_text
from tests.support.events import ev
from tests.support.journeys import rich_family

FREE_TEXT_KEYS = {"note", "summary", "reason"}


def _free_text(value: Any) -> list[str]:
    """Every string held under a free-text key, however deep (an episode's closure
    `reason` is a code, RC1-RC9, and is meant to be shown)."""
    found: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if key in FREE_TEXT_KEYS and isinstance(item, str):
                found.append(item)
            found += _free_text(item)
    elif isinstance(value, list):
        for item in value:
            found += _free_text(item)
    return found


def test_every_contract_event_type_has_its_own_words_and_its_place_in_a_day() -> None:
    assert set(LINES) == set(EVENT_TYPES)
    assert set(JOURNEY_ORDER) == set(EVENT_TYPES)


def test_no_line_shows_a_code_name_or_any_free_text() -> None:
    events = rich_family()
    # HistoryStated and AlertAcknowledged have their own cases below.
    assert {e.event_type for e in events} >= set(EVENT_TYPES) - {
        "AlertAcknowledged",
        "HistoryStated",
    }
    secrets = [
        text for e in events for text in _free_text(e.payload) if text not in codes.CLOSURE_REASONS
    ]
    assert secrets  # the journey does carry notes, summaries and reasons
    for e in events:
        line = event_line(e.event_type, e.payload)
        assert line and line[0].isupper(), e.event_type
        assert not re.search(r"\b[A-Z][a-z]+[A-Z]\w*", line), line  # no CamelCase code name
        assert not any(secret in line for secret in secrets), e.event_type


@pytest.mark.parametrize(
    ("event_type", "payload", "line"),
    [
        (
            "ReferralReceived",
            {"referral_id": "R1", "source": "2A", "primary_need": "N1"},
            "Referral received from school (2A); primary need abuse or neglect (N1)",
        ),
        ("ReferralDecided", {"outcome": "nfa"}, "Referral decision: no further action"),
        ("EpisodeClosed", {"reason": "RC7"}, "Episode closed: services ceased (RC7)"),
        (
            "AssessmentCompleted",
            {"factors": ["3B", "21"], "outcome": "cin_plan"},
            "Assessment completed: child in need plan; factors: domestic abuse (a parent or "
            "carer) (3B), no factors identified (21)",
        ),
        (
            "PersonLinked",
            {"person_id": "P-9", "relationship": "step_parent", "lives_with": False},
            "Step-parent (P-9) linked to the family; does not live with the children",
        ),
        (
            "CaseAllocated",
            {"worker_id": "SW-4", "team": "North", "role": "social_worker", "qualified": False},
            "Case allocated to SW-4, social worker, NOT qualified, team North",
        ),
        (
            "RecordCorrected",
            {
                "target_event_id": "e1",
                "reason": "typed wrongly",
                "replacement": {"occurred_at": "2024-10-31", "payload": {"primary_need": "N2"}},
            },
            "Earlier record corrected: date now 31 Oct 2024; primary need changed",
        ),
        (
            "SupervisionRecorded",
            {
                "supervisor_id": "TM-1",
                "changes": [{"direction": "negative", "note": "x"}] * 2,
                "actions": [{"action_id": "A", "due_on": "2024-11-03", "summary": "y"}],
            },
            "Supervision by TM-1: 2 negative changes; 1 action set (due 3 Nov 2024)",
        ),
        (
            "HistoryStated",
            {"source": "annex_a_list3", "as_of": "2025-03-31", "prior_referrals_12m": 2},
            "Earlier history stated in Annex A List 3 (counted from 31 Mar 2025): 2 referrals "
            "in the 12 months before",
        ),
        ("AlertAcknowledged", {"alert_id": "a1", "reason": "seen"}, "Alert acknowledged"),
        ("CPPlanStarted", {"category": "XYZ"}, "Child protection plan started: XYZ"),
        ("SomethingNew", {}, "Something new"),
    ],
)
def test_lines_read_as_a_worker_would_write_them(
    event_type: str, payload: dict[str, Any], line: str
) -> None:
    assert event_line(event_type, payload) == line


def test_code_labels_cover_exactly_the_codes_the_contract_accepts() -> None:
    outcomes = (
        codes.REFERRAL_OUTCOMES | codes.ASSESSMENT_OUTCOMES | codes.STEP_DOWNS | codes.PLO_OUTCOMES
    )
    assert outcomes <= set(codes.OUTCOME_LABELS)
    assert len(codes.ASSESSMENT_FACTORS) == 42 and {"8F", "24A", "21"} <= codes.ASSESSMENT_FACTORS
    assert (
        set(codes.REFERRAL_SOURCE_LABELS) == codes.REFERRAL_SOURCES
        and "10" in codes.REFERRAL_SOURCES
    )


@pytest.mark.parametrize(
    ("worker", "role", "qualified", "text"),
    [
        ("SW-1", "senior_practitioner", True, "SW-1, senior practitioner, qualified"),
        ("SW-2", "family_support_worker", 0, "SW-2, family support worker, NOT qualified"),
        ("SW-3", None, None, "SW-3"),
        (None, "social_worker", True, "not recorded"),
    ],
)
def test_who_names_the_worker_role_and_qualification(
    worker: str | None, role: str | None, qualified: Any, text: str
) -> None:
    assert who_text(worker, role, qualified) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("2024-10-31", "31 Oct 2024"),
        (date(2024, 3, 1), "1 Mar 2024"),
        ("2024-06-30T13:48:00+01:00", "30 Jun 2024 13:48"),  # BST, as given
        ("2024-10-31T13:48:00+01:00", "31 Oct 2024 12:48"),  # a +01:00 stamp after BST ended
        ("2024-10-31T12:48:00Z", "31 Oct 2024 12:48"),  # GMT again after 27 Oct
        ("2024-07-31T23:30:00Z", "1 Aug 2024 00:30"),  # UTC late evening is next day in BST
        ("2024-07-31T09:15:00", "31 Jul 2024 09:15"),  # no offset: UK time already
        (datetime(2024, 6, 1, 8, 0), "1 Jun 2024 08:00"),
        (None, ""),
        ("", ""),
    ],
)
def test_one_uk_date_format_with_uk_local_times(value: Any, text: str) -> None:
    assert uk_date(value) == text


def test_the_day_shown_is_the_uk_day() -> None:
    assert uk_day_and_time("2024-07-31T23:30:00Z") == (date(2024, 8, 1), "00:30:00.000000")
    assert uk_day_and_time("2024-07-31") == (date(2024, 7, 31), "")


@pytest.mark.parametrize(
    ("born", "on", "age"),
    [
        ("2019-05-10", date(2026, 5, 10), "7"),  # the birthday itself
        ("2019-05-10", date(2026, 5, 9), "6"),  # the day before
        ("2020-02-29", date(2023, 2, 28), "2"),  # a leap-day birthday: not until 1 March
        ("2020-02-29", date(2023, 3, 1), "3"),
        ("2024-06-10", date(2026, 6, 9), "23 months"),
        ("2024-06-10", date(2026, 6, 10), "2"),
        ("2026-05-10", date(2026, 6, 10), "1 month"),
        ("2026-05-10", date(2026, 6, 9), "under 1 month"),
        ("2026-05-10", date(2026, 5, 10), "under 1 month"),
        ("2026-07-01", date(2026, 6, 10), "unborn"),
        (None, date(2026, 6, 10), ""),
    ],
)
def test_ages_as_a_worker_says_them(born: str | None, on: date, age: str) -> None:
    assert age_text(born, on) == age


def test_children_are_numbered_eldest_first_with_sex_and_age() -> None:
    children = [
        {"child_id": "CH-3", "birth_date": None, "sex": "M"},
        {"child_id": "CH-1", "birth_date": "2019-01-05", "sex": "F"},
        {"child_id": "CH-2", "birth_date": "2015-03-02", "sex": "U"},
        {"child_id": "CH-4", "birth_date": "2027-01-01", "sex": None},
    ]
    assert child_labels(children, date(2026, 6, 1)) == {
        "CH-2": "Child 1, 11",
        "CH-1": "Child 2, girl, 7",
        "CH-4": "Child 3, unborn",
        "CH-3": "Child 4, boy",
    }


def test_children_from_the_read_models_are_labelled_by_birth_year() -> None:
    # The read models keep the year of birth, not the date (encryption at rest): the
    # label says the year rather than guess an age that may be a year out.
    children = [
        {"child_id": "CH-1", "birth_year": "2019", "sex": "F"},
        {"child_id": "CH-2", "birth_year": "2015", "sex": "M"},
        {"child_id": "CH-3", "birth_year": None, "sex": "M"},
    ]
    assert child_labels(children, date(2026, 6, 1)) == {
        "CH-2": "Child 1, boy, born 2015",
        "CH-1": "Child 2, girl, born 2019",
        "CH-3": "Child 3, boy",
    }


def test_a_day_reads_in_journey_order_whatever_the_times_and_recording_order() -> None:
    rows = [  # (occurred_at, event_type, child, recorded_at, version), recorded this way round
        ("2024-10-31T09:00:00Z", "AssessmentStarted", "C1", "2024-11-01T10:00:00Z", 1),
        ("2024-10-31T13:48:00+00:00", "ReferralReceived", "C1", "2024-11-02T10:00:00Z", 2),
        ("2024-10-31", "StrategyDiscussionHeld", "C1", "2024-11-01T09:00:00Z", 3),
        ("2024-10-30T23:30:00Z", "EpisodeClosed", "C2", "2024-11-01T09:00:00Z", 4),  # GMT
        ("2024-10-31", "ReferralReceived", "C2", "2024-11-03T09:00:00Z", 5),
        ("2024-10-31", "ReferralDecided", "C1", "2024-11-03T09:00:00Z", 6),
        ("2024-10-30", "RecordCorrected", None, "2024-11-03T09:00:00Z", 7),
    ]
    ordered = sorted(rows, key=lambda r: journey_key(*r))
    assert [r[4] for r in ordered] == [4, 7, 5, 2, 6, 1, 3]


def test_the_cli_names_what_awaits_a_linked_record_in_words() -> None:
    family = Family("F1")
    family.record(
        ev(
            "AssessmentStarted",
            "2024-01-04",
            event_id="a1",
            child_id="C1",
            family_id="F1",
            assessment_id="A1",
            referral_id="R1",
        )
    )
    text = family_text(family, date(2024, 6, 1))
    assert "Awaiting linked records\n  4 Jan 2024  Assessment started: referral R1" in text


def test_the_cli_chronology_reads_in_plain_english() -> None:
    family = Family("F1")
    for event in rich_family():
        family.record(event)
    text = family_text(family, date(2024, 6, 1))
    assert "Child 1, girl, 9 (id C1)" in text and "Child 2, boy, 5 (id C2)" in text
    assert "Referral received from school (2A); primary need abuse or neglect (N1)" in text
    assert "Mother (P-1) linked to the family; lives with the children" in text
    for code_name in ("ReferralReceived", "PersonLinked", "StrategyDiscussionHeld"):
        assert code_name not in text
    assert not re.search(r"\d{4}-\d{2}-\d{2}", text)  # no ISO dates anywhere
    assert "e04" not in text  # event ids are in --json, not in the record a person reads
    chronology = text.split("Chronology", 1)[1]
    assert chronology.index("Referral received from police") < chronology.index(
        "Referral decision: strategy discussion"
    )
