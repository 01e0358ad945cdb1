"""Counts of what the store holds, read straight from the notification log.

Used by `casejourney summary` and `make demo`; a full scan is fine there, and
the projections keep the same figures incrementally for the dashboard. `events`
are contract events; `records` adds each family's creation record, which is what
`casejourney verify` walks, so the two commands' numbers can be read side by side.
"""

from __future__ import annotations

from typing import Any

from store.codec import CREATED_TOPIC
from store.family_store import FamilyStore

PAGE = 5_000


def store_census(store: FamilyStore) -> dict[str, Any]:
    families = events = referrals = 0
    children: set[str] = set()
    start = 1
    while True:
        page = store.recorder.select_notifications(start=start, limit=PAGE)
        for n in page:
            if n.topic == CREATED_TOPIC:
                families += 1
                continue
            events += 1
            if n.topic.endswith("/ReferralReceived/v1"):
                referrals += 1
            if n.topic.endswith(("/ChildAdded/v1", "/ReferralReceived/v1")):
                child_id = getattr(store.to_domain_event(n), "child_id", None)
                if child_id:
                    children.add(child_id)
        if len(page) < PAGE:
            break
        start = page[-1].id + 1
    return {
        "families": families,
        "children": len(children),
        "referrals": referrals,
        "events": events,
        "records": events + families,
    }
