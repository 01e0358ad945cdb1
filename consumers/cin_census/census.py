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
from xml.etree.ElementTree import Element

from consumers.cin_census import builders
from consumers.cin_census.facts import (
    Fact,
    Record,
    Reject,
    Where,
    child_added,
    plan_key,
    referral_key,
)
from consumers.cin_census.links import Links
from consumers.cin_census.source_file import SourceFile
from consumers.cin_census.values import (
    CodeTable,
    ValueProblem,
    is_blank,
    parse_date,
    parse_id,
    parse_yes_no,
    quote,
)
from consumers.cin_census.xml_reader import (
    UnsafeOrBrokenXML,
    children,
    descendants_text,
    paths,
    stream_children,
    text,
)
from domain import codes

SOURCE = "cin-census"
SECTIONS = ("ChildIdentifiers", "CINdetails", "Assessments", "Section47", "ChildProtectionPlans")
TRUE_FALSE = CodeTable.build(
    "true/false", {"yes": ["^(true|1|y|yes)$"], "no": ["^(false|0|n|no)$"]}
)
SEX = {"1": "M", "2": "F", "0": "U", "9": "other", "M": "M", "F": "F", "U": "U"}

READ = {
    "ChildIdentifiers/LAchildID",
    "ChildIdentifiers/PersonBirthDate",
    "ChildIdentifiers/Sex",
    "ChildIdentifiers/GenderCurrent",
    "CINdetails/CINreferralDate",
    "CINdetails/ReferralSource",
    "CINdetails/PrimaryNeedCode",
    "CINdetails/CINclosureDate",
    "CINdetails/ReasonForClosure",
    "CINdetails/ReferralNFA",
    "CINdetails/Assessments/AssessmentActualStartDate",
    "CINdetails/Assessments/AssessmentAuthorisationDate",
    "CINdetails/Assessments/FactorsIdentifiedAtAssessment/AssessmentFactors",
    "CINdetails/Assessments/AssessmentFactors/AssessmentFactor",
    "CINdetails/Section47/S47ActualStartDate",
    "CINdetails/Section47/DateOfInitialCPC",
    "CINdetails/Section47/ICPCnotRequired",
    "CINdetails/ChildProtectionPlans/CPPstartDate",
    "CINdetails/ChildProtectionPlans/CPPendDate",
    "CINdetails/ChildProtectionPlans/InitialCategoryOfAbuse",
    "CINdetails/ChildProtectionPlans/Reviews/CPPreviewDate",
}
CONTAINERS = {
    "ChildIdentifiers",
    "ChildCharacteristics",
    "CINdetails",
    "CINdetails/Assessments",
    "CINdetails/Assessments/FactorsIdentifiedAtAssessment",
    "CINdetails/Assessments/AssessmentFactors",
    "CINdetails/Section47",
    "CINdetails/ChildProtectionPlans",
    "CINdetails/ChildProtectionPlans/Reviews",
}
WHY_IGNORED = {
    "CINdetails/DateOfInitialCPC": "the episode's copy; the Section47 one is read",
    "CINdetails/Section47/InitialCPCtarget": "the store computes timeliness with its own calendar",
    "CINdetails/ChildProtectionPlans/NumberOfPreviousCPP": "the store counts plans itself",
}


def _code(value: str | None, allowed: frozenset[str], what: str) -> str | None:
    if is_blank(value):
        return None
    code = str(value).strip().upper()
    if code not in allowed:
        raise ValueProblem(f"{quote(value)} is not a CIN census {what} code")
    return code


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
            _read_child(element, number, out)
    except UnsafeOrBrokenXML as error:
        out.error = str(error)
        out.records.clear()
        out.rejects.clear()
        return out
    except OSError as error:
        out.error = f"cannot be read ({type(error).__name__})"
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
    everyone = {r.child_id for r in out.records} | {r.child_id for r in out.rejects if r.child_id}
    for section in SECTIONS:
        out.presence[section] = everyone
        if reference is not None and section != "ChildIdentifiers":
            out.coverage[section] = _year(reference)
    ignored = {
        p: WHY_IGNORED.get(p, "not in the event contract")
        for p in seen
        if p not in READ | CONTAINERS
    }
    out.recognition = {
        "reference_date": reference.isoformat() if reference else None,
        "collection_year": [d.isoformat() for d in _year(reference)] if reference else None,
        "elements_read": {p: n for p, n in sorted(seen.items()) if p in READ},
        "elements_ignored": dict(sorted(ignored.items())),
    }


def _where(out: SourceFile, *steps: tuple[str, int]) -> Where:
    return Where(out.file, "/".join(f"{name}[{n}]" for name, n in steps))


def _read_child(element: Element, number: int, out: SourceFile) -> None:
    ids = children(element, "ChildIdentifiers")
    ident = ids[0] if ids else None
    where = _where(out, ("Child", number))
    raw = {"LAchildID": text(ident, "LAchildID") or ""}
    try:
        child = parse_id(text(ident, "LAchildID"))
        if child is None:
            raise ValueProblem("LAchildID is blank")
    except ValueProblem as problem:
        out.rejects.append(Reject(where, "ChildIdentifiers", f"LAchildID: {problem}", raw))
        return
    referral_dates: list[date] = []
    for n, details in enumerate(children(element, "CINdetails"), start=1):
        day = _episode(details, child, (("Child", number), ("CINdetails", n)), out)
        if day is not None:
            referral_dates.append(day)
    _section(
        out,
        "ChildIdentifiers",
        where,
        child,
        raw,
        lambda: {
            "birth_date": parse_date(text(ident, "PersonBirthDate")),
            "sex": SEX.get((text(ident, "Sex", "GenderCurrent") or "").upper()),
            "first_seen": min(referral_dates) if referral_dates else None,
        },
    )


def _section(
    out: SourceFile,
    section: str,
    where: Where,
    child: str,
    raw: dict[str, str],
    read: Any,
) -> dict[str, Any] | None:
    """Parse one element's values into a record, or a reject naming the problem."""
    try:
        values = read()
    except ValueProblem as problem:
        out.rejects.append(Reject(where, section, str(problem), raw, None, child))
        return None
    out.records.append(Record(SOURCE, section, where, child, values, raw))
    return values


def _raw(element: Element) -> dict[str, str]:
    return {c.tag.rsplit("}", 1)[-1]: (c.text or "").strip() for c in element if len(c) == 0}


def _required(value: Any, name: str) -> Any:
    if value is None:
        raise ValueProblem(f"{name} is blank")
    return value


def _episode(
    details: Element, child: str, steps: tuple[tuple[str, int], ...], out: SourceFile
) -> date | None:
    where = _where(out, *steps)

    def read() -> dict[str, Any]:
        return {
            "referral_date": _required(
                parse_date(text(details, "CINreferralDate")), "CINreferralDate"
            ),
            "source": _required(
                _code(text(details, "ReferralSource"), codes.REFERRAL_SOURCES, "referral source"),
                "ReferralSource",
            ),
            "primary_need": _code(
                text(details, "PrimaryNeedCode"), codes.PRIMARY_NEEDS, "primary need"
            ),
            "closure_date": parse_date(text(details, "CINclosureDate")),
            "closure_reason": _code(
                text(details, "ReasonForClosure"), codes.CLOSURE_REASONS, "closure reason"
            ),
            "nfa": parse_yes_no(text(details, "ReferralNFA"), TRUE_FALSE),
        }

    values = _section(out, "CINdetails", where, child, _raw(details), read)
    if values is None:
        return None
    parent = referral_key(child, values["referral_date"])
    closure_reason = values["closure_reason"]
    for name, reader in (
        ("Assessments", lambda e: _assessment(e, parent, closure_reason)),
        ("Section47", lambda e: _s47(e, parent)),
        ("ChildProtectionPlans", _plan),
    ):
        for n, element in enumerate(children(details, name), start=1):
            sub = _where(out, *steps, (name, n))
            _section(out, name, sub, child, _raw(element), lambda e=element, r=reader: r(e))
    return values["referral_date"]


def _assessment(element: Element, referral: str, closure_reason: str | None) -> dict[str, Any]:
    listed = [
        e
        for e in element
        if e.tag.rsplit("}", 1)[-1] in {"FactorsIdentifiedAtAssessment", "AssessmentFactors"}
    ]
    factors = None
    if listed:
        found: list[str] = []
        for container in listed:
            found += descendants_text(container, "AssessmentFactors") + descendants_text(
                container, "AssessmentFactor"
            )
        factors = sorted(
            {_code(f, codes.ASSESSMENT_FACTORS, "assessment factor") or "" for f in found} - {""}
        )
    return {
        "referral_id": referral,
        "start": _required(
            parse_date(text(element, "AssessmentActualStartDate")), "AssessmentActualStartDate"
        ),
        "authorised": parse_date(text(element, "AssessmentAuthorisationDate")),
        "factors": factors,
        "closure_reason": closure_reason,
    }


def _s47(element: Element, referral: str) -> dict[str, Any]:
    return {
        "referral_id": referral,
        "start": _required(parse_date(text(element, "S47ActualStartDate")), "S47ActualStartDate"),
        "icpc": parse_date(text(element, "DateOfInitialCPC")),
        "icpc_not_required": parse_yes_no(text(element, "ICPCnotRequired"), TRUE_FALSE),
    }


def _plan(element: Element) -> dict[str, Any]:
    reviews = [parse_date(t) for t in descendants_text(element, "CPPreviewDate")]
    return {
        "start": _required(parse_date(text(element, "CPPstartDate")), "CPPstartDate"),
        "end": parse_date(text(element, "CPPendDate")),
        "category": _required(
            _code(
                text(element, "InitialCategoryOfAbuse"), codes.ABUSE_CATEGORIES, "category of abuse"
            ),
            "InitialCategoryOfAbuse",
        ),
        "reviews": [r for r in reviews if r is not None],
    }


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
    if record.section == "Section47":
        return builders.section47(
            record, v["start"], v["referral_id"], v["icpc"], v["icpc_not_required"], None, links
        )
    return builders.cp_plan(record, v["start"], v["category"], v["reviews"], v["end"], links)


def link_record(record: Record, links: Links) -> None:
    v, child = record.values, record.child_id
    if record.section == "CINdetails":
        day = v["referral_date"]
        links.add_episode(child, referral_key(child, day), day, v["closure_date"])
    elif record.section == "ChildProtectionPlans":
        links.add_plan(child, plan_key(child, v["start"]), v["start"], v["end"])
