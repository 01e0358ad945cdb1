"""CIN census Child elements to parsed records, or rejects naming the element.

Each element is read on its own, as an Annex A row is: only an element without its
anchor (the child's LAchildID, the element's key date, a plan's category) is
refused (an episode's refusal takes its assessments, enquiries and plans with it,
since their episode key is its referral date), never the whole child; any other
unreadable element is dropped with a finding and the rest kept. Reasons name the
element and what is wrong, never the value.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import partial
from typing import Any
from xml.etree.ElementTree import Element

from consumers.returns.cin_census import pre_proceedings
from consumers.returns.cin_census.xml_reader import children, descendants_text, text
from consumers.returns.facts import Record, Reject, Where, referral_key
from consumers.returns.source_file import SourceFile
from consumers.returns.values import (
    BLANK,
    CodeTable,
    ValueProblem,
    anchor,
    drop_pair,
    is_blank,
    parse_count,
    parse_date,
    parse_id,
    parse_yes_no,
)
from domain import codes

SOURCE = "cin-census"
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
    # for the episode's Section47 when it has no date of its own (an episode without
    # a Section47 has no enquiry for it to belong to)
    "CINdetails/DateOfInitialCPC",
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
    "CINdetails/ChildProtectionPlans/NumberOfPreviousCPP",
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
    f"CINdetails/{pre_proceedings.BLOCK}",
}


def is_read(path: str) -> bool:
    """Whether the reader reads the element at `path` (as the summary names paths)."""
    return path in READ or pre_proceedings.is_read(path)


WHY_IGNORED = {
    "CINdetails/Section47/InitialCPCtarget": "the store computes timeliness with its own calendar",
    # The contract has no CIN plan event (GUIDE section 4): a child in need plan shows
    # only as an assessment outcome (cin_plan) or a CP plan's step-down. Named here so
    # the summary says why, not "not in the event contract" without a reason.
    "CINdetails/CINPlanDates": "no CIN plan event in the contract yet (issue 14): reported only",
    "CINdetails/CINPlanDates/CINPlanStartDate": (
        "no CIN plan event in the contract yet (issue 14): reported only"
    ),
    "CINdetails/CINPlanDates/CINPlanEndDate": (
        "no CIN plan event in the contract yet (issue 14): reported only"
    ),
}


class Dropped(list[tuple[str, str]]):
    """The optional elements of one record that could not be read: (element, reason)."""

    def read(self, name: str, parse: Callable[[], Any]) -> Any:
        """The value, or None with a finding when it cannot be read: one bad optional
        answer never costs the record its other facts."""
        try:
            return parse()
        except ValueProblem as problem:
            self.append((name, str(problem)))
            return None


def _code(value: str | None, allowed: frozenset[str], what: str) -> str | None:
    if is_blank(value):
        return None
    code = str(value).strip().upper()
    if code not in allowed:
        raise ValueProblem(f"is not a known CIN census {what} code")
    return code


def _sex(value: str | None) -> str | None:
    if is_blank(value):
        return None
    code = SEX.get(str(value).strip().upper())
    if code is None:
        raise ValueProblem("is not a known CIN census sex code")
    return code


def _where(out: SourceFile, *steps: tuple[str, int]) -> Where:
    return Where(out.file, "/".join(f"{name}[{n}]" for name, n in steps))


def read_child(element: Element, number: int, out: SourceFile) -> None:
    ids = children(element, "ChildIdentifiers")
    ident = ids[0] if ids else None
    where = _where(out, ("Child", number))
    raw = {"LAchildID": text(ident, "LAchildID") or ""}
    try:
        child = anchor("LAchildID", lambda: parse_id(text(ident, "LAchildID")))
    except ValueProblem as problem:
        out.rejects.append(Reject(where, "ChildIdentifiers", str(problem), raw))
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
        lambda d: {
            "birth_date": d.read("PersonBirthDate", _date_of(ident, "PersonBirthDate")),
            "sex": d.read("Sex", lambda: _sex(text(ident, "Sex", "GenderCurrent"))),
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
    """Parse one element's values into a record, or a reject naming the problem;
    `read` is handed the record's `Dropped` for the optional elements it reads."""
    dropped = Dropped()
    try:
        values = read(dropped)
    except ValueProblem as problem:
        out.rejects.append(Reject(where, section, str(problem), raw, None, child))
        return None
    out.records.append(Record(SOURCE, section, where, child, values, raw, list(dropped)))
    return values


def _raw(element: Element) -> dict[str, str]:
    return {c.tag.rsplit("}", 1)[-1]: (c.text or "").strip() for c in element if len(c) == 0}


def _date_of(element: Element | None, name: str) -> Callable[[], Any]:
    return lambda: parse_date(text(element, name))


def _closure(details: Element, d: Dropped) -> tuple[Any, Any]:
    """The closure date and reason, a pair: when either cannot be read the closure
    is not recorded (the episode stays open) and the other is dropped beside it,
    rather than refusing the episode and the work in it. Both readable but one
    blank is a contradiction, refused by the episode's builder."""
    closed = d.read("CINclosureDate", _date_of(details, "CINclosureDate"))
    reason = d.read(
        "ReasonForClosure",
        lambda: _code(text(details, "ReasonForClosure"), codes.CLOSURE_REASONS, "closure reason"),
    )
    if drop_pair(("CINclosureDate", closed), ("ReasonForClosure", reason), d):
        return None, None
    return closed, reason


def _episode(
    details: Element, child: str, steps: tuple[tuple[str, int], ...], out: SourceFile
) -> date | None:
    where = _where(out, *steps)

    def read(d: Dropped) -> dict[str, Any]:
        def source() -> str:
            found = _code(
                text(details, "ReferralSource"), codes.REFERRAL_SOURCES, "referral source"
            )
            if found is None:  # the importer infers 10 (unknown)
                raise ValueProblem(BLANK)
            return found

        closed, reason = _closure(details, d)
        return {
            "referral_date": anchor("CINreferralDate", _date_of(details, "CINreferralDate")),
            "source": d.read("ReferralSource", source),
            "primary_need": d.read(
                "PrimaryNeedCode",
                lambda: _code(
                    text(details, "PrimaryNeedCode"), codes.PRIMARY_NEEDS, "primary need"
                ),
            ),
            "closure_date": closed,
            "closure_reason": reason,
            "nfa": d.read(
                "ReferralNFA", lambda: parse_yes_no(text(details, "ReferralNFA"), TRUE_FALSE)
            ),
        }

    values = _section(out, "CINdetails", where, child, _raw(details), read)
    if values is None:
        return None
    parent = referral_key(child, values["referral_date"])
    closure_reason = values["closure_reason"]
    for name, reader in (
        ("Assessments", lambda e, d: _assessment(e, d, parent, closure_reason)),
        ("Section47", lambda e, d: _s47(e, d, parent, episode_icpc(details, d))),
        ("ChildProtectionPlans", _plan),
        (pre_proceedings.BLOCK, pre_proceedings.read_block),
    ):
        for n, element in enumerate(children(details, name), start=1):
            sub = _where(out, *steps, (name, n))
            _section(out, name, sub, child, _raw(element), lambda d, e=element, r=reader: r(e, d))
    return values["referral_date"]


def _factors(element: Element) -> list[str] | None:
    listed = [
        e
        for e in element
        if e.tag.rsplit("}", 1)[-1] in {"FactorsIdentifiedAtAssessment", "AssessmentFactors"}
    ]
    if not listed:
        return None
    found: list[str] = []
    for container in listed:
        found += descendants_text(container, "AssessmentFactors") + descendants_text(
            container, "AssessmentFactor"
        )
    return sorted(
        {_code(f, codes.ASSESSMENT_FACTORS, "assessment factor") or "" for f in found} - {""}
    )


def _assessment(
    element: Element, d: Dropped, referral: str, closure_reason: str | None
) -> dict[str, Any]:
    """An unknown factor drops the factors (inferred, as when none are given), not the
    assessment's dates."""
    return {
        "referral_id": referral,
        "start": anchor(
            "AssessmentActualStartDate", _date_of(element, "AssessmentActualStartDate")
        ),
        "authorised": d.read(
            "AssessmentAuthorisationDate",
            _date_of(element, "AssessmentAuthorisationDate"),
        ),
        "factors": d.read("AssessmentFactors", lambda: _factors(element)),
        "closure_reason": closure_reason,
    }


def episode_icpc(details: Element, d: Dropped) -> Any:
    """The episode-level DateOfInitialCPC (where later census specifications put it)."""
    return d.read("DateOfInitialCPC", _date_of(details, "DateOfInitialCPC"))


def _s47(element: Element, d: Dropped, referral: str, episode: Any = None) -> dict[str, Any]:
    """The enquiry's own DateOfInitialCPC, else the episode's. Without a Section47
    element the episode's date has no enquiry (and no strategy discussion) to hang
    on, so it is reported as ignored rather than invented into one."""
    own = d.read("DateOfInitialCPC", _date_of(element, "DateOfInitialCPC"))
    return {
        "referral_id": referral,
        "start": anchor("S47ActualStartDate", _date_of(element, "S47ActualStartDate")),
        "icpc": own or episode,
        "icpc_not_required": d.read(
            "ICPCnotRequired", lambda: parse_yes_no(text(element, "ICPCnotRequired"), TRUE_FALSE)
        ),
    }


def _plan(element: Element, d: Dropped) -> dict[str, Any]:
    reviews = [
        d.read("CPPreviewDate", partial(parse_date, t))
        for t in descendants_text(element, "CPPreviewDate")
    ]
    return {
        "start": anchor("CPPstartDate", _date_of(element, "CPPstartDate")),
        "end": d.read("CPPendDate", _date_of(element, "CPPendDate")),  # the plan stays open
        "category": anchor(
            "InitialCategoryOfAbuse",
            lambda: _code(
                text(element, "InitialCategoryOfAbuse"), codes.ABUSE_CATEGORIES, "category of abuse"
            ),
        ),
        "reviews": [r for r in reviews if r is not None],
        "previous_plans": d.read(
            "NumberOfPreviousCPP", lambda: parse_count(text(element, "NumberOfPreviousCPP"))
        ),
    }
