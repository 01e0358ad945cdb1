"""The 2026 CIN census pre-proceedings block (`CINdetails/PreProceedingsandFGDM`).

One block per pre-proceedings episode of the child: its start (the anchor), the
letter before proceedings, family group decision meetings (FGDMs), review
meetings, the decision ending it with its outcome, and the court application.
They become the PLO events of the contract (family level, the child listed), so
the PLO tracker, drift and repeat pre-proceedings read them as streamed ones.

The element names below are declared, not branched on: each field accepts the
names listed, compared without case or punctuation. They were written from the
block's field list, not checked against the published 2026-27 specification;
correcting a name is a change to this table alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from functools import partial
from typing import Any, Protocol
from xml.etree.ElementTree import Element

from consumers.returns.facts import Fact, Record, plo_key, proceedings_key
from consumers.returns.values import CodeTable, anchor, parse_date

BLOCK = "PreProceedingsandFGDM"
NAMES: dict[str, tuple[str, ...]] = {
    "start": ("PreProceedingsStartDate", "DateOfPreProceedingsStart", "PLOStartDate"),
    "letter": ("LetterBeforeProceedingsDate", "DateOfLetterBeforeProceedings", "LBPDate"),
    "fgdm": ("FGDMDate", "FamilyGroupDecisionMeetingDate", "DateOfFGDM"),
    "reviews": ("PreProceedingsReviewMeetingDate", "ReviewMeetingDate", "PLOReviewDate"),
    "decision": ("PreProceedingsDecisionDate", "PreProceedingsEndDate", "DecisionDate"),
    "outcome": ("PreProceedingsOutcome", "PreProceedingsDecision", "DecisionOutcome"),
    "court": ("CourtApplicationDate", "DateOfCourtApplication", "ApplicationToCourtDate"),
}
REPEATED = frozenset({"fgdm", "reviews"})
OUTCOMES = CodeTable.build(
    "pre-proceedings outcome",
    {
        "step_down": [r"^step", r"\bno further\b", r"\bnot (to )?proceed", r"^(cease|clos|end)"],
        "proceedings_issued": [r"proceedings", r"\bcourt\b", r"\bapplication\b", r"\bissued?\b"],
        "other": [r"^other\b", r"\bextended\b", r"\bcontinu"],
    },
)


class Findings(Protocol):
    """Where unreadable optional elements go (elements.Dropped)."""

    def read(self, name: str, parse: Callable[[], Any]) -> Any: ...


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.rsplit("}", 1)[-1].lower())


FIELD_OF: dict[str, str] = {_norm(n): field for field, names in NAMES.items() for n in names}


def is_read(path: str) -> bool:
    """Whether an element path (as the census summary reports them) is read here."""
    head, _, leaf = path.rpartition("/")
    return BLOCK in head.split("/") and _norm(leaf) in FIELD_OF


def _texts(block: Element) -> dict[str, list[tuple[str, str]]]:
    """Per field, (element name, text) of every element under the block it reads."""
    found: dict[str, list[tuple[str, str]]] = {}
    for e in block.iter():
        field = FIELD_OF.get(_norm(e.tag))
        if field is not None and e.text and e.text.strip():
            found.setdefault(field, []).append((e.tag.rsplit("}", 1)[-1], e.text.strip()))
    return found


def read_block(block: Element, dropped: Findings) -> dict[str, Any]:
    """The block's values; a blank or unreadable start rejects the block, any other
    unreadable element is dropped with a finding (`dropped.read`)."""
    texts = _texts(block)

    def one(field: str) -> tuple[str, str | None]:
        items = texts.get(field, [])
        return items[0] if items else (NAMES[field][0], None)

    name, start = one("start")
    values: dict[str, Any] = {"start": anchor(name, partial(parse_date, start))}
    for field in ("letter", "decision", "court"):
        name, value = one(field)
        values[field] = dropped.read(name, partial(parse_date, value))
    for field in REPEATED:
        days = [dropped.read(n, partial(parse_date, v)) for n, v in texts.get(field, [])]
        values[field] = sorted({d for d in days if d is not None})
    name, outcome = one("outcome")
    values["outcome"] = dropped.read(name, lambda: OUTCOMES.match(outcome))
    return values


def facts(record: Record) -> list[Fact]:
    """The PLO events of one block. Without a stated outcome, a decision followed by
    a court application is inferred `proceedings_issued`, otherwise `other`."""
    v, child = record.values, record.child_id
    start: date = v["start"]
    key = plo_key(child, start)
    out = [
        Fact(
            "PreProceedingsStarted",
            record,
            key,
            start,
            "started",
            start,
            {"plo_id": key, "child_ids": [child]},
        )
    ]
    if v["letter"] is not None:
        out.append(_on(record, key, start, "LetterBeforeProceedingsSent", "letter", v["letter"]))
    for kind, days in (("family_group", v["fgdm"]), ("review", v["reviews"])):
        for day in days:
            payload = {"plo_id": key, "kind": kind}
            suffix = f"meeting:{kind}:{day.isoformat()}"
            out.append(Fact("PLOMeetingHeld", record, key, start, suffix, day, payload))
    if v["decision"] is not None:
        outcome = v["outcome"] or ("proceedings_issued" if v["court"] else "other")
        unsure = frozenset() if v["outcome"] else frozenset({"outcome"})
        ended = {"plo_id": key, "outcome": outcome}
        out.append(
            Fact(
                "PreProceedingsEnded",
                record,
                key,
                start,
                "ended",
                v["decision"],
                ended,
                unsure,
                True,
            )
        )
    if v["court"] is not None:
        court = proceedings_key(child, v["court"])
        issued = {"proceedings_id": court, "plo_id": key, "child_ids": [child]}
        out.append(
            Fact("CareProceedingsIssued", record, court, v["court"], "issued", v["court"], issued)
        )
    return out


def _on(record: Record, key: str, start: date, event_type: str, suffix: str, day: date) -> Fact:
    return Fact(event_type, record, key, start, suffix, day, {"plo_id": key}, conditional=True)
