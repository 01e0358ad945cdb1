"""Annex A rows to contract facts: each list's mapping, links and inferences."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

from consumers.returns.annex_a.workbook import read_annex_a
from consumers.returns.facts import Fact, event_or_reason
from consumers.returns.links import Links
from consumers.returns.run import merge
from consumers.returns.source_file import SourceFile
from consumers.returns.values import ValueProblem
from tests.unit.test_annex_a_workbooks import LIST5, LIST6, messy_workbook, write_workbook


def facts_of(source: SourceFile) -> list[Fact]:
    links = Links()
    for record in source.records:
        source.linker(record, links)
    out: list[Fact] = []
    order = {name: i for i, name in enumerate(source.sections)}
    for record in sorted(source.records, key=lambda r: order[r.section]):
        for fact in source.mapper(record, links):
            fact.family_id = f"child:{record.child_id}"
            fact.as_of = source.as_of
            out.append(fact)
    return out


def by_id(facts: Iterable[Fact]) -> dict[str, Fact]:
    merged, conflicts = merge(facts)
    assert conflicts == []
    return {f.event_id: f for f in merged}


def payload(fact: Fact) -> dict[str, Any]:
    event, reason = event_or_reason(fact)
    assert event is not None, reason
    return event.payload


@pytest.fixture
def facts(tmp_path: Path) -> dict[str, Fact]:
    return by_id(facts_of(read_annex_a(messy_workbook(tmp_path / "annex.xlsx"))))


def test_list3_referrals_and_nfa_decisions(facts: dict[str, Fact]) -> None:
    received = facts["imp:ref:1002:2024-01-09:received"]
    assert received.event_type == "ReferralReceived" and received.occurred_at.isoformat() == (
        "2024-01-09"
    )
    assert payload(received) == {"referral_id": "ref:1002:2024-01-09", "source": "6"}
    decided = facts["imp:ref:1002:2024-01-09:decided"]
    assert payload(decided) == {"referral_id": "ref:1002:2024-01-09", "outcome": "nfa"}
    event, _ = event_or_reason(decided)
    assert event is not None and event.recorded_by == {
        "worker_id": "import:annex-a",
        "role": "import",
        "qualified": True,
    }
    assert "imp:ref:1001:2024-01-08:decided" not in facts  # "No": no decision stated
    # 1004's row with an unreadable source is kept, its source inferred unknown (10)
    assert len([f for f in facts.values() if f.event_type == "ReferralReceived"]) == 7
    kept = facts["imp:ref:1004:2024-02-01:received"]
    assert payload(kept)["source"] == "10" and "source" in kept.inferred


def test_list6_restates_the_list3_episode_and_adds_need_and_closure(
    facts: dict[str, Fact],
) -> None:
    received = facts["imp:ref:1001:2024-01-08:received"]  # one fact from List 3 and List 6
    assert payload(received) == {
        "referral_id": "ref:1001:2024-01-08",
        "source": "1A",  # stated in List 3, so not the inferred 'unknown'
        "primary_need": "N1",
    }
    assert received.inferred == frozenset()
    closed = facts["imp:ref:1001:2024-01-08:closed"]
    assert closed.occurred_at.isoformat() == "2024-05-30"
    assert payload(closed) == {"referral_id": "ref:1001:2024-01-08", "reason": "RC7"}
    only_in_list6 = facts["imp:ref:1006:2023-11-15:received"]
    assert payload(only_in_list6)["source"] == "10" and only_in_list6.inferred == {"source"}


def test_list4_assessment_is_linked_to_the_open_referral_by_date(facts: dict[str, Fact]) -> None:
    started = facts["imp:asm:1001:2024-01-09:started"]
    assert payload(started) == {
        "assessment_id": "asm:1001:2024-01-09",
        "referral_id": "ref:1001:2024-01-08",
    }
    assert started.inferred == {"referral_id"}
    completed = facts["imp:asm:1001:2024-01-09:completed"]
    assert payload(completed) == {
        "assessment_id": "asm:1001:2024-01-09",
        "factors": [],
        "outcome": "cin_plan",  # "requiring LA children's social care support": Yes
    }
    assert completed.inferred == {"factors"}
    # An assessment before any referral the returns show stays unlinked, not guessed.
    early = facts["imp:asm:1003:2024-01-02:started"]
    assert payload(early)["referral_id"] == "unlinked:1003:2024-01-02"
    assert "imp:asm:1003:2024-01-02:completed" not in facts


def test_list5_strategy_section47_and_conference(facts: dict[str, Fact]) -> None:
    strategy = facts["imp:s47:1002:2024-01-10:strategy"]
    assert payload(strategy) == {
        "strategy_id": "sd:1002:2024-01-10",
        "referral_id": "ref:1002:2024-01-09",
        "section47": True,
    }
    assert payload(facts["imp:s47:1002:2024-01-10:started"]) == {
        "s47_id": "s47:1002:2024-01-10",
        "strategy_id": "sd:1002:2024-01-10",
    }
    icpc = facts["imp:s47:1002:2024-01-10:icpc"]
    # Blank "resulted in a plan": inferred from the plan List 7 shows starting that day.
    assert payload(icpc) == {"s47_id": "s47:1002:2024-01-10", "plan_required": True}
    assert icpc.inferred == {"plan_required"}


def test_list7_plan_review_and_list8_care_orders(facts: dict[str, Fact]) -> None:
    assert payload(facts["imp:cpp:1002:2024-02-01:started"]) == {
        "plan_id": "cpp:1002:2024-02-01",
        "category": "NEG",
    }
    review = facts["imp:cpp:1002:2024-02-01:review:2024-05-01"]
    assert payload(review) == {
        "plan_id": "cpp:1002:2024-02-01",
        "plan_continues": True,
        "latest_only": True,  # List 7 gives the latest review only
    }
    issued = facts["imp:proc:1005:2024-04-01:issued"]
    assert payload(issued) == {"proceedings_id": "proc:1005:2024-04-01", "child_ids": ["1005"]}
    assert issued.inferred == {"occurred_at"}
    assert "imp:proc:1005:2024-04-01:concluded" not in facts  # interim order: still running
    concluded = facts["imp:proc:1006:2023-12-01:concluded"]
    assert payload(concluded) == {"proceedings_id": "proc:1006:2023-12-01", "order": "care_order"}
    assert concluded.occurred_at.isoformat() == "2024-05-20"
    assert not [f for f in facts.values() if f.child_id == "1007" and f.key.startswith("proc")]


def test_each_child_is_added_once_with_what_any_row_says(facts: dict[str, Fact]) -> None:
    child = facts["imp:child:1003:added"]
    assert payload(child) == {"birth_date": "2014-01-01", "sex": "F"}
    assert child.occurred_at.isoformat() == "2014-01-01"
    unborn_then = facts["imp:child:1005:added"]  # no birth date: first seen instead
    assert unborn_then.occurred_at.isoformat() == "2024-04-01"


def test_contradictory_rows_are_refused(tmp_path: Path) -> None:
    path = write_workbook(
        tmp_path / "bad.xlsx",
        {
            "List 6": [LIST6, [1, "01/01/2024", "N1", "01/02/2024", ""]],
            "List 5": [LIST5, [2, "01/01/2024", "Yes", "05/01/2024", "No"]],
        },
    )
    source = read_annex_a(path)
    links = Links()
    reasons = []
    for record in source.records:
        with pytest.raises(ValueProblem) as problem:
            source.mapper(record, links)
        reasons.append(str(problem.value))
    assert reasons == [
        "the closure date has no reason for closure",
        "the conference is marked not required yet has a date",
    ]


def test_the_same_record_stated_differently_in_one_file_is_a_conflict(tmp_path: Path) -> None:
    from tests.unit.test_annex_a_workbooks import LIST3

    row = [7, "M", "", "", "01/01/2024", "2A", "No", 1, ""]
    other = [7, "M", "", "", "01/01/2024", "6", "No", 1, ""]
    source = read_annex_a(write_workbook(tmp_path / "c.xlsx", {"List 3": [LIST3, row, other]}))
    merged, conflicts = merge(facts_of(source))
    assert [(c.where.row, c.reason) for c in conflicts] == [
        (3, "states source differently from c.xlsx [List 3] row 2 for the same record")
    ]
    # the rows' "Number of Referrals in Last 12 Months" (1) is the row's statement
    assert {f.event_type for f in merged} == {"ChildAdded", "ReferralReceived", "HistoryStated"}
