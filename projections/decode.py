"""Stored events to the plain records the rules read, without building event objects.

Rebuild speed is bounded by decoding, so when the store keeps plain JSON (no
cipher, no compression: the default) the state is read with orjson and
mapped straight to the dict `Family.Recorded.as_record()` would give. With a
cipher or compressor configured the application's own mapper decodes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

import orjson
from eventsourcing.persistence import StoredEvent

from store.family_store import FamilyStore
from store.streams import plain_record

CREATED = "Family.Created"

# (event type, version, family id for Created else None, record for others else None)
Decoded = tuple[str, int, str | None, dict[str, Any] | None]


def event_type_of(topic: str) -> str:
    """ "casejourney/ReferralReceived/v1" -> "ReferralReceived"."""
    return topic.split("/", 2)[1]


def _fast(topic: str, version: int, state: bytes) -> Decoded:
    data = orjson.loads(state)
    event_type = event_type_of(topic)
    if event_type == CREATED:
        return event_type, version, data["family_id"], None
    record = plain_record(data, event_type, version)
    return event_type, version, None, record


Decoder = Callable[[str, int, bytes, Any], Decoded]


def plain_decode(topic: str, version: int, state: bytes, originator_id: Any = None) -> Decoded:
    """Decode a stored event kept as plain JSON (what rebuild workers use)."""
    return _fast(topic, version, state)


def decoder_for(store: FamilyStore) -> Decoder:
    """A function (topic, version, state, originator_id) -> Decoded for this store."""
    mapper = store.app.mapper
    plain = store.plain_json

    def decode(topic: str, version: int, state: bytes, originator_id: UUID | str) -> Decoded:
        if plain:
            return _fast(topic, version, state)
        oid = originator_id if isinstance(originator_id, UUID) else UUID(str(originator_id))
        event = mapper.to_domain_event(StoredEvent(oid, version, topic, bytes(state)))
        event_type = event_type_of(topic)
        if event_type == CREATED:
            return event_type, version, event.family_id, None  # type: ignore[attr-defined]
        record = event.as_record()  # type: ignore[attr-defined]
        record.pop("chain", None)
        record.pop("extra", None)
        return event_type, version, None, record

    return decode
