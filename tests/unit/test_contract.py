"""The contract validator: every way a message can be wrong has a named reason."""

from typing import Any

import pytest

from domain.contract import EVENT_SPECS, SOURCE_TOPICS, ContractError, parse_event
from tests.support.events import WORKER, raw

EVENT_ID = "event_id must be a string of 1-128 characters without control characters"
FAMILY_ID = "family_id must be a string of 1-64 characters without control characters"
CHILD_ID = "child_id (1-64 characters, no control characters) is required for ReferralReceived"
OCCURRED_AT = "occurred_at must be an ISO 8601 date or date-time from 1900 to 2100"
SCHEMA = "schema_version is not a known schema version (this reader knows 1)"


def good() -> dict[str, Any]:
    return raw("ReferralReceived", "2024-01-05", referral_id="R1", source="2A", primary_need="N1")


def reason(message: Any) -> str:
    with pytest.raises(ContractError) as caught:
        parse_event(message)
    return caught.value.reason


def test_valid_event_parses_and_keeps_unknown_fields() -> None:
    message = good() | {"source_system": "LCS", "batch": 7}
    event = parse_event(message)
    assert event.event_type == "ReferralReceived"
    assert event.extra == {"source_system": "LCS", "batch": 7}
    assert event.to_json()["source_system"] == "LCS"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"event_id": ""}, EVENT_ID),
        ({"event_id": "x" * 129}, EVENT_ID),
        ({"event_id": "e1\nrejected e2: forged"}, EVENT_ID),
        ({"event_type": "Nonsense"}, "event_type is not a known event type"),
        ({"event_type": 5}, "event_type must be a string"),
        ({"family_id": ""}, FAMILY_ID),
        ({"family_id": "f" * 65}, FAMILY_ID),
        (
            {"family_id": "F1\x1b[31m"},
            "family_id holds a NUL, control or unpaired surrogate character",
        ),
        ({"occurred_at": "yesterday"}, OCCURRED_AT),
        ({"occurred_at": "2024-02-30"}, OCCURRED_AT),
        ({"occurred_at": "1899-12-31"}, OCCURRED_AT),
        ({"occurred_at": "9999-12-31T23:59:59-12:00"}, OCCURRED_AT),
        ({"occurred_at": "0001-01-01T00:00:00+14:00"}, OCCURRED_AT),
        ({"child_id": None}, CHILD_ID),
        ({"child_id": "C1\u202e"}, CHILD_ID),
        ({"payload": []}, "payload must be an object"),
        ({"payload": {"referral_id": "R1"}}, "payload.source is required for ReferralReceived"),
        (
            {"payload": {"referral_id": "R1", "source": "99"}},
            "payload.source is not a known code",
        ),
        (
            {"payload": {"referral_id": "R1", "source": "2A", "primary_need": "N12"}},
            "payload.primary_need is not a known code",
        ),
        ({"schema_version": 2}, SCHEMA),
        ({"schema_version": "Jane Smith"}, SCHEMA),
    ],
)
def test_each_defect_has_its_reason(change: dict[str, Any], expected: str) -> None:
    assert reason(good() | change) == expected


def test_not_an_object() -> None:
    assert reason([1, 2]) == "message is not a JSON object"


def test_decision_needs_recorded_by() -> None:
    message = raw("ReferralDecided", "2024-01-06", referral_id="R1", outcome="assessment")
    assert reason(message) == "recorded_by is required for the decision ReferralDecided"
    message["recorded_by"] = {"worker_id": "SW-1", "role": "sw", "qualified": "yes"}
    assert reason(message) == "recorded_by.qualified must be true or false"
    message["recorded_by"] = WORKER
    assert parse_event(message).recorded_by == WORKER


def test_factor_21_stands_alone() -> None:
    message = raw(
        "AssessmentCompleted",
        "2024-02-01",
        recorded_by=WORKER,
        assessment_id="A1",
        factors=["21", "3A"],
        outcome="cin_plan",
    )
    assert reason(message) == "payload.factors factor 21 (no factors) must stand alone"
    message["payload"]["factors"] = ["21"]
    assert parse_event(message).payload["factors"] == ["21"]


def test_family_level_events_take_no_child() -> None:
    message = raw(
        "PreProceedingsStarted", "2024-03-01", recorded_by=WORKER, plo_id="P1", child_ids=["C1"]
    )
    assert reason(message) == "PreProceedingsStarted is a family-level event and takes no child_id"


def test_free_text_in_a_code_field_is_not_echoed() -> None:
    message = good()
    message["payload"]["source"] = "Mum rang about Jo"
    assert reason(message) == ("payload.source is not a known code")


def test_reasons_never_echo_free_text() -> None:
    secret = "Jane Doe disclosed abuse"
    message = raw(
        "RecordCorrected",
        "2024-03-01",
        child_id=None,
        recorded_by=WORKER,
        target_event_id="e1",
        reason=secret,
        replacement={"note": secret},
    )
    assert secret not in reason(message)


def test_every_type_has_a_source_topic_or_is_internal() -> None:
    assert set(SOURCE_TOPICS) == {
        "csc.referrals",
        "csc.assessments",
        "csc.cp-plans",
        "csc.plo",
        "csc.care",
        "csc.practice",
    }
    assert len(EVENT_SPECS) == 31  # 30 contract types (HistoryStated too) and AlertAcknowledged
