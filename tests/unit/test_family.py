"""The Family aggregate: every event type, every contradiction found, idempotency, ordering."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.contract import EVENT_SPECS, ContractEvent, topic_for
from domain.family import Family
from domain.findings import due, family_findings
from tests.support.events import ev
from tests.support.journeys import rich_family


def recorded(events: list[ContractEvent]) -> Family:
    family = Family(events[0].family_id)
    for event in events:
        family.record(event)
    return family


def found(family: Family) -> dict[str, tuple[str, str]]:
    """event id -> (rule, reason) of every finding the family's history shows."""
    return {
        f.event_id: (f.rule, f.reason)
        for f in due(family_findings(family.family_id, family.state, family.records), date.max, 30)
    }


def with_statement(events: list[ContractEvent]) -> list[ContractEvent]:
    """rich_family and a return's statement about C1's first referral (HistoryStated:
    kept apart so the audit tests' versions and counts over rich_family stand)."""
    statement = ev(
        "HistoryStated",
        "2024-10-08",
        event_id="e37",
        family_id=events[0].family_id,
        child_id="C1",
        statement_id="S1",
        version=1,
        source="annex_a_list3",
        as_of="2024-10-08",
        counted_from="2023-01-10",
        prior_referrals_12m=0,
    )
    return [*events, statement]


def test_rich_family_records_every_event_type() -> None:
    events = with_statement(rich_family())
    family = recorded(events)
    assert {r["event_type"] for r in family.records} == set(EVENT_SPECS)
    assert len(family.records) == len(events)
    state = family.state
    assert set(state.children) == {"C1", "C2"}
    assert state.children["C1"].referral_ids == ["R1", "R2"]  # R3 was retracted
    assert "R3" not in state.referrals
    assert state.referrals["R2"]["received_on"] == date(2023, 11, 14)  # corrected date
    assert state.referrals["R1"]["closure_reason"] == "RC7"
    assert state.assessments["A1"]["factors"] == ["3A", "4B"]
    assert state.s47s["Q1"]["icpc_on"] == date(2023, 3, 10)
    assert state.cp_plans["CP1"]["reviews"] == [date(2023, 6, 1)]
    assert state.cp_plans["CP1"]["step_down"] == "cin_plan"
    assert state.children["C1"].plan_ids == ["CP1", "CP2"]
    plo = state.plo["PLO1"]
    assert plo["letter_on"] == date(2024, 2, 2)
    assert [m["kind"] for m in plo["meetings"]] == ["initial", "review"]
    assert plo["outcome"] == "proceedings_issued"
    assert state.proceedings["CO1"]["order"] == "special_guardianship"
    placement = state.placements["PL1"]
    assert placement["extended_on"] and placement["approved_on"] and placement["ended_on"]
    assert state.actions["ACT1"]["completed_on"] == date(2023, 6, 20)
    assert state.actions["ACT2"]["completed_on"] is None
    assert state.persons["P-1"]["unlinked_on"] == date(2024, 10, 5)
    assert state.children["C1"].allocation["worker_id"] == "SW-2"
    assert "AL-1" in state.acknowledgements
    assert state.pending == {} and state.violations == {}


def test_history_keeps_both_the_record_and_its_correction() -> None:
    family = recorded(rich_family())
    ids = [r["event_id"] for r in family.records]
    assert "e18" in ids and "e34" in ids and "e19" in ids and "e35" in ids
    original = next(r for r in family.records if r["event_id"] == "e18")
    assert original["occurred_at"] == "2023-11-15"


def test_same_event_twice_is_recorded_once() -> None:
    event = ev("ReferralReceived", "2024-01-01", referral_id="R1", source="2A")
    family = Family("F1")
    assert family.record(event) is True
    assert family.record(event) is False
    assert len(family.records) == 1
    assert len(family.collect_events()) == 2  # Created + one Recorded


def test_recording_time_is_kept_beside_business_time() -> None:
    family = recorded([ev("ReferralReceived", "2020-01-01", referral_id="R1", source="2A")])
    record = family.records[0]
    assert record["occurred_at"] == "2020-01-01"
    assert record["recorded_at"][:4] >= "2026"


def test_assessment_before_its_referral_is_linked_when_it_arrives() -> None:
    family = Family("F1")
    family.record(ev("AssessmentStarted", "2024-01-03", assessment_id="A1", referral_id="R1"))
    assert family.state.pending
    family.record(ev("ReferralReceived", "2024-01-02", referral_id="R1", source="2A"))
    assert family.state.pending == {}
    assert family.state.assessments["A1"]["referral_id"] == "R1"


def _plan(start: str, plan_id: str = "CP1") -> ContractEvent:
    return ev("CPPlanStarted", start, plan_id=plan_id, category="NEG")


@pytest.mark.parametrize(
    ("setup", "bad", "reason"),
    [
        (
            [_plan("2024-01-01")],
            _plan("2024-02-01", "CP2"),
            "child already has an open CP plan CP1",
        ),
        (
            [_plan("2024-01-01")],
            ev("CPReviewHeld", "2023-12-01", plan_id="CP1", plan_continues=True),
            "CPReviewHeld is dated before CP plan CP1 began",
        ),
        (
            [_plan("2024-01-01"), ev("CPPlanEnded", "2024-03-01", plan_id="CP1", step_down="none")],
            ev("CPReviewHeld", "2024-04-01", plan_id="CP1", plan_continues=True),
            "review held after CP plan CP1 ended",
        ),
        (
            [_plan("2024-01-01"), ev("CPPlanEnded", "2024-03-01", plan_id="CP1", step_down="none")],
            ev("CPPlanEnded", "2024-03-02", plan_id="CP1", step_down="none"),
            "CP plan CP1 was already ended",
        ),
        (
            [
                ev("ReferralReceived", "2024-01-01", referral_id="R1", source="2A"),
                ev("EpisodeClosed", "2024-02-01", referral_id="R1", reason="RC8"),
            ],
            ev("AssessmentStarted", "2024-03-01", assessment_id="A1", referral_id="R1"),
            "episode of referral R1 closed before this event",
        ),
        (
            [ev("ReferralReceived", "2024-01-01", referral_id="R1", source="2A")],
            ev("ReferralReceived", "2024-01-05", referral_id="R1", source="2A"),
            "referral R1 was already recorded",
        ),
        (
            [ev("AssessmentStarted", "2024-01-05", assessment_id="A1", referral_id="R1")],
            ev(
                "AssessmentCompleted",
                "2024-01-04",
                assessment_id="A1",
                factors=["21"],
                outcome="nfa",
            ),
            "AssessmentCompleted is dated before assessment A1 began",
        ),
        (
            [
                ev(
                    "StrategyDiscussionHeld",
                    "2024-01-05",
                    strategy_id="S1",
                    referral_id="R1",
                    section47=False,
                )
            ],
            ev("Section47Started", "2024-01-06", s47_id="Q1", strategy_id="S1"),
            "strategy discussion S1 decided on no section 47",
        ),
        (
            [
                ev(
                    "PreProceedingsStarted",
                    "2024-01-05",
                    child_id=None,
                    plo_id="P1",
                    child_ids=["C1"],
                )
            ],
            ev("PreProceedingsStarted", "2024-02-05", child_id=None, plo_id="P2", child_ids=["C1"]),
            "family is already in pre-proceedings P1",
        ),
        (
            [
                ev(
                    "ConnectedPersonPlacementStarted", "2024-01-05", placement_id="PL", carer_id="X"
                ),
                ev("ConnectedPersonApprovalExtended", "2024-04-20", placement_id="PL"),
            ],
            ev("ConnectedPersonApprovalExtended", "2024-06-01", placement_id="PL"),
            "temporary approval can be extended only once (Regulation 25)",
        ),
        (
            [
                ev("ReferralReceived", "2024-01-01", event_id="x1", referral_id="R1", source="2A"),
                ev(
                    "RecordRetracted",
                    "2024-01-02",
                    child_id=None,
                    event_id="x2",
                    target_event_id="x1",
                    reason="dup",
                ),
            ],
            ev(
                "RecordCorrected",
                "2024-01-03",
                child_id=None,
                target_event_id="x2",
                reason="oops",
                replacement={"occurred_at": "2024-01-01"},
            ),
            "a correction or retraction cannot target another one",
        ),
    ],
)
def test_a_contradiction_is_recorded_and_found_whatever_the_arrival_order(
    setup: list[ContractEvent], bad: ContractEvent, reason: str
) -> None:
    family = recorded([*setup, bad])
    assert family.knows(bad.event_id)
    assert found(family)[bad.event_id][1] == reason
    assert found(family) == found(recorded([bad, *setup]))


def test_an_overlapping_plan_is_kept_so_its_review_and_end_attach() -> None:
    family = recorded(
        [
            _plan("2024-01-01"),
            _plan("2024-02-01", "CP2"),
            ev("CPReviewHeld", "2024-04-01", plan_id="CP2", plan_continues=True),
            ev("CPPlanEnded", "2024-06-01", plan_id="CP2", step_down="none"),
        ]
    )
    assert family.state.pending == {}
    assert family.state.cp_plans["CP2"]["reviews"] == [date(2024, 4, 1)]
    assert family.state.cp_plans["CP2"]["ended_on"] == date(2024, 6, 1)
    [(rule, _)] = found(family).values()
    assert rule == "overlapping_cp_plan"


def test_a_correction_that_contradicts_is_recorded_and_a_later_one_resolves_it() -> None:
    family = recorded(
        [
            _plan("2024-01-01"),
            ev("CPReviewHeld", "2024-03-01", event_id="rv", plan_id="CP1", plan_continues=True),
        ]
    )
    bad = ev(
        "RecordCorrected",
        "2024-03-05",
        child_id=None,
        target_event_id="rv",
        reason="typo",
        replacement={"occurred_at": "2023-12-01"},
    )
    assert family.record(bad)
    assert found(family)["rv"] == (
        "dated_before_anchor",
        "CPReviewHeld is dated before CP plan CP1 began",
    )
    fix = ev(
        "RecordCorrected",
        "2024-03-06",
        child_id=None,
        target_event_id="rv",
        reason="typo fixed",
        replacement={"occurred_at": "2024-03-01"},
    )
    assert family.record(fix)
    assert found(family) == {}
    assert family.state.cp_plans["CP1"]["reviews"] == [date(2024, 3, 1)]


def test_an_event_for_another_family_is_refused() -> None:
    family = Family("F1")
    event = ev("ChildAdded", "2024-01-01", family_id="F2")
    assert family.record_many([event]) == ["event belongs to another family"]
    assert not family.knows(event.event_id)


def test_a_fact_waiting_for_its_anchor_is_found_only_after_the_grace_period() -> None:
    family = Family("F1")
    family.record(
        ev("AssessmentStarted", "2024-01-03", event_id="a1", assessment_id="A1", referral_id="R1")
    )
    recorded_on = date.fromisoformat(family.records[0]["recorded_at"][:10])
    found = family_findings("F1", family.state, family.records)
    at = lambda days: due(  # noqa: E731
        found, recorded_on.fromordinal(recorded_on.toordinal() + days), 30
    )
    assert at(29) == []
    [finding] = at(30)
    assert finding.rule == "awaiting_anchor" and finding.event_id == "a1"
    assert "referral R1 not yet received" in finding.reason


def test_event_topics_are_explicit_and_versioned() -> None:
    for name in EVENT_SPECS:
        assert f"casejourney/{name}/v1" == getattr(Family, name).TOPIC
    assert Family.TOPIC == "casejourney/Family/v1"


@st.composite
def interleavings(draw: st.DrawFn) -> list[ContractEvent]:
    """Any arrival order Kafka can produce: topics interleaved, each topic in order."""
    queues: dict[str, list[ContractEvent]] = {}
    for event in rich_family():
        queues.setdefault(topic_for(event.event_type), []).append(event)
    order: list[ContractEvent] = []
    while any(queues.values()):
        live = [q for q in queues.values() if q]
        order.append(live[draw(st.integers(0, len(live) - 1))].pop(0))
    return order


@settings(max_examples=150, deadline=None)
@given(interleavings())
def test_any_cross_topic_arrival_order_gives_the_same_state(order: list[ContractEvent]) -> None:
    expected = recorded(rich_family()).state
    family = recorded(order)
    assert family.state == expected
    assert family.state == refolded(family)


@settings(max_examples=100, deadline=None)
@given(st.permutations(rich_family()[:20]))
def test_any_permutation_of_a_plan_free_history_gives_the_same_state(
    order: list[ContractEvent],
) -> None:
    """Without same-topic dependencies, even full permutations agree."""
    expected = recorded(rich_family()[:10]).state
    family = recorded([e for e in order if e in rich_family()[:10]])
    assert family.state == expected


def refolded(family: Family) -> object:
    from domain.state import FamilyState

    return FamilyState.fold(family.records)


def test_record_many_stores_contradictions_and_skips_duplicates() -> None:
    family = recorded([_plan("2024-01-01")])
    dup = family.records[0]["event_id"]
    good = ev("CPReviewHeld", "2024-03-01", plan_id="CP1", plan_continues=True)
    bad = _plan("2024-02-01", "CP2")
    again = ev("CPPlanStarted", "2024-01-01", event_id=dup, plan_id="CP1", category="NEG")
    outcomes = family.record_many([good, bad, again, good])
    assert outcomes == [True, True, False, False]
    assert family.state.cp_plans["CP1"]["reviews"] == [date(2024, 3, 1)]
    assert family.state.violations[bad.event_id].rule == "overlapping_cp_plan"
    assert family.state == refolded(family)


@settings(max_examples=100, deadline=None)
@given(interleavings(), st.integers(1, 12))
def test_recording_in_batches_equals_recording_one_by_one(
    order: list[ContractEvent], size: int
) -> None:
    family = Family("F1")
    for start in range(0, len(order), size):
        assert all(o is True for o in family.record_many(order[start : start + size]))
    assert family.state == recorded(rich_family()).state
    assert family.state == refolded(family)


def test_the_chain_hash_of_a_fixed_record_never_changes() -> None:
    """Stored chains are checked against this text forever: a change in how the hash
    is computed (key order, separators, which fields count) would break every seal."""
    from domain.family import chain_hash

    record = {
        "event_id": "E1",
        "event_type": "ReferralReceived",
        "child_id": "C1",
        "occurred_at": "2024-02-29",
        "recorded_by": {"role": "SW", "team": "T1"},
        "payload": {"referral_id": "R1", "source": "2A"},
        "extra": {},
        "recorded_at": "2024-03-01T09:00:00+00:00",
        "version": 2,
        "chain": "not part of the hash",
    }
    assert chain_hash("0" * 64, "F1", 2, record) == (
        "188cd7ffddaf2141d212acd9358cfccfe86f99f36d43ea5244a0848e862d215a"
    )
