"""The head tables' backfill: a store recorded before them gets every head and event id.

Run once, when the store is opened and the head tables are new (under the schema
lock on PostgreSQL). Reads the log a page at a time; memory holds one head per
family and a page of event ids, never a history.
"""

from __future__ import annotations

import logging
from typing import Any
from uuid import UUID

import orjson
from eventsourcing.persistence import Mapper, StoredEvent

from domain.family import GENESIS
from store.codec import CREATED_TOPIC, opener
from store.heads import EventIdRow, HeadRow
from store.recorder import FamilyRecorder

log = logging.getLogger(__name__)

PAGE = 10_000


def backfill_heads(recorder: FamilyRecorder, mapper: Mapper[Any]) -> int:
    """Write the head and event ids of every family in the log; return how many families."""
    open_json = opener(mapper)
    heads: dict[UUID, tuple[int, str]] = {}
    ids: list[EventIdRow] = []
    for oid, version, topic, state in recorder.log_rows():
        uuid = oid if isinstance(oid, UUID) else UUID(str(oid))
        if topic == CREATED_TOPIC:
            event_id, chain = None, GENESIS
        elif open_json is not None:
            data = orjson.loads(open_json(state))
            event_id, chain = data["event_id"], data["chain"]
        else:
            event: Any = mapper.to_domain_event(StoredEvent(uuid, version, topic, state))
            event_id, chain = event.event_id, event.chain
        if version > heads.get(uuid, (0, ""))[0]:
            heads[uuid] = (version, chain)
        if event_id is not None:
            ids.append((uuid, event_id))
        if len(ids) >= PAGE:
            recorder.upsert_heads([], ids)
            ids = []
    rows: list[HeadRow] = [(uuid, v, chain) for uuid, (v, chain) in heads.items()]
    for start in range(0, len(rows), PAGE):
        recorder.upsert_heads(rows[start : start + PAGE], [])
    recorder.upsert_heads([], ids)
    if rows:
        log.info("backfilled the heads of %d families", len(rows))
    return len(rows)
