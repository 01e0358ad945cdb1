"""Retention: destroy the keys of families past their retention date (crypto-shredding).

Only the family's data key goes: its events, hash chains, codes, dates and counts
stay, so `verify` still proves the store untouched and the figures still count the
family; its sealed personal values can no longer be opened by anyone. Families
recorded before keys were in use hold no sealed values and cannot be shredded: they
are counted apart so an operator sees them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from domain.retention import Retention, RetentionSchedule, first_seen, retention_of
from store.family_keys import FamilyKeys
from store.family_store import FamilyStore


@dataclass
class RetentionRun:
    as_at: date
    dry_run: bool
    checked: int = 0
    due: list[tuple[str, Retention]] = field(default_factory=list)


def keys_of(store: FamilyStore) -> FamilyKeys:
    if store.keys is None:
        raise ValueError(
            "retention destroys family keys: set CASEJOURNEY_CIPHER_KEY (a store kept "
            "without one holds nothing that can be erased this way)"
        )
    return store.keys


def run_retention(
    store: FamilyStore, schedule: RetentionSchedule, as_at: date, *, dry_run: bool = False
) -> RetentionRun:
    """Every family with a key, judged by the schedule on `as_at`; those past it have
    their key destroyed (unless `dry_run`), recorded as erased on `as_at`."""
    keys = keys_of(store)
    run = RetentionRun(as_at, dry_run)
    for family_id in keys.live():
        family = store.get(family_id)
        if family is None:
            continue
        run.checked += 1
        retention = retention_of(family.state, first_seen(family.records), schedule)
        if retention.due(as_at):
            run.due.append((family_id, retention))
    if not dry_run:
        keys.erase([(family_id, as_at, r.rule) for family_id, r in run.due])
    return run
