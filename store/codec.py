"""The plain-JSON codec of stored events: stored bytes to the records the rules read.

Rebuild and restore speed are bounded by decoding, so when the store keeps JSON
(plain, the default, or encrypted by the library's cipher: decrypted first) the
state is read with orjson and mapped straight to the dict
`Family.Recorded.as_record()` would give. With a compressor configured the
application's own mapper decodes. Only `store/` knows how events are encoded.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

import orjson
from eventsourcing.persistence import Mapper, Notification, StoredEvent

CREATED = "Family.Created"
CREATED_TOPIC = "casejourney/Family.Created/v1"
# How every stored event's JSON starts: its recording time comes first.
STAMP = b'{"timestamp":{"_type_":"datetime_iso","_data_":"'

# (event type, version, family id for Created else None, record for others else None)
Decoded = tuple[str, int, str | None, dict[str, Any] | None]
Decoder = Callable[[str, int, bytes, Any], Decoded]


Opener = Callable[[bytes], bytes]


def is_plain(mapper: Mapper[Any]) -> bool:
    """Events kept as plain JSON (no cipher, no compressor)."""
    return mapper.cipher is None and mapper.compressor is None


def _as_stored(state: bytes) -> bytes:
    return state


def opener(mapper: Mapper[Any]) -> Opener | None:
    """Stored bytes to the event's JSON without building event objects: as they are
    (plain), or decrypted (the cipher, no compressor); None with a compressor."""
    if mapper.compressor is not None:
        return None
    return _as_stored if mapper.cipher is None else mapper.cipher.decrypt


def event_type_of(topic: str) -> str:
    """ "casejourney/ReferralReceived/v1" -> "ReferralReceived"."""
    return topic.split("/", 2)[1]


def plain_record(data: dict[str, Any], event_type: str, version: int) -> dict[str, Any]:
    """The record `Family.Recorded.as_record` gives, from an event's stored JSON,
    less its `extra` fields and `chain` hash (what the rules and read models read).
    Shared by the writer's restore and the projections' decoder."""
    return {
        "event_id": data["event_id"],
        "event_type": event_type,
        "child_id": data["child_id"],
        "occurred_at": data["occurred_at"],
        "recorded_by": data["recorded_by"],
        "payload": data["payload"],
        "recorded_at": data["timestamp"]["_data_"],
        "version": version,
    }


def plain_decode(topic: str, version: int, state: bytes, originator_id: Any = None) -> Decoded:
    """Decode a stored event kept as plain JSON (what rebuild workers use)."""
    data = orjson.loads(state)
    event_type = event_type_of(topic)
    if event_type == CREATED:
        return event_type, version, data["family_id"], None
    return event_type, version, None, plain_record(data, event_type, version)


def decoder(mapper: Mapper[Any]) -> Decoder:
    """A function (topic, version, state, originator_id) -> Decoded for this mapper."""
    if is_plain(mapper):
        return plain_decode
    open_json = opener(mapper)
    if open_json is not None:

        def decrypt_decode(topic: str, version: int, state: bytes, oid: Any = None) -> Decoded:
            return plain_decode(topic, version, open_json(state))

        return decrypt_decode

    def decode(topic: str, version: int, state: bytes, originator_id: UUID | str) -> Decoded:
        oid = originator_id if isinstance(originator_id, UUID) else UUID(str(originator_id))
        event: Any = mapper.to_domain_event(StoredEvent(oid, version, topic, bytes(state)))
        event_type = event_type_of(topic)
        if event_type == CREATED:
            return event_type, version, event.family_id, None
        record = event.as_record()
        record.pop("chain", None)
        record.pop("extra", None)
        return event_type, version, None, record

    return decode


def recording_time(mapper: Mapper[Any]) -> Callable[[Any, int, str, bytes], datetime]:
    """A function giving a stored row's recording time: sliced straight from the JSON
    when the store keeps JSON (plain or encrypted), else through the mapper."""
    open_json = opener(mapper)

    def when(oid: Any, version: int, topic: str, state: bytes) -> datetime:
        if open_json is not None:
            state = open_json(state)
        if open_json is not None and state.startswith(STAMP):
            return datetime.fromisoformat(
                state[len(STAMP) : state.index(b'"', len(STAMP))].decode()
            )
        uuid = oid if isinstance(oid, UUID) else UUID(str(oid))
        stored = Notification(
            id=0, originator_id=uuid, originator_version=version, topic=topic, state=state
        )
        stamp: datetime = mapper.to_domain_event(stored).timestamp  # type: ignore[attr-defined]
        return stamp

    return when


def plain_history(
    stored: Sequence[StoredEvent], open_json: Opener = _as_stored
) -> tuple[datetime, list[dict[str, Any]]]:
    """(created on, records) of one family's stream kept as JSON (`open_json` decrypts
    it when the store is encrypted), read with orjson: the records
    `Family.Recorded.as_record` gives.

    Raises ValueError when the stream does not start with the family's creation or
    its versions skip or repeat: the store reports that as a broken history.
    """
    versions = [event.originator_version for event in stored]
    if versions != list(range(1, len(stored) + 1)):
        raise ValueError(f"versions {versions[:3]}... do not run 1, 2, 3 without a gap")
    if not stored[0].topic.endswith("/Family.Created/v1"):
        raise ValueError(f"version 1 is {stored[0].topic}, not the family's creation")
    first = orjson.loads(open_json(stored[0].state))
    created_on = datetime.fromisoformat(first["timestamp"]["_data_"])
    records = []
    for event in stored[1:]:
        data = orjson.loads(open_json(event.state))
        record = plain_record(data, event_type_of(event.topic), event.originator_version)
        record["extra"] = data["extra"]
        record["chain"] = data["chain"]
        records.append(record)
    return created_on, records
