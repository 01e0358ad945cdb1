"""Extending a family's fold batch by batch gives what folding it from zero gives.

The projector extends a cached family's state with the records of each batch
(`extend_facts`) and falls back to a refold for a correction, a retraction or a
record dated before the family's latest. Random arrival orders (late events,
out-of-order arrival across topics) and random batch splits must land on the very
state, rows and alerts of a fold from zero, on the edges of GUIDE section 5 and on
generated families.
"""

from __future__ import annotations

from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.contract import ContractEvent, parse_event
from domain.family import Family
from domain.rules.facts import FamilyFacts, extend_facts, facts_for
from domain.rules.family_rows import FamilyRows, derive
from domain.rules.thresholds import DEFAULT_THRESHOLDS
from domain.state import TYPE_RANK, Record
from synthetic import generate
from tests.support.contradictions import contradictory_family
from tests.support.edge_journeys import edge_family
from tests.support.journeys import rich_family, stated_family

AS_OF = date(2025, 6, 2)


def recorded(events: list[ContractEvent]) -> list[Record]:
    family = Family(events[0].family_id)
    family.record_many(events)
    return list(family.records)


def business_order(e: ContractEvent) -> tuple[str, int, str, str]:
    return (e.occurred_at[:10], TYPE_RANK[e.event_type], e.occurred_at, e.event_id)


def family_of(events: list[ContractEvent]) -> str:
    return events[0].family_id


def same(one: FamilyRows, other: FamilyRows) -> None:
    assert one.tables == other.tables
    assert one.alerts == other.alerts


def project_in_batches(
    family_id: str, records: list[Record], cuts: list[int], days: list[date] | None = None
) -> tuple[FamilyFacts, int]:
    """Fold and derive batch by batch as the projector does (an extension derives
    on top of the previous rows, reusing the tables it did not change; batch n is
    judged on `days[n]`, default AS_OF); check each step against a fold and a derive
    from zero. Returns the last facts and how many batches were extended in place."""
    facts: FamilyFacts | None = None
    rows: FamilyRows | None = None
    extended = 0
    bounds = sorted({c % (len(records) + 1) for c in cuts} | {len(records)})
    start = 0
    for step, end in enumerate(bounds):
        if end <= start:
            continue
        as_of = days[step % len(days)] if days else AS_OF
        new = records[start:end]
        grown = extend_facts(facts, new) if facts is not None else None
        if grown is None:
            grown, rows = facts_for(family_id, records[:end]), None
        else:
            extended += 1
        facts = grown
        scratch = facts_for(family_id, records[:end])
        assert facts.records == records[:end]
        assert facts.effective == scratch.effective
        assert facts.state == scratch.state
        assert facts.opened_by == scratch.opened_by
        rows = derive(family_id, facts.records, as_of, DEFAULT_THRESHOLDS, facts, rows)
        same(rows, derive(family_id, records[:end], as_of, DEFAULT_THRESHOLDS))
        start = end
    assert facts is not None
    return facts, extended


def arrival(events: list[ContractEvent], delays: list[int]) -> list[ContractEvent]:
    """The events as they might arrive: each held back by up to a few places."""
    keyed = sorted(
        range(len(events)), key=lambda i: (i + (delays[i % len(delays)] if delays else 0), i)
    )
    return [events[i] for i in keyed]


def contradicted() -> list[ContractEvent]:
    return [parse_event(e) for e in contradictory_family()]


FAMILIES = {
    "edge": edge_family,
    "rich": rich_family,
    "contradicted": contradicted,
    "stated": stated_family,
}
cuts = st.lists(st.integers(0, 200), max_size=12)
delays = st.lists(st.integers(0, 6), max_size=40)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(FAMILIES)), delays, cuts)
def test_random_arrivals_and_batches_land_on_the_fold_from_zero(
    name: str, delay: list[int], cut: list[int]
) -> None:
    events = FAMILIES[name]()
    project_in_batches(family_of(events), recorded(arrival(events, delay)), cut)


def test_in_business_order_every_batch_extends_in_place_until_a_correction() -> None:
    events = edge_family()
    plain = [e for e in events if e.event_type not in ("RecordCorrected", "RecordRetracted")]
    records = recorded(sorted(plain, key=business_order))
    _, extended = project_in_batches("FE", records, list(range(1, len(records))))
    assert extended == len(records) - 1  # the first batch folds; every later one extends
    # With a correction among the records, nothing is extended: each batch refolds.
    _, extended = project_in_batches("FE", recorded(events), list(range(1, len(events))))
    assert extended < len(events) - 1


def test_a_late_event_refolds_and_lands_where_it_belongs() -> None:
    events = edge_family()
    late = events[2]  # the first referral, recorded last
    records = recorded([*events[:2], *events[3:], late])
    facts, _ = project_in_batches("FE", records, list(range(1, len(records))))
    assert [
        r["referral_id"]
        for r in derive("FE", records, AS_OF, DEFAULT_THRESHOLDS, facts=facts).tables["referrals"]
    ][:1] == ["R1"]


# Days the projector may run on: deadline alerts judged on a new day are judged
# again, whatever else the extension left as it was.
days = st.lists(st.dates(date(2015, 1, 1), date(2026, 1, 1)), max_size=4)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(1, 40), cuts, days)
def test_generated_families_in_their_arrival_order(
    number: int, cut: list[int], day: list[date]
) -> None:
    events = [parse_event(e) for e in generate(40, 10, 3)]
    wanted = sorted({e.family_id for e in events})[number - 1]
    mine = [e for e in events if e.family_id == wanted]
    project_in_batches(wanted, recorded(mine), cut, day)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(FAMILIES)), cuts, days)
def test_one_record_at_a_time_on_changing_days(name: str, cut: list[int], day: list[date]) -> None:
    """Business order, so every batch extends (until a correction) and reuses the
    most tables; the days move the deadline alerts under the reused rows."""
    events = sorted(FAMILIES[name](), key=business_order)
    records = recorded(events)
    project_in_batches(family_of(events), records, [*cut, *range(1, len(records))], day)
