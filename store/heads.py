"""What the writer keeps per family instead of its history: a head and its event ids.

Recording a fact needs only three things: is its event id new for the family, the
family's next version, and the chain head to hash onto. Folding each uncached
family's whole history to learn them made the write path grow with the history
(at national scale nearly every batch meets uncached families). So two tables of
our own, beside the events table and written in the same transaction as the events:

- `cj_family_head`: one row per family (originator id, version, chain head);
- `cj_family_event`: one row per recorded event id, unique per family.

The events table's (originator_id, originator_version) key still turns a racing
writer into a retry; the event-id key catches the one race the version key cannot
(a writer that read the head after another's commit but the ids before it).
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

HEAD_TABLE = "cj_family_head"
EVENT_TABLE = "cj_family_event"


@dataclass(frozen=True)
class Head:
    """A family's stream as the writer needs it: its last version and chain hash."""

    version: int
    chain: str


# (originator id, version, chain head) and (originator id, event id), as written
HeadRow = tuple[UUID, int, str]
EventIdRow = tuple[UUID, str]
