"""Counts of what the store holds, read straight from the notification log.

Used by `casejourney summary` and `make demo`; a full scan is fine there, and
the projections keep the same figures incrementally for the dashboard.
"""

from __future__ import annotations

from typing import Any

from store.family_store import FamilyStore

PAGE = 5_000


def store_census(store: FamilyStore) -> dict[str, Any]:
    families = events = referrals = 0
    children: set[str] = set()
    start = 1
    while True:
        page = store.recorder.select_notifications(start=start, limit=PAGE)
        for n in page:
            if n.topic.endswith("/Family.Created/v1"):
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
    }
