"""The two hash chains and how a walk of the log checks them. No I/O here.

Family chain (in every stored event, computed by `domain.family.chain_hash` when
the event is recorded): sha256 over the event's content (type, ids, business
date, author, payload, recording time), its stream position and the previous
event's chain. It proves each event still says what it said when recorded and
that nothing was removed or slipped in between two events of a family. It does
not prove the family's latest events still exist, and anyone who can write the
database and recompute sha256 could rewrite a family consistently.

Log chain (the seal, a table beside the events, extended by `casejourney verify`):
sha256 over (previous link, notification id, stream, position, topic, stored
bytes) for every row in log order. It proves that every sealed row is still
there, unchanged, with no row added among them; written down outside the
database, one seal head proves the whole log up to that point unchanged.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from uuid import UUID

from audit.findings import DELETED, EDITED, INSERTED, Finding
from domain.family import GENESIS, Family, chain_hash, family_uuid


def uuid_of(originator_id: UUID | str) -> UUID:
    """A stored row's originator as a UUID (the library types it as either)."""
    return originator_id if isinstance(originator_id, UUID) else UUID(originator_id)


def row_digest(
    notification_id: int, originator_id: UUID, version: int, topic: str, state: bytes
) -> bytes:
    """The sha256 of one stored row exactly as the database holds it."""
    head = f"{notification_id}|{originator_id.hex}|{version}|{topic}|".encode()
    return hashlib.sha256(head + state).digest()


def seal_link(previous: str, digest: bytes) -> str:
    """The next link of the log chain."""
    return hashlib.sha256(bytes.fromhex(previous) + digest).hexdigest()


@dataclass
class Stream:
    family_id: str | None  # None when the family's creation event is missing
    next_version: int
    chain: str


class FamilyChains:
    """Checks each family's stream as its events come by in log order."""

    def __init__(self) -> None:
        self.streams: dict[UUID, Stream] = {}

    def label(self, originator_id: UUID) -> str:
        stream = self.streams.get(originator_id)
        if stream is not None and stream.family_id is not None:
            return stream.family_id
        return f"stream {originator_id}"

    def check(self, nid: int, originator_id: UUID, version: int, event: object) -> list[Finding]:
        """Findings for one decoded stored event (an empty list when it is sound)."""
        stream = self.streams.get(originator_id)
        if isinstance(event, Family.Created):
            return self._created(nid, originator_id, version, event, stream)
        assert isinstance(event, Family.Recorded)
        found: list[Finding] = []
        if stream is None:
            stream = self.streams[originator_id] = Stream(None, 1, GENESIS)
        label = self.label(originator_id)
        if version < stream.next_version:
            detail = (
                f"position {version} appears in the log after position {stream.next_version - 1}"
            )
            return [Finding(INSERTED, label, version, nid, detail)]
        gap = version > stream.next_version
        if gap:
            missing = list(range(stream.next_version, version))
            what = "the family's creation" if missing == [1] else f"positions {_span(missing)}"
            found.append(
                Finding(DELETED, label, stream.next_version, None, f"{what} missing before #{nid}")
            )
        if stream.family_id is not None and not gap:
            expected = chain_hash(stream.chain, stream.family_id, version, event.as_record())
            if event.chain != expected:
                detail = (
                    f"event {event.event_id} ({type(event).__name__}) does not match its hash:"
                    " changed after it was recorded, or the event before it was rewritten"
                )
                found.append(Finding(EDITED, label, version, nid, detail))
        stream.chain = event.chain
        stream.next_version = version + 1
        return found

    def _created(
        self,
        nid: int,
        originator_id: UUID,
        version: int,
        event: Family.Created,
        stream: Stream | None,
    ) -> list[Finding]:
        label = event.family_id
        if stream is not None or version != 1:
            return [Finding(INSERTED, label, version, nid, "a second creation of the family")]
        if family_uuid(event.family_id) != originator_id:
            detail = "the family id in its creation event does not match its stream"
            self.streams[originator_id] = Stream(None, 2, GENESIS)
            return [Finding(EDITED, f"stream {originator_id}", version, nid, detail)]
        self.streams[originator_id] = Stream(event.family_id, 2, GENESIS)
        return []


def _span(numbers: list[int]) -> str:
    return str(numbers[0]) if len(numbers) == 1 else f"{numbers[0]}-{numbers[-1]}"
