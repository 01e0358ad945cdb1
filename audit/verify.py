"""`casejourney verify`: walk the whole log once, check both chains, extend the seal.

One pass in log order, reading big pages through the recorder (no per-family
queries), so it scales to a national store: see the measured figures in the
report. Rows past the seal are checked by their family chain only; those that
pass are sealed (unless `seal=False`), up to the first row with a problem, so a
problem stays visible to the next run.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterator

from eventsourcing.persistence import Notification

from audit.chains import FamilyChains, row_digest, seal_link, uuid_of
from audit.findings import (
    ALTERED,
    DELETED,
    EDITED,
    INSERTED,
    UNREADABLE,
    Finding,
    VerifyReport,
)
from audit.sealtable import SealEntry, SealTable
from store.anchor import Anchor
from store.codec import CREATED_TOPIC
from store.family_store import FamilyStore

PAGE = 10_000


def log_rows(store: FamilyStore, start: int = 1) -> Iterator[Notification]:
    while True:
        page = store.recorder.select_notifications(start=start, limit=PAGE)
        yield from page
        if len(page) < PAGE:
            return
        start = page[-1].id + 1


def _unsealed(finding: Finding, inside_seal: bool) -> Finding:
    """A hash mismatch on a row the seal does not hold: inside the sealed part of the log
    it can only have been inserted; past it, it was inserted or edited, unknown which."""
    if finding.problem != EDITED:
        return finding
    if inside_seal:
        return Finding(INSERTED, *dataclasses.astuple(finding)[1:])
    detail = finding.detail + " (recorded after the last seal: inserted, or edited since)"
    return Finding(ALTERED, finding.family_id, finding.version, finding.notification_id, detail)


def check_row(
    store: FamilyStore, chains: FamilyChains, row: Notification, sealed: bool, inside: bool
) -> list[Finding]:
    """The family-chain findings for one stored row, worded by what the seal knows of it."""
    try:
        event = store.to_domain_event(row)
    except Exception as error:  # any decoding failure means the bytes were altered
        label = chains.label(uuid_of(row.originator_id))
        detail = f"cannot be decoded ({type(error).__name__})"
        return [Finding(UNREADABLE, label, row.originator_version, row.id, detail)]
    found = chains.check(row.id, uuid_of(row.originator_id), row.originator_version, event)
    if not sealed:
        found = [_unsealed(f, inside) if f.notification_id == row.id else f for f in found]
    return found


class Walk:
    """State of one verification pass (kept out of `verify` to keep each step small)."""

    def __init__(self, store: FamilyStore, seal: SealTable, anchors: list[Anchor]) -> None:
        self.store = store
        self.seal = seal
        self.report = VerifyReport()
        self.chains = FamilyChains()
        self.sealed_head, self.stored_link = seal.head()
        self.report.sealed_before = self.report.sealed_now = self.sealed_head
        self.report.seal_head = self.stored_link
        self.prev_link = self.running = "0" * 64
        self.anchors = {a.position: a.link for a in anchors}
        self.tail: list[SealEntry] = []
        self.tail_link = self.stored_link
        self.sealing = True

    def deleted(self, entry: SealEntry) -> None:
        detail = "a sealed event is no longer in the store"
        self.report.findings.append(
            Finding(DELETED, entry.family_id, entry.version, entry.notification_id, detail)
        )
        self.after_sealed(entry)

    def after_sealed(self, entry: SealEntry) -> None:
        self.prev_link = entry.link
        expected = self.anchors.pop(entry.notification_id, None)
        if expected is not None:
            self.report.anchors_checked += 1
            if expected != self.running:
                detail = "the log up to this anchor differs from when the anchor was written down"
                self.report.findings.append(
                    Finding(EDITED, entry.family_id, None, entry.notification_id, detail)
                )

    def sealed_row(self, row: Notification, entry: SealEntry, digest: bytes) -> None:
        self.running = seal_link(self.running, digest)
        if seal_link(self.prev_link, digest) != entry.link:
            moved = (entry.version != row.originator_version) or (
                self.chains.label(uuid_of(row.originator_id)) != entry.family_id
            )
            detail = (
                "the sealed event here was replaced by another"
                if moved
                else "stored bytes differ from when they were sealed"
            )
            self.report.findings.append(
                Finding(EDITED, entry.family_id, entry.version, row.id, detail)
            )
        self.after_sealed(entry)

    def unsealed_row(self, row: Notification, digest: bytes, sound: bool) -> None:
        if row.id <= self.sealed_head:
            label = self.chains.label(uuid_of(row.originator_id))
            detail = "an event inside the sealed log that was never sealed"
            self.report.findings.append(
                Finding(INSERTED, label, row.originator_version, row.id, detail)
            )
            return
        if not sound:
            self.sealing = False
        if self.sealing:
            self.tail_link = seal_link(self.tail_link, digest)
            label = self.chains.label(uuid_of(row.originator_id))
            self.tail.append(SealEntry(row.id, label, row.originator_version, self.tail_link))

    def family_check(self, row: Notification, sealed: bool) -> bool:
        inside = row.id <= self.sealed_head
        found = check_row(self.store, self.chains, row, sealed, inside)
        self.report.findings.extend(found)
        return not found

    def flush_tail(self, final: bool) -> None:
        if not self.tail or (not final and len(self.tail) < PAGE):
            return
        if self.seal.append(self.tail, self.report.sealed_now):
            self.report.sealed_now = self.tail[-1].notification_id
            self.report.seal_head = self.tail[-1].link
        else:
            self.report.notes.append("seal not extended: another run sealed meanwhile")
            self.sealing = False
        self.tail = []


def verify(
    store: FamilyStore, seal: bool = True, anchors: list[Anchor] | None = None
) -> VerifyReport:
    """Walk every stored event; report tampering; extend the seal when `seal`."""
    started = time.perf_counter()
    table = SealTable(store)
    table.create()
    walk = Walk(store, table, list(anchors or []))
    walk.sealing = seal
    entries = table.entries()
    entry = next(entries, None)
    for row in log_rows(store):
        walk.report.events += 1
        walk.report.created += int(row.topic == CREATED_TOPIC)
        while entry is not None and entry.notification_id < row.id:
            walk.deleted(entry)
            entry = next(entries, None)
        sealed = entry is not None and entry.notification_id == row.id
        sound = walk.family_check(row, sealed)
        oid = uuid_of(row.originator_id)
        digest = row_digest(row.id, oid, row.originator_version, row.topic, row.state)
        if entry is not None and sealed:
            walk.sealed_row(row, entry, digest)
            entry = next(entries, None)
        else:
            walk.unsealed_row(row, digest, sound)
            if seal:
                walk.flush_tail(final=False)
    while entry is not None:
        walk.deleted(entry)
        entry = next(entries, None)
    if seal:
        walk.flush_tail(final=True)
    for nid in walk.anchors:
        walk.report.findings.append(
            Finding(EDITED, "-", None, nid, "anchor position is not in the seal")
        )
    walk.report.families = len(walk.chains.streams)
    if store.keys is not None:
        walk.report.erased = [(e.family_id, e.erased_on, e.rule) for e in store.keys.erasures()]
    walk.report.findings = merge(walk.report.findings)
    walk.report.seconds = time.perf_counter() - started
    return walk.report


def merge(findings: list[Finding]) -> list[Finding]:
    """One finding per problem and place: the seal and a family chain often see the same."""
    merged: dict[tuple[str, str, int | None], Finding] = {}
    for f in findings:
        key = (f.problem, f.family_id, f.version)
        seen = merged.get(key)
        if seen is None:
            merged[key] = f
        elif f.detail not in seen.detail:
            nid = seen.notification_id or f.notification_id
            merged[key] = Finding(
                f.problem, f.family_id, f.version, nid, f"{seen.detail}; {f.detail}"
            )
    return sorted(
        merged.values(), key=lambda f: (f.notification_id or 0, f.family_id, f.version or 0)
    )
