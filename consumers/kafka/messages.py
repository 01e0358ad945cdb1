"""Checking one Kafka message against the contract, before it may touch the store.

Pure (no client, no store), so every poison shape can be unit tested quickly and
the consumer and `publish` explain rejects in the same words. Reasons name the
field, never its content: values may hold children's details.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from consumers.files.jsonl import decode
from domain.contract import EVENT_SPECS, ContractEvent

# Contract events are small; a message this big is a mistake or an attack, and a
# store row of that size would slow every replay of the family.
MAX_MESSAGE_BYTES = 256 * 1024


@dataclass(frozen=True)
class Checked:
    """A message's verdict: the event, or the reason it cannot be recorded."""

    event: ContractEvent | None
    reason: str | None = None
    event_id: str | None = None


def check_value(value: bytes | None, max_bytes: int = MAX_MESSAGE_BYTES) -> Checked:
    """Size, encoding, JSON and contract checks of a message value (or a file line)."""
    if not value:
        return Checked(None, "empty message value")
    if len(value) > max_bytes:
        return Checked(None, f"message of {len(value)} bytes exceeds the limit of {max_bytes}")
    try:
        text = value.decode("utf-8")
    except UnicodeDecodeError:
        return Checked(None, "message value is not valid UTF-8")
    event, reason, event_id = decode(text)
    if event is None:
        return Checked(None, reason or "invalid", event_id)
    return Checked(event, None, event.event_id)


def check_message(
    topic: str,
    key: bytes | None,
    value: bytes | None,
    topic_of: Mapping[str, str],
    max_bytes: int = MAX_MESSAGE_BYTES,
) -> Checked:
    """Check one consumed message.

    `topic_of` maps each contract topic (e.g. 'csc.referrals') to its broker name.
    The key must be the family_id because Kafka orders a family's events only
    within one partition; an event on another type's topic would escape that
    ordering, so it is refused as well.
    """
    checked = check_value(value, max_bytes)
    event = checked.event
    if event is None:
        return checked
    if key is None or key == b"":
        return Checked(None, "message has no key (the key must be the family_id)", event.event_id)
    if key != event.family_id.encode("utf-8"):
        return Checked(None, "message key does not match the event's family_id", event.event_id)
    expected = topic_of.get(EVENT_SPECS[event.event_type].topic)
    if expected is None:
        return Checked(
            None,
            f"{event.event_type} is recorded by casejourney itself, not sent through Kafka",
            event.event_id,
        )
    if expected != topic:
        return Checked(
            None, f"{event.event_type} belongs on topic {expected}, not {topic}", event.event_id
        )
    return checked
