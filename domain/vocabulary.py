"""The family record in plain English: each contract event as a worker would write it.

One vocabulary for every reader (the dashboard's family page, the CLI's `family`
chronology and the audit pack), so the same event never reads two ways. A line is
built from its own record alone (never from the family's other events), so a line
projected once stays true however late the family's other records arrive. Free
text (notes, summaries, reasons) never reaches a line: lines go into read models
and tables that may be exported, and counts of notes say enough.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any

from domain import codes
from domain.uk_dates import age_text, uk_date

Payload = Mapping[str, Any]
SEX_WORDS: dict[str, str] = {"M": "boy", "male": "boy", "F": "girl", "female": "girl"}


def _label(table: Mapping[str, str], code: Any) -> str:
    """A code in words with the code after it, "school (2A)"; unknown codes as given."""
    text = str(code)
    return f"{table[text]} ({text})" if text in table else text


def code_words(table: Mapping[str, str], code: Any) -> str:
    """A code's words alone, "no further action"; "" for none; an unknown code as
    given, underscores as spaces."""
    return table.get(str(code), str(code).replace("_", " ")) if code else ""


def counted(n: int, one: str, many: str | None = None) -> str:
    """ "1 referral", "3 referrals", "2 children"."""
    return f"{n} {one if n == 1 else many or one + 's'}"


def _children(p: Payload) -> str:
    return counted(len(p.get("child_ids") or ()), "child", "children")


def _referral(p: Payload) -> str:
    line = f"Referral received from {_label(codes.REFERRAL_SOURCE_LABELS, p.get('source'))}"
    if p.get("primary_need"):
        line += f"; primary need {_label(codes.PRIMARY_NEED_LABELS, p['primary_need'])}"
    return line


def _assessed(p: Payload) -> str:
    factors = [_label(codes.FACTOR_LABELS, f) for f in p.get("factors") or ()]
    line = f"Assessment completed: {code_words(codes.OUTCOME_LABELS, p.get('outcome'))}"
    return line + (f"; factors: {', '.join(factors)}" if factors else "")


def _child_added(p: Payload) -> str:
    sex = SEX_WORDS.get(str(p.get("sex")), "")
    born = f"born {uk_date(p['birth_date'])}" if p.get("birth_date") else ""
    details = ", ".join(part for part in (sex, born) if part)
    return "Child added to the record" + (f": {details}" if details else "")


def _history(p: Payload) -> str:
    counts = {
        "prior_referrals_12m": "referrals in the 12 months before",
        "previous_cp_plans": "previous CP plans",
        "prior_section47s": "section 47 enquiries in the 12 months before",
        "prior_icpcs": "ICPCs in the 12 months before",
    }
    stated = [f"{p[key]} {words}" for key, words in counts.items() if p.get(key) is not None]
    source = codes.HISTORY_SOURCE_LABELS.get(str(p.get("source")), str(p.get("source")))
    since = p.get("counted_from") or p.get("as_of")
    when = f" (counted from {uk_date(since)})" if since else ""
    return f"Earlier history stated in {source}{when}: {', '.join(stated) or 'no counts'}"


def _supervision(p: Payload) -> str:
    changes = [c.get("direction") for c in p.get("changes") or () if isinstance(c, Mapping)]
    actions = [a for a in p.get("actions") or () if isinstance(a, Mapping)]
    parts = [
        counted(changes.count(d), f"{d} change") for d in ("positive", "negative") if d in changes
    ]
    due = sorted({str(a["due_on"]) for a in actions if a.get("due_on")})
    if actions:
        when = f" (due {', '.join(uk_date(d) for d in due)})" if due else ""
        parts.append(f"{counted(len(actions), 'action')} set{when}")
    return f"Supervision by {p.get('supervisor_id')}" + (f": {'; '.join(parts)}" if parts else "")


def _person_linked(p: Payload) -> str:
    who = code_words(codes.RELATIONSHIP_LABELS, p.get("relationship")) or "person"
    home = "lives with the children" if p.get("lives_with") else "does not live with the children"
    return f"{who[:1].upper()}{who[1:]} ({p.get('person_id')}) linked to the family; {home}"


def _corrected(p: Payload) -> str:
    replacement = p.get("replacement") or {}
    changed = []
    if replacement.get("occurred_at"):
        changed.append(f"date now {uk_date(replacement['occurred_at'])}")
    fields = sorted(str(k).replace("_", " ") for k in replacement.get("payload") or {})
    if fields:
        changed.append(f"{', '.join(fields)} changed")
    return "Earlier record corrected" + (f": {'; '.join(changed)}" if changed else "")


def _allocated(p: Payload) -> str:
    worker = who_text(p.get("worker_id"), p.get("role"), p.get("qualified"))
    team = f", team {p['team']}" if p.get("team") else ""
    return f"Case allocated to {worker}{team}"


def _fixed(text: str) -> Callable[[Payload], str]:
    return lambda p: text


def _either(field: str, lead: str, yes: str, no: str) -> Callable[[Payload], str]:
    """A line that says one thing or the other on a yes/no field."""
    return lambda p: lead + (yes if p.get(field) else no)


def _coded(
    lead: str, field: str, table: Mapping[str, str], code: bool = True
) -> Callable[[Payload], str]:
    """A line ending in a code's words: with the code where a reader may look it up."""
    return lambda p: lead + (_label if code else code_words)(table, p.get(field))


LINES: dict[str, Callable[[Payload], str]] = {
    "ChildAdded": _child_added,
    "ReferralReceived": _referral,
    "ReferralDecided": _coded("Referral decision: ", "outcome", codes.OUTCOME_LABELS, False),
    "EpisodeClosed": _coded("Episode closed: ", "reason", codes.CLOSURE_REASON_LABELS),
    "HistoryStated": _history,
    "AssessmentStarted": _fixed("Assessment started"),
    "AssessmentCompleted": _assessed,
    "StrategyDiscussionHeld": _either(
        "section47",
        "Strategy discussion held: ",
        "section 47 enquiry to start",
        "no section 47 enquiry",
    ),
    "Section47Started": _fixed("Section 47 enquiry started"),
    "InitialConferenceHeld": _either(
        "plan_required",
        "Initial child protection conference held: ",
        "child protection plan needed",
        "no plan needed",
    ),
    "CPPlanStarted": _coded(
        "Child protection plan started: ", "category", codes.ABUSE_CATEGORY_LABELS
    ),
    "CPReviewHeld": _either(
        "plan_continues", "Child protection review held: ", "plan continues", "plan to end"
    ),
    "CPPlanEnded": _coded(
        "Child protection plan ended; next: ", "step_down", codes.OUTCOME_LABELS, False
    ),
    "PreProceedingsStarted": lambda p: f"Pre-proceedings (PLO) started for {_children(p)}",
    "LetterBeforeProceedingsSent": _fixed("Letter before proceedings sent"),
    "PLOMeetingHeld": lambda p: f"PLO meeting held ({code_words({}, p.get('kind'))})",
    "PreProceedingsEnded": _coded(
        "Pre-proceedings ended: ", "outcome", codes.OUTCOME_LABELS, False
    ),
    "CareProceedingsIssued": lambda p: f"Care proceedings issued for {_children(p)}",
    "CareProceedingsConcluded": _coded(
        "Care proceedings concluded: ", "order", codes.COURT_ORDER_LABELS, False
    ),
    "ConnectedPersonPlacementStarted": lambda p: (
        f"Placed with connected person {p.get('carer_id')} under temporary approval (Regulation 24)"
    ),
    "ConnectedPersonApprovalExtended": _fixed("Temporary approval extended (Regulation 25)"),
    "ConnectedPersonApproved": _fixed("Connected-person carer approved"),
    "ConnectedPersonPlacementEnded": _fixed("Connected-person placement ended"),
    "CaseAllocated": _allocated,
    "SupervisionRecorded": _supervision,
    "ActionCompleted": _fixed("Supervision action completed"),
    "PersonLinked": _person_linked,
    "PersonUnlinked": lambda p: f"Person {p.get('person_id')} no longer linked to the family",
    "RecordCorrected": _corrected,
    "RecordRetracted": _fixed("Earlier record retracted"),
    "AlertAcknowledged": _fixed("Alert acknowledged"),
}


def event_line(event_type: str, payload: Payload) -> str:
    """The event as one line of a chronology; a type this vocabulary does not know is
    named in words from its code, never shown as the code alone."""
    describe = LINES.get(event_type)
    if describe is None:
        words = "".join(f" {c.lower()}" if c.isupper() else c for c in event_type).strip()
        return f"{words[:1].upper()}{words[1:]}" if words else "Event"
    return describe(payload)


def who_text(worker_id: Any, role: Any, qualified: Any) -> str:
    """ "SW-012, social worker, qualified"; "not recorded" when the source gave nobody
    (the contract asks who only of decisions)."""
    if not worker_id:
        return "not recorded"
    parts = [str(worker_id)]
    if role:
        parts.append(str(role).replace("_", " "))
    if qualified is not None and qualified != "":
        parts.append("qualified" if qualified in (True, 1, "1", "true", "yes") else "NOT qualified")
    return ", ".join(parts)


def child_labels(children: Sequence[Mapping[str, Any]], on: date) -> dict[str, str]:
    """Each child (rows with child_id, birth_date or birth_year, sex) as "Child 2, girl,
    7" on `on`, or "Child 2, girl, born 2019" where only the year is held (the read
    models keep no date of birth: issue 15's encryption at rest).

    Numbered eldest first, as a worker lists a family; children without a birth date
    after those with one, then by id, so the numbers hold still from page to page.
    """

    def born(c: Mapping[str, Any]) -> str:
        return str(c.get("birth_date") or c.get("birth_year") or "")

    def eldest_first(c: Mapping[str, Any]) -> tuple[bool, str, str]:
        return (not born(c), born(c)[:10], str(c["child_id"]))

    labels = {}
    for n, child in enumerate(sorted(children, key=eldest_first), start=1):
        year = child.get("birth_year")
        age = age_text(child.get("birth_date"), on) or (f"born {year}" if year else "")
        parts = [f"Child {n}", SEX_WORDS.get(str(child.get("sex")), ""), age]
        labels[str(child["child_id"])] = ", ".join(p for p in parts if p)
    return labels
