"""What a newer file leaves out: the retractions it implies (README "Corrections").

Absence is weak evidence, so the rule is narrow; see `retractions`.
"""

from __future__ import annotations

from collections import defaultdict

from consumers.returns import reconcile
from consumers.returns.facts import Fact, Reject, Where
from consumers.returns.reconcile import StoredFact
from consumers.returns.source_file import SourceFile
from consumers.returns.values import BLANK
from domain.contract import ContractEvent


def retractions(
    source: SourceFile,
    facts: list[Fact],
    views: dict[str, dict[str, StoredFact]],
    stated: set[tuple[str, str]],
    refused: list[Reject],
) -> list[tuple[ContractEvent, str, Where]]:
    """Stored imported facts this (newer) file contradicts by leaving them out.

    Conservative: only facts an import of the same return and the same list or
    section recorded; only when this file speaks for the same date or a later
    one; never a fact this file states anywhere, nor one of a record it keeps with
    a field it could not read; and a whole record only when
    its start date falls inside the period the file covers for that section,
    for a child the file reports on there, none of whose rows were rejected.
    """
    if source.as_of is None:
        return []
    present: dict[tuple[str, str], set[str]] = defaultdict(set)
    unread: set[tuple[str, str]] = set()  # records kept with a field it could not read
    for fact in facts:
        if fact.key_date is not None:
            present[(fact.record.section, fact.key)].add(fact.event_id)
            if any(why != BLANK for _, why in fact.record.dropped):
                unread.add((fact.record.section, fact.key))
    blocked: dict[str, set[str | None]] = defaultdict(set)
    for reject in refused:
        blocked[reject.section].add(reject.child_id)
    out: list[tuple[ContractEvent, str, Where]] = []
    for family_id, view in views.items():
        for stored in view.values():
            if (
                stored.retracted
                or stored.pinned
                or stored.source != source.source
                or stored.key_date is None
                or (family_id, stored.event_id) in stated
                or (stored.as_of is not None and source.as_of < stored.as_of)
            ):
                continue
            here = present.get((stored.section, stored.key))
            if here is not None:
                # an unreadable field is not a field left out: it may hold this fact
                if not stored.conditional or (stored.section, stored.key) in unread:
                    continue
                why = (
                    f"{source.file} ({stored.section}) keeps this record but no longer states this"
                )
            else:
                span = source.coverage.get(stored.section)
                if span is None or not span[0] <= stored.key_date <= span[1]:
                    continue
                if stored.child_id not in source.presence.get(stored.section, set()):
                    continue
                if None in blocked[stored.section] or stored.child_id in blocked[stored.section]:
                    continue
                why = (
                    f"{source.file} ({stored.section}) covers {span[0]} to {span[1]} and no"
                    " longer includes this record"
                )
            event = reconcile.retraction(family_id, stored, why, source.as_of, source.file)
            out.append((event, stored.section, Where(source.file, stored.section)))
    return out
