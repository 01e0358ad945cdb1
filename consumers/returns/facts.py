"""Source records and the facts they state, with ids derived from the source.

A `Record` is one row of an Annex A list or one element of a CIN census file,
already parsed. A `Fact` is one contract event that a record states. Its
event id comes from the record's stable key (child, what kind of record, its
start date) and never from the file, so the same fact read from next year's
return, an overlapping Annex A or the other return is the same event, stored
once. Provenance (source, section, key, the date the file speaks for, which
fields the importer had to infer) travels in the event's `import` field, so a
later import can tell what earlier imports said.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from domain.contract import EVENT_SPECS, ContractError, ContractEvent, parse_event

IMPORT_FIELD = "import"  # the unknown top-level field that holds provenance

# Returns do not say who made a decision. Decisions they imply are recorded by
# this identity: plainly an import, never a person. `qualified` is true because
# the return is the authority's own signed-off record and holds no evidence of
# an unqualified decision; an import must not manufacture finding D.
IMPORT_ROLE = "import"


def importer_identity(source: str) -> dict[str, Any]:
    return {"worker_id": f"import:{source}", "role": IMPORT_ROLE, "qualified": True}


@dataclass(frozen=True)
class Where:
    """Where a record is in its file: sheet and row, or an element path."""

    file: str
    sheet: str
    row: int | None = None

    def __str__(self) -> str:
        at = f" row {self.row}" if self.row is not None else ""
        return f"{self.file} [{self.sheet}]{at}"


@dataclass
class Record:
    source: str  # "annex-a" | "cin-census"
    section: str  # "list 3", "CINdetails", ...
    where: Where
    child_id: str
    values: dict[str, Any]
    raw: dict[str, str] = field(default_factory=dict)
    # Optional fields that could not be read: (field as the file names it, reason).
    # The field is left out and the rest of the record kept (README "Import").
    dropped: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Reject:
    where: Where
    section: str
    reason: str
    raw: dict[str, str] = field(default_factory=dict)
    event_id: str | None = None
    child_id: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The shape of every rejects file (consumers.rejects), plus sheet and section."""
        return {
            "file": self.where.file,
            "sheet": self.where.sheet,
            "line": self.where.row,
            "section": self.section,
            "event_id": self.event_id,
            "reason": self.reason,
            "raw": self.raw,
        }


# Record keys: child + kind + the record's own start date. One place, so both
# returns derive the same keys and ids for the same fact.
def referral_key(child_id: str, day: date) -> str:
    return f"ref:{child_id}:{day.isoformat()}"


def assessment_key(child_id: str, day: date) -> str:
    return f"asm:{child_id}:{day.isoformat()}"


def s47_key(child_id: str, day: date) -> str:
    return f"s47:{child_id}:{day.isoformat()}"


def plan_key(child_id: str, day: date) -> str:
    return f"cpp:{child_id}:{day.isoformat()}"


def plo_key(child_id: str, day: date) -> str:
    return f"plo:{child_id}:{day.isoformat()}"


def proceedings_key(child_id: str, day: date) -> str:
    return f"proc:{child_id}:{day.isoformat()}"


def child_key(child_id: str) -> str:
    return f"child:{child_id}"


@dataclass
class Fact:
    """One contract event stated by one record."""

    event_type: str
    record: Record
    key: str  # the record key this fact hangs on
    key_date: date | None  # the record's start date (None for ChildAdded)
    suffix: str  # what about the record: received, closed, review:<date>...
    occurred_at: date
    payload: dict[str, Any]
    inferred: frozenset[str] = frozenset()  # payload fields or "occurred_at"
    # A fact that a present record states only sometimes (an end date, an NFA
    # flag): a later, newer file that keeps the record but drops it contradicts it.
    conditional: bool = False
    family_id: str = ""
    as_of: date | None = None

    @property
    def event_id(self) -> str:
        return f"imp:{self.key}:{self.suffix}"

    @property
    def child_id(self) -> str:
        return self.record.child_id

    def known(self) -> dict[str, Any]:
        """The values this record states itself, not ones the importer inferred."""
        out = {k: v for k, v in self.payload.items() if k not in self.inferred and v is not None}
        if "occurred_at" not in self.inferred:
            out["occurred_at"] = self.occurred_at.isoformat()
        return out

    def provenance(self) -> dict[str, Any]:
        return {
            "source": self.record.source,
            "section": self.record.section,
            "child": self.record.child_id,
            "key": self.key,
            "key_date": self.key_date.isoformat() if self.key_date else None,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "file": self.record.where.file,
            "inferred": sorted(self.inferred),
            "conditional": self.conditional,
        }

    def to_event(self) -> ContractEvent:
        """The validated contract event; ContractError names what is wrong."""
        spec = EVENT_SPECS[self.event_type]
        raw: dict[str, Any] = {
            "event_id": self.event_id,
            "event_type": self.event_type,
            "family_id": self.family_id,
            "occurred_at": self.occurred_at.isoformat(),
            "payload": {k: v for k, v in self.payload.items() if v is not None},
            IMPORT_FIELD: self.provenance(),
        }
        if spec.child:
            raw["child_id"] = self.child_id
        if spec.decision:
            raw["recorded_by"] = importer_identity(self.record.source)
        return parse_event(raw)


def event_or_reason(fact: Fact) -> tuple[ContractEvent | None, str | None]:
    try:
        return fact.to_event(), None
    except ContractError as error:
        return None, error.reason


# A return's name for itself in HistoryStated.source, by return and section.
STATEMENT_SOURCES: dict[tuple[str, str], str] = {
    ("annex-a", "list 3"): "annex_a_list3",
    ("annex-a", "list 5"): "annex_a_list5",
    ("annex-a", "list 7"): "annex_a_list7",
    ("cin-census", "ChildProtectionPlans"): "cin_census",
}


def history_stated(record: Record, key: str, counted_from: date, counts: dict[str, int]) -> Fact:
    """What a record says about the past it does not list (HistoryStated). The
    date it is stated on is the file's (`date_statement`, once the run knows it)."""
    source = STATEMENT_SOURCES[(record.source, record.section)]
    payload: dict[str, Any] = {
        "version": 1,
        "source": source,
        "counted_from": counted_from.isoformat(),
        **counts,
    }
    return Fact("HistoryStated", record, key, counted_from, "stated", counted_from, payload)


def date_statement(fact: Fact, as_of: date) -> None:
    """Date a HistoryStated fact by the file it came from: each return's statement
    is its own event (a re-import of the same file is the same one)."""
    fact.occurred_at = as_of
    fact.suffix = f"stated:{as_of.isoformat()}"
    fact.payload["as_of"] = as_of.isoformat()
    fact.payload["statement_id"] = f"{fact.key}:{fact.payload['source']}:{as_of.isoformat()}"


def child_added(record: Record, first_seen: date, birth_date: date | None, sex: str | None) -> Fact:
    """The child joining its family. The business date is not in any return:
    the birth date, or the first date the return knows of the child when that is
    earlier (an unborn child referred), marked inferred so no file corrects it."""
    day = min(d for d in (birth_date, first_seen) if d is not None)
    payload = {"birth_date": birth_date.isoformat() if birth_date else None, "sex": sex}
    return Fact(
        "ChildAdded",
        record,
        child_key(record.child_id),
        None,
        "added",
        day,
        payload,
        frozenset({"occurred_at"}),
    )
