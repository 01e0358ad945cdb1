"""Many family streams per round trip, beneath eventsourcing's one-stream-at-a-time API.

Why: profiling `consume` on PostgreSQL (bench/results/profiles/) showed one query
per family not in the write cache (12% of the time) and psycopg adapting the
composite-array INSERT row by row (12%). Reading every uncached family of a batch
with one query, and writing with COPY under the same table lock eventsourcing
takes, keeps its guarantees (notification ids committed in the order issued; the
(originator_id, originator_version) key turning a racing writer into an
IntegrityError) at a fraction of the cost.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

import orjson
from eventsourcing.persistence import ApplicationRecorder, StoredEvent

SQLITE_CHUNK = 500  # bound variables per statement, well under SQLite's limit

COLUMNS = "originator_id, originator_version, topic, state"


def is_postgres(recorder: ApplicationRecorder) -> bool:
    return hasattr(recorder, "lock_table_statements")


def select_streams(
    recorder: ApplicationRecorder, originator_ids: Sequence[UUID]
) -> dict[UUID, list[StoredEvent]]:
    """Every stored event of these originators, in version order, keyed by originator."""
    streams: dict[UUID, list[StoredEvent]] = {}
    if not originator_ids:
        return streams
    for row in _rows(recorder, originator_ids):
        originator = row["originator_id"]
        if not isinstance(originator, UUID):
            originator = UUID(originator)
        streams.setdefault(originator, []).append(
            StoredEvent(originator, row["originator_version"], row["topic"], row["state"])
        )
    return streams


def _rows(recorder: Any, originator_ids: Sequence[UUID]) -> list[Any]:
    table = recorder.events_table_name
    if is_postgres(recorder):
        from psycopg.sql import SQL, Identifier

        query = SQL(
            "SELECT " + COLUMNS + " FROM {}.{} WHERE originator_id = ANY(%s) "
            "ORDER BY originator_id, originator_version"
        ).format(Identifier(recorder.datastore.schema), Identifier(table))
        with recorder.datastore.get_connection() as conn, conn.cursor() as cur:
            cur.execute(query, (list(originator_ids),))
            return cur.fetchall()
    rows: list[Any] = []
    with recorder.datastore.transaction(commit=False) as cur:
        for start in range(0, len(originator_ids), SQLITE_CHUNK):
            chunk = [u.hex for u in originator_ids[start : start + SQLITE_CHUNK]]
            marks = ", ".join("?" * len(chunk))
            cur.execute(
                f"SELECT {COLUMNS} FROM {table} WHERE originator_id IN ({marks}) "
                "ORDER BY originator_id, originator_version",
                chunk,
            )
            rows.extend(cur.fetchall())
    return rows


def insert_streams(recorder: ApplicationRecorder, stored: Sequence[StoredEvent]) -> None:
    """Write new stored events in one transaction (COPY on PostgreSQL)."""
    if not stored:
        return
    if not is_postgres(recorder):
        recorder.insert_events(stored)
        return
    _copy(recorder, stored)


def _copy(recorder: Any, stored: Sequence[StoredEvent]) -> None:
    from psycopg.sql import SQL, Identifier

    schema = Identifier(recorder.datastore.schema)
    table = Identifier(recorder.events_table_name)
    with recorder.datastore.get_connection() as conn, conn.transaction(), conn.cursor() as cur:
        # The table lock makes commit order equal notification-id order, so a
        # follower never passes over an id that commits later (as eventsourcing does).
        for statement in recorder.lock_table_statements:
            cur.execute(statement, prepare=True)
        cur.execute(SQL("NOTIFY {}").format(Identifier(recorder.channel_name)))
        copy_sql = SQL("COPY {}.{} (" + COLUMNS + ") FROM STDIN").format(schema, table)
        with cur.copy(copy_sql) as copy:
            for event in stored:
                copy.write_row(
                    (event.originator_id, event.originator_version, event.topic, event.state)
                )


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


def plain_history(stored: Sequence[StoredEvent]) -> tuple[datetime, list[dict[str, Any]]]:
    """(created on, records) of one family's stream kept as plain JSON (no cipher, no
    compression), read with orjson: the records `Family.Recorded.as_record` gives.

    Raises ValueError when the stream does not start with the family's creation or
    its versions skip or repeat: the store reports that as a broken history.
    """
    versions = [event.originator_version for event in stored]
    if versions != list(range(1, len(stored) + 1)):
        raise ValueError(f"versions {versions[:3]}... do not run 1, 2, 3 without a gap")
    if not stored[0].topic.endswith("/Family.Created/v1"):
        raise ValueError(f"version 1 is {stored[0].topic}, not the family's creation")
    created_on = datetime.fromisoformat(orjson.loads(stored[0].state)["timestamp"]["_data_"])
    records = []
    for event in stored[1:]:
        data = orjson.loads(event.state)
        record = plain_record(data, event.topic.split("/", 2)[1], event.originator_version)
        record["extra"] = data["extra"]
        record["chain"] = data["chain"]
        records.append(record)
    return created_on, records
