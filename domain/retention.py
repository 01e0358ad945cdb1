"""How long a family's personal content is kept: the retention schedule.

Councils keep children's social care records by the kind of record: a child in need's
to their 25th birthday, a child in care's to 75 years from their birth (the Local
Government Association's retention guidance; each council sets its own, so both are
configurable). A family is kept until its last child's date has passed. A child with no
birth date is counted as born on the day it was first recorded, which keeps the record
at least as long as the true date would. Pure: the store destroys the keys.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from domain.contract import parse_business_date
from domain.state import FamilyState, Record

IN_NEED, IN_CARE = "in_need", "in_care"


@dataclass(frozen=True)
class RetentionSchedule:
    """Years kept from the child's birth, by kind of record."""

    in_need_years: int = 25
    in_care_years: int = 75


@dataclass(frozen=True)
class Retention:
    """Until when a family is kept, and the rule (the child's record) that sets it."""

    until: date
    rule: str
    child_id: str | None

    def due(self, as_at: date) -> bool:
        """Past its date: the family's personal content is to be destroyed."""
        return as_at > self.until


def _anniversary(born: date, years: int) -> date:
    try:
        return born.replace(year=born.year + years)
    except ValueError:  # born on 29 February: the anniversary is 1 March
        return date(born.year + years, 3, 1)


def in_care(state: FamilyState) -> set[str]:
    """Children looked after: placed (a connected-person placement), or subject to a
    care order at the end of proceedings."""
    placed = {p["child_id"] for p in state.placements.values() if p.get("child_id")}
    ordered = {
        child_id
        for p in state.proceedings.values()
        if p.get("order") == "care_order"
        for child_id in p["child_ids"]
    }
    return placed | ordered


def first_seen(records: list[Record]) -> dict[str | None, date]:
    """The earliest business date recorded per child (None: the family's own earliest)."""
    seen: dict[str | None, date] = {}
    for r in records:
        day = parse_business_date(r["occurred_at"])
        for who in (r.get("child_id"), None):
            if who not in seen or day < seen[who]:
                seen[who] = day
    return seen


def retention_of(
    state: FamilyState, seen: dict[str | None, date], schedule: RetentionSchedule
) -> Retention:
    """The family's retention: the latest of its children's; with no child recorded,
    the children-in-need period from the family's first record."""
    cared = in_care(state)
    family_first = seen.get(None, date.min)
    found = [Retention(_anniversary(family_first, schedule.in_need_years), IN_NEED, None)]
    for child_id, child in sorted(state.children.items()):
        born = (
            parse_business_date(child.birth_date)
            if child.birth_date
            else seen.get(child_id, family_first)
        )
        if child_id in cared:
            found.append(Retention(_anniversary(born, schedule.in_care_years), IN_CARE, child_id))
        else:
            found.append(Retention(_anniversary(born, schedule.in_need_years), IN_NEED, child_id))
    children = found[1:] or found
    return max(children, key=lambda r: r.until)
