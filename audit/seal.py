"""`casejourney seal`: check and seal only what was recorded since the last seal.

Cheap (it reads the new rows plus, per family they touch, the event before
them), so it can run every few minutes or after each ingest. The sooner a row
is sealed, the sooner a later edit of it is named an edit and a row slipped in
around it an insertion, rather than "altered" (see findings.ALTERED).
"""

from __future__ import annotations

import time

from eventsourcing.persistence import Notification

from audit.chains import FamilyChains, Stream, row_digest, uuid_of
from audit.findings import VerifyReport
from audit.sealtable import SealTable
from audit.verify import Walk, log_rows, merge
from domain.family import GENESIS, Family
from store.codec import CREATED_TOPIC
from store.family_store import FamilyStore


def _seed(store: FamilyStore, chains: FamilyChains, row: Notification) -> None:
    """Give the chain check the stream's state just before the first new row."""
    oid = uuid_of(row.originator_id)
    if oid in chains.streams or row.originator_version <= 1:
        return
    before = list(
        store.app.events.get(oid, gt=row.originator_version - 2, lte=row.originator_version - 1)
    )
    created = list(store.app.events.get(oid, lte=1))
    if not before or not created or not isinstance(created[0], Family.Created):
        return  # left unseeded: the check then reports the missing events
    previous = before[0]
    chain = previous.chain if isinstance(previous, Family.Recorded) else GENESIS
    chains.streams[oid] = Stream(created[0].family_id, row.originator_version, chain)


def seal_new(store: FamilyStore) -> VerifyReport:
    """Check the rows after the seal against their family chains and seal the sound ones
    (up to the first that is not). Rows already sealed are not re-read: `verify` does that."""
    started = time.perf_counter()
    table = SealTable(store)
    table.create()
    walk = Walk(store, table, [])
    for row in log_rows(store, start=walk.sealed_head + 1):
        walk.report.events += 1
        walk.report.created += int(row.topic == CREATED_TOPIC)
        _seed(store, walk.chains, row)
        sound = walk.family_check(row, sealed=False)
        oid = uuid_of(row.originator_id)
        digest = row_digest(row.id, oid, row.originator_version, row.topic, row.state)
        walk.unsealed_row(row, digest, sound)
        walk.flush_tail(final=False)
    walk.flush_tail(final=True)
    walk.report.families = len(walk.chains.streams)
    walk.report.findings = merge(walk.report.findings)
    walk.report.seconds = time.perf_counter() - started
    return walk.report
