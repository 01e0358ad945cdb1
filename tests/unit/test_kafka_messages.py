"""Every shape of poison message gets a reason that names the problem, not the content."""

from __future__ import annotations

import json

import pytest

from consumers.kafka.messages import MAX_MESSAGE_BYTES, check_message, check_value
from tests.support.events import WORKER, raw

TOPIC_OF = {
    name: f"t.{name}"
    for name in (
        "csc.referrals",
        "csc.assessments",
        "csc.cp-plans",
        "csc.plo",
        "csc.care",
        "csc.practice",
    )
}
REFERRALS = "t.csc.referrals"


def referral(**overrides: object) -> dict[str, object]:
    out = raw("ReferralReceived", "2024-01-05", family_id="F9", referral_id="R1", source="2A")
    out.update(overrides)
    return out


def encode(value: object) -> bytes:
    return json.dumps(value).encode()


def test_a_valid_message_gives_its_event() -> None:
    message = referral(event_id="ok-1")
    checked = check_message(REFERRALS, b"F9", encode(message), TOPIC_OF)
    assert checked.reason is None
    assert checked.event is not None and checked.event.event_id == "ok-1"


@pytest.mark.parametrize(
    ("key", "value", "reason_part", "event_id"),
    [
        (b"F9", b"{not json", "not valid JSON", None),
        (b"F9", b"", "empty message value", None),
        (b"F9", None, "empty message value", None),
        (b"F9", b"\xff\xfe{}", "not valid UTF-8", None),
        (b"F9", encode([1, 2]), "not a JSON object", None),
        (b"F9", encode(referral(event_id="u1", event_type="Nope")), "not a known event type", "u1"),
        (
            b"F9",
            encode(referral(event_id="w1", payload={"referral_id": 7, "source": "2A"})),
            "referral_id",
            "w1",
        ),
        (None, encode(referral(event_id="k1")), "has no key", "k1"),
        (b"", encode(referral(event_id="k2")), "has no key", "k2"),
        (b"F8", encode(referral(event_id="k3")), "does not match the event's family_id", "k3"),
    ],
)
def test_poison_shapes_are_named(
    key: bytes | None, value: bytes | None, reason_part: str, event_id: str | None
) -> None:
    checked = check_message(REFERRALS, key, value, TOPIC_OF)
    assert checked.event is None
    assert checked.reason is not None and reason_part in checked.reason
    assert checked.event_id == event_id


def test_an_oversized_message_is_refused_before_it_is_parsed() -> None:
    message = referral(event_id="big", padding="x" * MAX_MESSAGE_BYTES)
    checked = check_message(REFERRALS, b"F9", encode(message), TOPIC_OF)
    assert checked.event is None
    assert checked.reason is not None and "exceeds the limit" in checked.reason
    assert checked.event_id is None  # not parsed at all: a huge value costs no JSON work


def test_an_event_on_another_types_topic_is_refused() -> None:
    checked = check_message("t.csc.care", b"F9", encode(referral(event_id="x1")), TOPIC_OF)
    assert checked.event is None
    assert checked.reason == "ReferralReceived belongs on topic t.csc.referrals, not t.csc.care"


def test_events_the_product_records_itself_cannot_come_through_kafka() -> None:
    ack = raw(
        "AlertAcknowledged",
        "2024-02-01",
        family_id="F9",
        child_id=None,
        recorded_by=WORKER,
        alert_id="A1",
    )
    checked = check_message(REFERRALS, b"F9", encode(ack), TOPIC_OF)
    assert checked.event is None
    assert checked.reason is not None and "recorded by casejourney itself" in checked.reason


def test_reasons_never_echo_free_text() -> None:
    secret = "Child disclosed something at school"
    message = raw(
        "SupervisionRecorded",
        "2024-03-01",
        family_id="F9",
        child_id=None,
        supervision_id="SV1",
        supervisor_id="TM-1",
        child_ids=["C1"],
        changes=[{"direction": "sideways", "note": secret}],
        actions=[],
    )
    checked = check_value(encode(message))
    assert checked.reason is not None and "direction" in checked.reason
    assert "Child" not in checked.reason
