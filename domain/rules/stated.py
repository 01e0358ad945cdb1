"""Stated history: what a return says about the past it does not list (GUIDE section 8).

A statement (`HistoryStated`) counts what came before a date it names
(`counted_from`: the referral on an Annex A List 3 row, the strategy discussion
on a List 5 row, the plan on a List 7 row or a CIN census plan): "2 referrals
in the 12 months before this one", "1 previous CP plan". The rules take, for
each referral, enquiry or plan, the larger of what the store observed in the
same window and what a statement says, so the same referral observed and stated
is counted once; the alert says which established it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from domain.codes import HISTORY_SOURCE_LABELS
from domain.state import Child

OBSERVED = "observed"


def described(statement: dict[str, Any]) -> str:
    """'stated in Annex A List 3 of 2025-03-31': which return said so, and of when."""
    name = HISTORY_SOURCE_LABELS.get(statement["source"], statement["source"])
    return f"stated in {name} of {statement['as_of'].isoformat()}"


def _best(statements: list[dict[str, Any]], count: str) -> dict[str, Any] | None:
    """The statement with the highest count (the latest return on a tie)."""
    if not statements:
        return None
    return max(statements, key=lambda s: (s[count], s["as_of"], s["event_id"]))


def prior_referrals(child: Child, day: date) -> dict[str, Any] | None:
    """The statement of how many referrals the child had in the 12 months before
    the referral received on `day`. A count stated about another referral says
    nothing certain about this one's window (the stated referrals' dates are not
    given), so only statements counted from `day` itself apply."""
    return _from_day(child, day, "prior_referrals_12m")


def _from_day(child: Child, day: date, count: str) -> dict[str, Any] | None:
    found = [
        s for s in child.stated.values() if s["counted_from"] == day and s.get(count) is not None
    ]
    return _best(found, count)


def prior_section47s(child: Child, day: date) -> dict[str, Any] | None:
    """The statement of how many section 47 enquiries the child had in the 12 months
    before the enquiry started on `day`; as for referrals, only a count made from
    `day` itself applies."""
    return _from_day(child, day, "prior_section47s")


def previous_plans(child: Child, day: date) -> dict[str, Any] | None:
    """The statement of how many CP plans the child had before the plan started on
    `day` or an earlier plan: plans before an earlier date are before this one too."""
    found = [
        s
        for s in child.stated.values()
        if s["counted_from"] <= day and s.get("previous_cp_plans") is not None
    ]
    return _best(found, "previous_cp_plans")
