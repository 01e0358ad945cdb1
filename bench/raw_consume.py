"""Raw ingest baseline: the same messages, kafka-python to PostgreSQL COPY, no domain work.

    python -m bench.raw_consume DATABASE_URL BOOTSTRAP GROUP EXPECTED TOPIC...

Same client library, same batch size and the same commit discipline as `casejourney
consume` (store first, then commit offsets), but no JSON parsing, no validation and
no aggregates: each message's topic, partition, offset, key and value go into a
plain table (no index, no constraint) with COPY. It is the fastest the same parts
go, which is what the consumer's rate is judged against. Prints one JSON line.
"""

from __future__ import annotations

import json
import sys
import time

import psycopg
from kafka import KafkaConsumer

from store.family_store import BATCH_EVENTS

STARTED = time.perf_counter()
BATCH = BATCH_EVENTS  # the consumer's default (CASEJOURNEY_BATCH_SIZE)
IDLE_GIVE_UP_S = 30.0

TABLE = """
CREATE TABLE IF NOT EXISTS raw_events (
    topic text, part integer, "offset" bigint, key text, value text
)
"""


def main(argv: list[str]) -> int:
    database_url, bootstrap, group, expected_text, *topics = argv
    expected = int(expected_text)
    consumer = KafkaConsumer(
        *topics,
        bootstrap_servers=bootstrap,
        group_id=group,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        max_poll_records=BATCH,
    )
    written = 0
    first_s: float | None = None
    last = time.monotonic()
    with psycopg.connect(database_url) as conn:
        conn.execute(TABLE)
        conn.commit()
        while written < expected and time.monotonic() - last < IDLE_GIVE_UP_S:
            batch = consumer.poll(timeout_ms=500, max_records=BATCH)
            if not batch:
                continue
            last = time.monotonic()
            with (
                conn.cursor() as cur,
                cur.copy('COPY raw_events (topic, part, "offset", key, value) FROM STDIN') as copy,
            ):
                for records in batch.values():
                    for r in records:
                        key = r.key.decode() if r.key is not None else None
                        copy.write_row((r.topic, r.partition, r.offset, key, r.value.decode()))
                        written += 1
            conn.commit()
            consumer.commit()
            if first_s is None:
                first_s = time.perf_counter() - STARTED
        done_s = time.perf_counter() - STARTED
    consumer.close(autocommit=False)
    print(json.dumps({"written": written, "first_s": first_s, "done_s": done_s}))
    return 0 if written >= expected else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
