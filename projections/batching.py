"""How much of the notification log one projection batch takes."""

from __future__ import annotations

from collections.abc import Sequence

from eventsourcing.persistence import Notification

# The default bound on families a batch touches: at the whole council scale a
# follower catching up with it peaked at about 1.2 GiB (README, configuration).
BATCH_FAMILIES = 8_000
# The projector's family cache (families, and their events: families differ a
# hundredfold in length): a family held here is extended by its new events alone,
# one evicted is read back and folded whole. Larger helps a follower of a whole
# council (8,000 and 300,000: ~5% less CPU, +140 MiB, README) but every consumer
# with projections on holds it too, and a larger heap lengthens the full
# collections that once set the alert latency's tail; so the default stays small.
CACHE_FAMILIES = 2_000
CACHE_EVENTS = 100_000


def within_families(notes: Sequence[Notification], families: int) -> Sequence[Notification]:
    """The longest prefix of `notes` that touches at most `families` families (never
    empty): a batch holds every touched family's whole history and rows at once, so
    the families, not the notifications, are what its memory grows with. Large
    batches are what make catching up cheap (each family is folded once for many of
    its events), and this bound is what lets them be large."""
    seen: set[object] = set()
    for i, n in enumerate(notes):
        seen.add(n.originator_id)
        if len(seen) > families and i:
            return notes[:i]
    return notes
