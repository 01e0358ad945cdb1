"""Repeat section 47 enquiry: a child's second (or later) enquiry within 12 months.

GUIDE section 5 names repeat involvement (finding E) but defines no repeat
enquiry, so this is the definition: an enquiry is a repeat when the child had
another section 47 enquiry within the 12 months before it (on or after the same
date a year earlier, GUIDE section 2's months). The window is fixed, not a
threshold, because it is Annex A List 5's own ("Number of Section 47 Enquiries in
the last 12 months"): a stated count and an observed one then measure the same
thing, and the rule takes the larger, never the sum (domain.rules.stated). The
List 5 ICPC count is not used: an ICPC's enquiry may have started before the 12
months, so it is no floor on enquiries within them.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from domain.calendar import minus_years
from domain.rules import stated
from domain.rules.base import Alert, Rule, alert_id, iso
from domain.rules.facts import FamilyFacts

KIND = "repeat_section47"
WINDOW_YEARS = 1
RULE = Rule(
    code=KIND,
    title="Repeat section 47 enquiry",
    definition=(
        "A section 47 enquiry started for a child who had another section 47 enquiry "
        "within the 12 months before it (on or after the same date a year earlier), "
        "observed or stated by a return (Annex A List 5's count of section 47 enquiries "
        "in the last 12 months), never both. One alert per such enquiry; detail.count says "
        "how many in the 12 months, itself included, and detail.basis whether observed or "
        "stated (and where)."
    ),
    alert=True,
)


def alerts(facts: FamilyFacts) -> list[Alert]:
    """Enquiries in business order (the fold's), so of two on one day the second is
    the repeat."""
    out: list[Alert] = []
    seen: dict[str, list[dict[str, Any]]] = {}
    for s47 in facts.state.s47s.values():
        child_id, day = s47["child_id"], s47["started_on"]
        earlier = seen.setdefault(child_id, [])
        within = [e for e in earlier if minus_years(day, WINDOW_YEARS) <= e["started_on"] <= day]
        earlier.append(s47)
        count, basis = _count(facts, child_id, day, len(within))
        if count < 2:
            continue
        out.append(
            Alert(
                alert_id=alert_id(KIND, facts.family_id, s47["event_id"]),
                kind=KIND,
                family_id=facts.family_id,
                child_id=child_id,
                trigger_event_id=s47["event_id"],
                occurred_at=iso(day) or "",
                detail={
                    "s47_id": s47["s47_id"],
                    "count": count,
                    "previous_s47_id": within[-1]["s47_id"] if within else None,
                    "basis": basis,
                },
                team=facts.team_for([child_id]),
            )
        )
    return out


def _count(facts: FamilyFacts, child_id: str, day: date, observed: int) -> tuple[int, str]:
    """Enquiries in the 12 months to `day`, this one included, and what established it."""
    child = facts.state.children.get(child_id)
    statement = stated.prior_section47s(child, day) if child else None
    claimed = statement["prior_section47s"] if statement else 0
    if statement is not None and claimed > observed:
        return claimed + 1, stated.described(statement)
    return observed + 1, stated.OBSERVED
