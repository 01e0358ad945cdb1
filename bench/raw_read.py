"""Raw read baseline for rebuild: the notification log read end to end, no projection.

    python -m bench.raw_read DATABASE_URL

Two reads, each timed inside this process (so interpreter start is left out, as
`casejourney rebuild` leaves it out of its own figure): (1) the notification log
in id order through the recorder's `select_notifications`, in pages of 5,000, the
library's bulk read and what a tracking projection follows; (2) the events table in
(family, version) order with a server-side cursor, the very scan `rebuild` makes,
without decoding or folding. Prints one JSON line.
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any

from store.database_url import eventsourcing_env
from store.family_store import FamilyStore

PAGE = 5_000


def read_log(store: FamilyStore) -> tuple[int, int, float]:
    started = time.perf_counter()
    position, count, size = 0, 0, 0
    while True:
        notes = store.recorder.select_notifications(
            start=position, limit=PAGE, inclusive_of_start=False
        )
        if not notes:
            break
        count += len(notes)
        size += sum(len(n.state) for n in notes)
        position = notes[-1].id
    return count, size, time.perf_counter() - started


def ordered_scan(store: FamilyStore) -> tuple[int, float]:
    recorder: Any = store.recorder
    table = recorder.events_table_name
    started = time.perf_counter()
    count = 0
    if store.dialect == "postgresql":
        import psycopg

        schema = recorder.datastore.schema
        sql = (
            "SELECT originator_id, originator_version, topic, state "
            f'FROM "{schema}"."{table}" ORDER BY originator_id, originator_version'
        )
        with psycopg.connect(store.database_url) as conn, conn.cursor(name="raw") as cur:
            cur.itersize = PAGE
            cur.execute(sql)
            for _ in cur:
                count += 1
    else:
        import sqlite3

        path = eventsourcing_env(store.database_url)["SQLITE_DBNAME"]
        with sqlite3.connect(path) as conn:
            cur = conn.execute(
                f"SELECT originator_id, originator_version, topic, state FROM {table} "
                "ORDER BY originator_id, originator_version"
            )
            while page := cur.fetchmany(PAGE):
                count += len(page)
    return count, time.perf_counter() - started


def main(argv: list[str]) -> int:
    with FamilyStore(argv[0]) as store:
        count, size, seconds = read_log(store)
        scanned, scan_seconds = ordered_scan(store)
    print(
        json.dumps(
            {
                "notifications": count,
                "state_bytes": size,
                "log_seconds": seconds,
                "scanned": scanned,
                "scan_seconds": scan_seconds,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
