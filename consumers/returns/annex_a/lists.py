"""Annex A list rows to contract facts: lists 3 to 8 (mapping table in the README).

Each function reads one parsed row. Values a list does not hold but the contract
needs are inferred and marked so (see consumers.returns.links).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from consumers.returns import builders
from consumers.returns.facts import (
    Fact,
    Record,
    child_added,
    history_stated,
    plan_key,
    proceedings_key,
    referral_key,
    s47_key,
)
from consumers.returns.links import Links

CARE_ORDERS = frozenset({"C1", "C2"})  # interim care order, full care order


def _child(record: Record, first_seen_key: str) -> Fact:
    v = record.values
    return child_added(record, v[first_seen_key], v.get("birth_date"), v.get("sex"))


def referrals(record: Record, links: Links) -> list[Fact]:
    v = record.values
    day = v["referral_date"]
    facts = builders.episode(
        record, day, v["referral_source"], None, v.get("referral_nfa"), None, None
    )
    stated = _stated(
        record, referral_key(record.child_id, day), day, prior_referrals_12m="prior_referrals"
    )
    return [_child(record, "referral_date"), *facts, *stated]


def _stated(record: Record, key: str, day: date, **fields: str) -> list[Fact]:
    """The row's statement of the past it does not list, if it makes one:
    `fields` maps each HistoryStated count to the row's value holding it."""
    counts = {
        name: record.values[f] for name, f in fields.items() if record.values.get(f) is not None
    }
    return [history_stated(record, key, day, counts)] if counts else []


def children_in_need(record: Record, links: Links) -> list[Fact]:
    """The episode again (same id as its List 3 row); the source is not in List 6."""
    v = record.values
    facts = builders.episode(
        record,
        v["cin_start"],
        None,
        v.get("primary_need"),
        None,
        v.get("cin_closure"),
        v.get("closure_reason"),
    )
    return [_child(record, "cin_start"), *facts]


def assessments(record: Record, links: Links) -> list[Fact]:
    """Outcome: 'requiring children's social care support' yes is cin_plan, no is
    nfa; when the column is blank or absent, cin_plan (inferred)."""
    v = record.values
    support = v.get("requires_support")
    facts = builders.assessment(
        record,
        v["assessment_start"],
        None,
        v.get("assessment_authorised"),
        None,
        "nfa" if support is False else "cin_plan",
        support is None,
        links,
    )
    return [_child(record, "assessment_start"), *facts]


def section47s(record: Record, links: Links) -> list[Fact]:
    v = record.values
    facts = builders.section47(
        record,
        v["strategy_date"],
        None,
        v.get("icpc_date"),
        v.get("icpc_not_required"),
        v.get("icpc_plan"),
        links,
    )
    day = v["strategy_date"]
    stated = _stated(
        record,
        s47_key(record.child_id, day),
        day,
        prior_section47s="prior_section47s",
        prior_icpcs="prior_icpcs",
    )
    return [_child(record, "strategy_date"), *facts, *stated]


def cp_plans(record: Record, links: Links) -> list[Fact]:
    """List 7 gives only the latest review conference (`latest_only`: not scored as
    a first review); earlier ones come from earlier files or the census, each
    review its own event."""
    v = record.values
    review = v.get("latest_review")
    reviews = [review] if review else []
    facts = builders.cp_plan(
        record,
        v["plan_start"],
        v["category"],
        reviews,
        v.get("plan_end"),
        links,
        frozenset(reviews),
    )
    day = v["plan_start"]
    stated = _stated(
        record, plan_key(record.child_id, day), day, previous_cp_plans="previous_plans"
    )
    return [_child(record, "plan_start"), *facts, *stated]


def children_in_care(record: Record, links: Links) -> list[Fact]:
    """Only an interim (C1) or full (C2) care order says proceedings were issued.
    The issue date is not in the return: the legal status start stands in for it
    (marked inferred); for C2 the order's date is the conclusion. Every other
    legal status (section 20, placement order, police protection...) makes no
    event: the contract has none for being looked after."""
    v, child = record.values, record.child_id
    start, status = v["care_start"], v["legal_status"]
    since = v.get("legal_status_start") or start
    facts = [_child(record, "care_start")]
    if status not in CARE_ORDERS:
        return facts
    key = proceedings_key(child, start)
    issued = {"proceedings_id": key, "child_ids": [child]}
    facts.append(
        Fact(
            "CareProceedingsIssued",
            record,
            key,
            start,
            "issued",
            since,
            issued,
            frozenset({"occurred_at"}),
        )
    )
    if status == "C2":
        payload = {"proceedings_id": key, "order": "care_order"}
        facts.append(
            Fact("CareProceedingsConcluded", record, key, start, "concluded", since, payload)
        )
    return facts


MAPPERS: dict[str, Callable[[Record, Links], list[Fact]]] = {
    "list 3": referrals,
    "list 6": children_in_need,
    "list 4": assessments,
    "list 5": section47s,
    "list 7": cp_plans,
    "list 8": children_in_care,
}
SECTIONS: tuple[str, ...] = tuple(MAPPERS)  # processing order: episodes before their work


def map_record(record: Record, links: Links) -> list[Fact]:
    return MAPPERS[record.section](record, links)


def link_record(record: Record, links: Links) -> None:
    """Tell the links what this row shows: episodes (lists 3, 6) and plans (7)."""
    v, child = record.values, record.child_id
    if record.section == "list 3":
        links.add_episode(child, referral_key(child, v["referral_date"]), v["referral_date"])
    elif record.section == "list 6":
        day = v["cin_start"]
        links.add_episode(child, referral_key(child, day), day, v.get("cin_closure"))
    elif record.section == "list 7":
        links.add_plan(child, plan_key(child, v["plan_start"]), v["plan_start"], v.get("plan_end"))
