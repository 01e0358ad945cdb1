"""CIN census XML to records and facts (element mapping table in the README).

Children -> Child -> ChildIdentifiers, CINdetails (the episode, keyed by its
CINreferralDate) -> Assessments, Section47, ChildProtectionPlans -> Reviews.
Unlike Annex A, the census nests work inside its episode, so links to the
referral are stated, not inferred.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from consumers.returns import builders
from consumers.returns.cin_census import pre_proceedings
from consumers.returns.cin_census.elements import (
    CONTAINERS,
    SOURCE,
    WHY_IGNORED,
    is_read,
    read_child,
)
from consumers.returns.cin_census.xml_reader import UnsafeOrBrokenXML, paths, stream_children
from consumers.returns.facts import (
    Fact,
    Record,
    child_added,
    history_stated,
    plan_key,
    referral_key,
)
from consumers.returns.links import Links
from consumers.returns.source_file import SourceFile
from consumers.returns.values import ValueProblem, parse_date

SECTIONS = (
    "ChildIdentifiers",
    "CINdetails",
    "Assessments",
    "Section47",
    "ChildProtectionPlans",
    pre_proceedings.BLOCK,
)


def _year(reference: date) -> tuple[date, date]:
    """The collection year a census reference date closes (1 April to 31 March)."""
    try:
        before = reference.replace(year=reference.year - 1)
    except ValueError:  # 29 February
        before = reference.replace(year=reference.year - 1, day=28)
    return before + timedelta(days=1), reference


def read_cin_census(path: Path, as_of: date | None = None) -> SourceFile:
    """Read one census file; an unsafe or broken file gets `error` and no records."""
    out = SourceFile(SOURCE, path.name, SECTIONS, map_record, link_record)
    header: dict[str, str] = {}
    seen: dict[str, int] = {}
    try:
        for number, element in enumerate(stream_children(path, header.setdefault), start=1):
            for p in paths(element):
                seen[p] = seen.get(p, 0) + 1
            read_child(element, number, out)
    except UnsafeOrBrokenXML as error:
        out.error = str(error)
        out.records.clear()
        out.rejects.clear()
        return out
    except OSError as error:
        out.error = f"cannot be read ({type(error).__name__})"
        return out
    except Exception as error:  # one bad file is reported and skipped, never the run
        out.error = f"cannot be read as a CIN census ({type(error).__name__})"
        out.records.clear()
        out.rejects.clear()
        return out
    _finish(out, header, seen, as_of)
    return out


def _finish(
    out: SourceFile, header: dict[str, str], seen: dict[str, int], as_of: date | None
) -> None:
    try:
        reference = parse_date(header.get("ReferenceDate"))
    except ValueProblem:
        reference = None
    dates = [
        v
        for r in out.records
        for k, v in r.values.items()
        if isinstance(v, date) and k != "birth_date"
    ]
    latest = min(max(dates), date.today()) if dates else None  # never a mistyped future
    out.as_of = as_of or reference or latest
    speaks_for = reference or out.as_of
    if speaks_for is not None:
        _mark_unplaced(out.records, _year(speaks_for)[0])
    everyone = {r.child_id for r in out.records} | {r.child_id for r in out.rejects if r.child_id}
    for section in SECTIONS:
        out.presence[section] = everyone
        if reference is not None and section != "ChildIdentifiers":
            out.coverage[section] = _year(reference)
    ignored = {
        p: WHY_IGNORED.get(p, "not in the event contract")
        for p in seen
        if not is_read(p) and p not in CONTAINERS
    }
    out.recognition = {
        "reference_date": reference.isoformat() if reference else None,
        "collection_year": [d.isoformat() for d in _year(reference)] if reference else None,
        "elements_read": {p: n for p, n in sorted(seen.items()) if is_read(p)},
        "elements_ignored": dict(sorted(ignored.items())),
    }


def _mark_unplaced(records: list[Record], year_start: date) -> None:
    """A census lists only its year's CP reviews, so for a plan that started before
    the year the first review it lists may follow reviews it does not list: its
    place in the plan's sequence is unknown, as for Annex A List 7's latest review
    (docs/contract.md "Latest reviews"). The reviews after it are placed from it."""
    for record in records:
        v = record.values
        if record.section == "ChildProtectionPlans" and v["start"] < year_start and v["reviews"]:
            v["unplaced"] = frozenset({min(v["reviews"])})


def _outcome(values: dict[str, Any]) -> str:
    """The census records no assessment outcome. Inferred: an episode closed
    RC8 (after assessment, no further action) or with factor 21 alone is nfa;
    RC9 (referred to early help) is early_help; otherwise the child went on to
    be supported as a child in need (cin_plan)."""
    if values["closure_reason"] == "RC8" or values["factors"] == ["21"]:
        return "nfa"
    if values["closure_reason"] == "RC9":
        return "early_help"
    return "cin_plan"


def map_record(record: Record, links: Links) -> list[Fact]:
    v = record.values
    if record.section == "ChildIdentifiers":
        if v["first_seen"] is None and v["birth_date"] is None:
            return []
        return [child_added(record, v["first_seen"] or v["birth_date"], v["birth_date"], v["sex"])]
    if record.section == "CINdetails":
        return builders.episode(
            record,
            v["referral_date"],
            v["source"],
            v["primary_need"],
            v["nfa"],
            v["closure_date"],
            v["closure_reason"],
        )
    if record.section == "Assessments":
        return builders.assessment(
            record,
            v["start"],
            v["referral_id"],
            v["authorised"],
            v["factors"],
            _outcome(v),
            True,
            links,
        )
    if record.section == pre_proceedings.BLOCK:
        return pre_proceedings.facts(record)
    if record.section == "Section47":
        return builders.section47(
            record, v["start"], v["referral_id"], v["icpc"], v["icpc_not_required"], None, links
        )
    unplaced = v.get("unplaced", frozenset())
    facts = builders.cp_plan(
        record, v["start"], v["category"], v["reviews"], v["end"], links, unplaced
    )
    if v.get("previous_plans") is not None:
        key = plan_key(record.child_id, v["start"])
        counts = {"previous_cp_plans": v["previous_plans"]}
        facts.append(history_stated(record, key, v["start"], counts))
    return facts


def link_record(record: Record, links: Links) -> None:
    v, child = record.values, record.child_id
    if record.section == "CINdetails":
        day = v["referral_date"]
        links.add_episode(child, referral_key(child, day), day, v["closure_date"])
    elif record.section == "ChildProtectionPlans":
        links.add_plan(child, plan_key(child, v["start"]), v["start"], v["end"])
