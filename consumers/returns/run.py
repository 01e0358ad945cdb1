"""The import run: records to facts, facts against the store, events in batches.

Files are taken oldest first (by the date each speaks for), each reconciled with
the store as the files before it left it, so importing two years in one command
records the first year and then corrects it, exactly as two commands would.
Links (which referral an assessment followed) are drawn from the store and from
every file of the run, whatever their order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from consumers.rejects import RejectsFile
from consumers.returns import reconcile
from consumers.returns.absences import retractions
from consumers.returns.facts import Fact, Record, Reject, Where, date_statement, event_or_reason
from consumers.returns.links import Links
from consumers.returns.reconcile import StoredFact
from consumers.returns.relink import relink
from consumers.returns.source_file import SourceFile
from consumers.returns.summary import FileReport, ImportReport
from consumers.returns.values import ValueProblem
from domain.contract import ContractEvent
from domain.family import Family
from domain.state import effective_records
from store.family_store import BATCH_EVENTS, FamilyStore

FamilyOf = Callable[[str], str]


@dataclass
class Pending:
    """An event about to be recorded, with where it came from for the summary."""

    event: ContractEvent
    section: str
    where: Where
    kind: str  # new | correction | retraction
    raw: dict[str, str] = field(default_factory=dict)


def import_files(
    store: FamilyStore,
    files: list[SourceFile],
    family_of: FamilyOf,
    rejects: RejectsFile,
    batch_size: int = BATCH_EVENTS,
) -> ImportReport:
    report = ImportReport()
    report.relinked = relink(
        store, (r.child_id for f in files for r in f.records), family_of, rejects
    )
    links = Links()
    families = {family_of(r.child_id) for f in files for r in f.records}
    loaded = {family_id: store.get(family_id) for family_id in sorted(families)}
    for family in loaded.values():
        if family is not None:
            links.add_store_records(effective_records(family.records))
    for source in files:
        for record in source.records:
            source.linker(record, links)
    for source in sorted(files, key=lambda f: (f.as_of or date.min, f.file)):
        report.files.append(
            _import_one(store, source, family_of, links, rejects, batch_size, loaded)
        )
        loaded = {}  # the store has moved on: later files read it afresh
    return report


def _import_one(
    store: FamilyStore,
    source: SourceFile,
    family_of: FamilyOf,
    links: Links,
    rejects: RejectsFile,
    batch_size: int,
    loaded: dict[str, Family | None],
) -> FileReport:
    report = FileReport(
        source.file,
        source.source,
        source.as_of.isoformat() if source.as_of else None,
        source.recognition,
        error=source.error,
    )
    for section in source.sections:
        if source.rows_in(section):
            report.counts(section).rows = source.rows_in(section)
    facts, refused, unmapped = _facts(source, links, family_of)
    _note_dropped(source, report, unmapped)
    for reject in refused:
        report.counts(reject.section).rows_rejected += 1
        rejects.write(reject)
    facts, late = after_reference(source, facts)
    for reject in late:
        report.counts(reject.section).events_rejected += 1
        rejects.write(reject)
    merged, conflicts = merge(facts)
    for reject in conflicts:
        report.counts(reject.section).events_rejected += 1
        rejects.write(reject)
    views = {
        fid: reconcile.stored_facts(loaded[fid] if fid in loaded else store.get(fid))
        for fid in {f.family_id for f in merged}
    }
    pending = [p for f in merged if (p := _judge(f, views, report, rejects)) is not None]
    stated = {(f.family_id, f.event_id) for f in merged}
    for event, section, where in retractions(source, merged, views, stated, refused):
        pending.append(Pending(event, section, where, "retraction"))
    pending.sort(key=lambda p: (p.kind != "new", p.event.family_id, p.event.occurred_at))
    _record(store, pending, report, rejects, batch_size)
    return report


def _note_dropped(source: SourceFile, report: FileReport, refused: set[int]) -> None:
    """Per section, rows kept whole and kept with dropped fields, and each dropped
    field as a finding (where, which field, why: never the value). `refused`: the
    records the run refused after reading (counted as rejected, their findings moot)."""
    for record in source.records:
        if id(record) in refused:
            continue
        counts = report.counts(record.section)
        if not record.dropped:
            counts.kept_whole += 1
            continue
        counts.kept_with_dropped_fields += 1
        for name, reason in record.dropped:
            report.dropped.append(
                {
                    "section": record.section,
                    "where": str(record.where),
                    "field": name,
                    "reason": reason,
                }
            )


def after_reference(source: SourceFile, facts: list[Fact]) -> tuple[list[Fact], list[Reject]]:
    """Facts dated after the date the file speaks for (the census reference date, the
    Annex A extract date) are refused, as the DfE CIN census validation refuses them:
    a return cannot know what had not happened when it was made. The child joining
    is kept (its date is inferred, and an unborn child can be referred)."""
    if source.as_of is None:
        return facts, []
    what = "census reference date" if source.source == "cin-census" else "extract date"
    kept: list[Fact] = []
    late: list[Reject] = []
    for fact in facts:
        # a statement is dated by the file: what it speaks of is its record's date
        day = fact.key_date if fact.event_type == "HistoryStated" else fact.occurred_at
        if fact.event_type == "ChildAdded" or day is None or day <= source.as_of:
            kept.append(fact)
            continue
        record = fact.record
        reason = f"{fact.event_type} is dated after the return's {what} {source.as_of.isoformat()}"
        late.append(
            Reject(record.where, record.section, reason, record.raw, fact.event_id, fact.child_id)
        )
    return kept, late


# The fields naming a record's start (its key with the child), per return's section.
KEY_FIELDS = (
    "referral_date",
    "cin_start",
    "assessment_start",
    "strategy_date",
    "plan_start",
    "care_start",
    "start",
)


def yes_no_conflicts(records: list[Record]) -> dict[int, Reject]:
    """Rows stating the same record with opposite yes/no answers (NFA yes and NFA no).
    A "no" states no event, so the facts alone cannot show the clash: the later row
    is refused as a conflict rather than merged silently."""
    first: dict[tuple[str, str, Any], Record] = {}
    out: dict[int, Reject] = {}
    for record in records:
        day = next((record.values[k] for k in KEY_FIELDS if record.values.get(k)), None)
        if day is None:
            continue
        key = (record.section, record.child_id, day)
        seen = first.setdefault(key, record)
        if seen is record:
            continue
        clash = sorted(
            name
            for name, value in record.values.items()
            if isinstance(value, bool)
            and isinstance(seen.values.get(name), bool)
            and value != seen.values[name]
        )
        if clash:
            reason = f"states {', '.join(clash)} differently from {seen.where} for the same record"
            out[id(record)] = Reject(
                record.where, record.section, reason, record.raw, None, record.child_id
            )
    return out


def _facts(
    source: SourceFile, links: Links, family_of: FamilyOf
) -> tuple[list[Fact], list[Reject], set[int]]:
    """Every record's facts, episodes first; a record that contradicts itself is
    refused. Also the ids of the records refused here (conflicts, contradictions)."""
    refused = list(source.rejects)
    facts: list[Fact] = []
    order = {name: i for i, name in enumerate(source.sections)}
    clashes = yes_no_conflicts(source.records)
    refused.extend(clashes.values())
    unmapped = set(clashes)
    for record in sorted(source.records, key=lambda r: order.get(r.section, len(order))):
        if id(record) in clashes:
            continue
        try:
            made = source.mapper(record, links)
        except ValueProblem as problem:
            reason = str(problem)
            refused.append(
                Reject(record.where, record.section, reason, record.raw, None, record.child_id)
            )
            unmapped.add(id(record))
            continue
        for fact in made:
            fact.family_id = family_of(record.child_id)
            fact.as_of = source.as_of
            if fact.event_type == "HistoryStated" and source.as_of is not None:
                date_statement(fact, source.as_of)
        facts.extend(f for f in made if f.event_type != "HistoryStated" or f.as_of is not None)
    return facts, refused, unmapped


def _judge(
    fact: Fact,
    views: dict[str, dict[str, StoredFact]],
    report: FileReport,
    rejects: RejectsFile,
) -> Pending | None:
    """What to record for one fact, given what the store holds: the event, a
    correction, or nothing (counted as a duplicate, older, or refused)."""
    record = fact.record
    counts = report.counts(record.section)
    counts.events += 1
    event, reason = event_or_reason(fact)
    if event is None:
        _reject_event(report, rejects, record.section, fact, reason or "invalid")
        return None
    verdict = reconcile.compare(fact, views[fact.family_id].get(fact.event_id))
    counts.older_than_stored += verdict.older
    if verdict.kind == "new":
        return Pending(event, record.section, record.where, "new", record.raw)
    if verdict.kind == "correct":
        fix = reconcile.correction(fact, verdict.changes)
        return Pending(fix, record.section, record.where, "correction", record.raw)
    if verdict.kind == "reappeared":
        why = (
            "an earlier import retracted this record; a retraction is final, so a person"
            " must decide whether it stands"
        )
        _reject_event(report, rejects, record.section, fact, why)
    elif verdict.kind == "same":
        counts.duplicates += 1
    return None


def _reject_event(
    report: FileReport, rejects: RejectsFile, section: str, fact: Fact, reason: str
) -> None:
    report.counts(section).events_rejected += 1
    record = fact.record
    rejects.write(Reject(record.where, section, reason, record.raw, fact.event_id, fact.child_id))


def merge(facts: Iterable[Fact]) -> tuple[list[Fact], list[Reject]]:
    """One fact per event id: statements of the same fact in one file are merged
    (a stated value fills an inferred or missing one); a contradiction within
    the file rejects the later statement."""
    by_id: dict[tuple[str, str], Fact] = {}
    conflicts: list[Reject] = []
    for fact in facts:
        key = (fact.family_id, fact.event_id)
        first = by_id.get(key)
        if first is None:
            by_id[key] = replace(fact, payload=dict(fact.payload))
            continue
        have = first.known()
        clash = sorted(n for n, v in fact.known().items() if have.get(n) not in (None, v))
        if clash:
            record = fact.record
            conflicts.append(
                Reject(
                    record.where,
                    record.section,
                    f"states {', '.join(clash)} differently from {first.record.where}"
                    " for the same record",
                    record.raw,
                    fact.event_id,
                    fact.child_id,
                )
            )
            continue
        for name, value in fact.known().items():
            if name == "occurred_at":
                first.occurred_at = fact.occurred_at
            else:
                first.payload[name] = value
            first.inferred = first.inferred - {name}
        if "occurred_at" in first.inferred and fact.occurred_at < first.occurred_at:
            first.occurred_at = fact.occurred_at
    return list(by_id.values()), conflicts


def _record(
    store: FamilyStore,
    pending: list[Pending],
    report: FileReport,
    rejects: RejectsFile,
    batch_size: int,
) -> None:
    for start in range(0, len(pending), batch_size):
        chunk = pending[start : start + batch_size]
        by_event = {id(p.event): p for p in chunk}
        result = store.record_batch(p.event for p in chunk)
        for event in result.stored:
            item = by_event[id(event)]
            counts = report.counts(item.section)
            if item.kind == "correction":
                counts.corrections += 1
            elif item.kind == "retraction":
                counts.retractions += 1
            else:
                counts.stored += 1
        for event in result.duplicates:
            report.counts(by_event[id(event)].section).duplicates += 1
        for event, reason in result.rejected:
            item = by_event[id(event)]
            report.counts(item.section).events_rejected += 1
            rejects.write(Reject(item.where, item.section, reason, item.raw, event.event_id))
