"""Alerts in plain English: what a practice lead reads in a list, not machine detail.

One line per alert from its kind and `detail` (GUIDE section 4's message), shared
by the dashboard and the CLI so both say the same thing. Dates are written as in
the rest of the product's text (domain.uk_dates: "04 Mar 2025"); no internal ids
(alert, event) appear.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from domain.rules import RULES
from domain.uk_dates import uk_date

LABELS: dict[str, str] = {rule.code: rule.title for rule in RULES if rule.alert}
CONTRADICTED = "Depends on a contradicted record: see the data-quality findings."

Detail = dict[str, Any]


def _basis(d: Detail) -> str:
    basis = str(d.get("basis") or "observed")
    return "" if basis == "observed" else f" (count {basis})"


def _third_child(d: Detail) -> str:
    more = len(d.get("referral_ids") or ())
    again = f"; raised again by {more - 1} later referral{'s' if more > 2 else ''}" if more else ""
    return (
        f"{d.get('count')} referrals in 12 months, latest {d.get('referral_id')}{again}" + _basis(d)
    )


def _third_family(d: Detail) -> str:
    children = len(d.get("child_ids") or ())
    dates = d.get("dates") or ()
    latest = f", latest {uk_date(dates[-1])}" if dates else ""
    who = f"{children} child{'ren' if children != 1 else ''} referred"
    return f"{d.get('count')} referral dates in 12 months across the family{latest} ({who})" + (
        _basis(d)
    )


def _repeat_plan(d: Detail) -> str:
    ended = d.get("previous_ended_on")
    earlier = f", the last ended {uk_date(ended)}" if ended else ""
    return f"Child protection plan number {d.get('plan_number')}{earlier}" + _basis(d)


def _repeat_plo(d: Detail) -> str:
    if d.get("earlier_proceedings_id") and not d.get("earlier_plo_id"):
        return "Pre-proceedings again after earlier care proceedings"
    return f"Pre-proceedings episode number {d.get('episode_number')} for this family"


def _repeat_s47(d: Detail) -> str:
    return f"Section 47 enquiry number {d.get('count')} in 12 months" + _basis(d)


def _drift(d: Detail) -> str:
    if d.get("reason") == "beyond_target":
        due = uk_date(d.get("due_on"))
        return f"Open beyond the {d.get('weeks')}-week target, which fell on {due}"
    return (
        f"No PLO meeting since {uk_date(d.get('since'))}: "
        f"the next was due by {uk_date(d.get('due_on'))}"
    )


def _reg24(d: Detail) -> str:
    extended = " (after the Regulation 25 extension)" if d.get("extended") else ""
    expires = uk_date(d.get("expires_on"))
    if d.get("phase") == "breach":
        return (
            f"Temporary approval expired on {expires}{extended}, "
            "placement neither approved nor ended"
        )
    return f"Temporary approval expires on {expires}{extended}"


def _overdue(d: Detail) -> str:
    return f"Supervision action {d.get('action_id')} was due on {uk_date(d.get('due_on'))}"


def event_words(event_type: str) -> str:
    """'StrategyDiscussionHeld' as 'Strategy discussion held'."""
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", event_type).lower()
    return words[:1].upper() + words[1:]


def _unqualified(d: Detail) -> str:
    role = str(d.get("role") or "").replace("_", " ")
    by = f" by {d.get('worker_id')}" + (f" ({role})" if role else "")
    return f"{event_words(str(d.get('event_type') or 'Decision'))}{by}, not a qualified worker"


TEXTS: dict[str, Callable[[Detail], str]] = {
    "third_referral_child": _third_child,
    "third_referral_family": _third_family,
    "repeat_cp_plan": _repeat_plan,
    "repeat_pre_proceedings": _repeat_plo,
    "repeat_section47": _repeat_s47,
    "pre_proceedings_drift": _drift,
    "reg24_deadline": _reg24,
    "overdue_action": _overdue,
    "unqualified_decision": _unqualified,
}


def label(kind: str) -> str:
    return LABELS.get(kind) or kind.replace("_", " ").capitalize()


def describe(kind: str, detail: Detail) -> str:
    """The alert's one line: what happened, with its dates and the count that raised it."""
    text = TEXTS.get(kind)
    line = text(detail) if text else label(kind)
    if detail.get("contradicted"):
        line += ". " + CONTRADICTED
    return line


def state_text(row: Detail) -> str:
    """Where an alert stands, in words (never a checkbox: nothing is clickable there);
    the CLI and the dashboard say the same."""
    status = row.get("status")
    if status == "closed":
        return f"closed {uk_date(row.get('closed_on'))}"
    if status in ("withdrawn", "projected"):
        return str(status)
    if row.get("acknowledged"):
        by = f" by {row['acknowledged_by']}" if row.get("acknowledged_by") else ""
        return f"acknowledged {uk_date(row.get('acknowledged_on'))}{by}"
    if row.get("acknowledged_before"):
        return f"open again (acknowledged {uk_date(row.get('acknowledged_before'))})"
    return "open"


def owner_text(row: Detail) -> str:
    """The allocated team and worker, or "unallocated"."""
    return " / ".join(str(p) for p in (row.get("team"), row.get("worker_id")) if p) or "unallocated"


def capitalised(text: str) -> str:
    """A table cell's first letter in capitals, the rest as written."""
    return text[:1].upper() + text[1:]
