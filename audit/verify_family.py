"""Verification of one family: its chain and its sealed entries, in a few queries.

For the audit pack and the dashboard, where walking a national store per request
would be far too slow. It sees what the full walk sees for this family, except
rows that moved to another family's stream (the full walk reports those).
"""

from __future__ import annotations

import time

from eventsourcing.persistence import Notification

from audit.chains import FamilyChains, row_digest, seal_link
from audit.findings import DELETED, EDITED, INSERTED, Finding, VerifyReport
from audit.sealtable import SealTable
from audit.verify import check_row, merge
from domain.family import family_uuid
from store.family_store import FamilyStore


def family_rows(store: FamilyStore, family_id: str) -> list[Notification]:
    """The family's stored rows with their log positions, in stream order."""
    return store.recorder.stream_notifications(family_uuid(family_id))


def verify_family(store: FamilyStore, family_id: str) -> VerifyReport:
    """Check one family's stream against its chain and the seal; never extends the seal."""
    started = time.perf_counter()
    table = SealTable(store)
    table.create()
    head, head_link = table.head()
    oid = family_uuid(family_id)
    sealed = {e.notification_id: e for e in table.family_entries([family_id, f"stream {oid}"])}
    rows = family_rows(store, family_id)
    report = VerifyReport(events=len(rows), families=1 if rows else 0)
    report.sealed_before = report.sealed_now = head
    report.seal_head = head_link
    chains = FamilyChains()
    found: list[Finding] = []
    for row in rows:
        entry = sealed.pop(row.id, None)
        found += check_row(store, chains, row, entry is not None, row.id <= head)
        digest = row_digest(row.id, oid, row.originator_version, row.topic, row.state)
        if entry is not None:
            if seal_link(table.link_before(row.id), digest) != entry.link:
                detail = "stored bytes differ from when they were sealed"
                found.append(Finding(EDITED, family_id, row.originator_version, row.id, detail))
        elif row.id <= head:
            detail = "an event inside the sealed log that was never sealed"
            found.append(Finding(INSERTED, family_id, row.originator_version, row.id, detail))
    for entry in sealed.values():
        detail = "a sealed event is no longer in the store"
        found.append(Finding(DELETED, family_id, entry.version, entry.notification_id, detail))
    report.findings = merge(found)
    report.seconds = time.perf_counter() - started
    return report
