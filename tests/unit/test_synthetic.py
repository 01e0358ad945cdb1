"""The synthetic data generator: deterministic, valid, replayable, realistically
ordered, and calibrated against the national figures the dashboards quote."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path
from statistics import median
from typing import Any

import pytest

from domain.calendar import minus_years, within_12_months_before, working_days_between
from domain.contract import EVENT_SPECS, parse_business_date, parse_event, topic_for
from domain.family import Family
from domain.state import META_TYPES, sort_key
from synthetic import generate, write_jsonl
from synthetic.vocab import (
    ACTION_SUMMARIES,
    CORRECTION_REASONS,
    NEGATIVE_NOTES,
    POSITIVE_NOTES,
    RETRACTION_REASONS,
)

Event = dict[str, Any]
# HistoryStated is what an imported return states about the past; the generator
# makes observed journeys, not returns.
SOURCE_TYPES = {
    name
    for name, spec in EVENT_SPECS.items()
    if spec.topic.startswith("csc.") and name != "HistoryStated"
}


@pytest.fixture(scope="module")
def events() -> list[Event]:
    return list(generate(300, 3, seed=7))


@pytest.fixture(scope="module")
def large() -> list[Event]:
    return list(generate(1500, 3, seed=11))


def by_family(events: list[Event]) -> dict[str, list[Event]]:
    families: dict[str, list[Event]] = defaultdict(list)
    for event in events:
        families[event["family_id"]].append(event)
    return families


def day(event: Event) -> date:
    return parse_business_date(event["occurred_at"])


# --- determinism and validity -----------------------------------------------------


def test_same_seed_same_output_other_seed_other_output() -> None:
    first = list(generate(40, 2, seed=5))
    assert first == list(generate(40, 2, seed=5))
    assert first != list(generate(40, 2, seed=6))


def test_every_event_passes_the_contract(events: list[Event]) -> None:
    for event in events:
        assert parse_event(event).to_json() == event


def test_each_family_replays_without_invariant_errors_or_loose_ends(
    events: list[Event],
) -> None:
    for family_id, family_events in by_family(events).items():
        family = Family(family_id)
        for event in family_events:
            assert family.record(parse_event(event))  # raises InvariantError if invalid
        assert family.state.violations == {}
        assert family.state.pending == {}  # every reference resolves by the end


@pytest.mark.parametrize(("seed", "years", "end"), [(1, 5, None), (2, 1, date(2024, 2, 29))])
def test_other_seeds_and_periods_replay_too(seed: int, years: int, end: date | None) -> None:
    for family_id, family_events in by_family(list(generate(120, years, seed, end))).items():
        family = Family(family_id)
        for event in family_events:
            family.record(parse_event(event))
        assert family.state.pending == {}


def test_every_source_event_type_appears(events: list[Event]) -> None:
    assert {e["event_type"] for e in events} == SOURCE_TYPES


def test_ids_are_unique_and_shaped(events: list[Event]) -> None:
    assert len({e["event_id"] for e in events}) == len(events)
    for event in events:
        number = event["family_id"].removeprefix("FAM-")
        assert len(number) == 6 and number.isdigit()
        if "child_id" in event:
            assert event["child_id"].startswith(f"CH-{number}-")
    sizes = Counter(e["family_id"] for e in events if e["event_type"] == "ChildAdded")
    assert set(sizes.values()) <= {1, 2, 3, 4} and len(set(sizes.values())) > 2


def test_dates_lie_in_the_period() -> None:
    end = date(2024, 2, 29)
    span = [day(e) for e in generate(60, 2, seed=3, end=end)]
    assert minus_years(end, 2) < min(span) and max(span) <= end


def test_arguments_are_checked() -> None:
    with pytest.raises(ValueError):
        generate(-1, 3, seed=1)
    with pytest.raises(ValueError):
        generate(10, 0, seed=1)
    assert list(generate(0, 3, seed=1)) == []


# --- recording order -------------------------------------------------------------------


def test_order_is_business_order_within_each_family_and_topic(events: list[Event]) -> None:
    last: dict[tuple[str, str], tuple[Any, ...]] = {}
    for event in events:
        key = (event["family_id"], topic_for(event["event_type"]))
        assert last.get(key, sort_key(event)) <= sort_key(event)
        last[key] = sort_key(event)


def test_order_is_not_business_order_overall(events: list[Event]) -> None:
    days = [day(e) for e in events]
    assert days != sorted(days)
    # Across topics a record can overtake the one it refers to ...
    seen: set[str] = set()
    overtaking = 0
    for event in events:
        if event["event_type"] == "ReferralReceived":
            seen.add(event["payload"]["referral_id"])
        elif event["event_type"] == "AssessmentStarted":
            overtaking += event["payload"]["referral_id"] not in seen
    assert overtaking > 0
    # ... but a correction or retraction never arrives before its target.
    arrived: set[str] = set()
    for event in events:
        if event["event_type"] in META_TYPES:
            assert event["payload"]["target_event_id"] in arrived
        arrived.add(event["event_id"])


# --- content ----------------------------------------------------------------------------


def test_free_text_comes_from_the_bland_vocabulary(events: list[Event]) -> None:
    notes: set[str] = set()
    summaries: set[str] = set()
    reasons: set[str] = set()
    for event in events:
        payload = event["payload"]
        notes.update(c["note"] for c in payload.get("changes", []))
        summaries.update(a["summary"] for a in payload.get("actions", []))
        if event["event_type"] in META_TYPES:
            reasons.add(payload["reason"])
    assert notes and notes <= set(POSITIVE_NOTES) | set(NEGATIVE_NOTES)
    assert summaries and summaries <= set(ACTION_SUMMARIES)
    assert reasons and reasons <= set(CORRECTION_REASONS) | set(RETRACTION_REASONS)


def test_practice_signals_are_present(events: list[Event]) -> None:
    decisions = [e for e in events if EVENT_SPECS[e["event_type"]].decision]
    unqualified = sum(not e["recorded_by"]["qualified"] for e in decisions) / len(decisions)
    assert 0.02 <= unqualified <= 0.07
    allocations = [e["payload"] for e in events if e["event_type"] == "CaseAllocated"]
    assert any(not a["qualified"] for a in allocations)
    completed = {e["payload"]["action_id"] for e in events if e["event_type"] == "ActionCompleted"}
    supervisions = [e["payload"] for e in events if e["event_type"] == "SupervisionRecorded"]
    actions = [action for payload in supervisions for action in payload["actions"]]
    overdue = [a for a in actions if a["action_id"] not in completed and a["due_on"] < "2026-03-01"]
    assert overdue and len(completed) > len(overdue)
    reasons = Counter(e["payload"]["reason"] for e in events if e["event_type"] == "EpisodeClosed")
    assert {"RC7", "RC8", "RC9"} <= set(reasons)
    assert sum(1 for e in events if "T" in e["occurred_at"]) > 0  # some date-times


# --- calibration -------------------------------------------------------------------------


def test_re_referral_rate_is_near_the_national_figure(large: list[Event]) -> None:
    referrals: dict[str, list[date]] = defaultdict(list)
    for event in large:
        if event["event_type"] == "ReferralReceived":
            referrals[event["child_id"]].append(day(event))
    total = repeat = 0
    for dates in referrals.values():
        dates.sort()
        for i, on in enumerate(dates):
            total += 1
            repeat += any(within_12_months_before(earlier, on) for earlier in dates[:i])
    assert 0.17 <= repeat / total <= 0.27


def test_assessment_timeliness_is_near_the_national_figure(large: list[Event]) -> None:
    referred = {
        e["payload"]["referral_id"]: day(e) for e in large if e["event_type"] == "ReferralReceived"
    }
    referral_of = {
        e["payload"]["assessment_id"]: e["payload"]["referral_id"]
        for e in large
        if e["event_type"] == "AssessmentStarted"
    }
    spans = [
        working_days_between(referred[referral_of[e["payload"]["assessment_id"]]], day(e))
        for e in large
        if e["event_type"] == "AssessmentCompleted"
    ]
    assert 0.80 <= sum(span <= 45 for span in spans) / len(spans) <= 0.92
    assert 28 <= median(spans) <= 38


def test_repeat_involvement_is_present_and_concentrated(large: list[Event]) -> None:
    plans = Counter(e["child_id"] for e in large if e["event_type"] == "CPPlanStarted")
    assert 0.10 <= sum(n - 1 for n in plans.values()) / sum(plans.values()) <= 0.35
    plo = Counter(e["family_id"] for e in large if e["event_type"] == "PreProceedingsStarted")
    assert any(n > 1 for n in plo.values())
    referral_days: dict[str, set[date]] = defaultdict(set)
    for event in large:
        if event["event_type"] == "ReferralReceived":
            referral_days[event["family_id"]].add(day(event))
    heavy = sum(
        any(sum(within_12_months_before(d, on) for d in dates) >= 3 for on in dates)
        for dates in referral_days.values()
    )
    assert 0.03 <= heavy / 1500 <= 0.12


def test_some_adults_are_linked_to_two_households(large: list[Event]) -> None:
    households: dict[str, set[str]] = defaultdict(set)
    for event in large:
        if event["event_type"] == "PersonLinked":
            households[event["payload"]["person_id"]].add(event["family_id"])
    assert sum(len(families) >= 2 for families in households.values()) >= 10


# --- output -------------------------------------------------------------------------------


def test_write_jsonl_writes_one_object_per_line(tmp_path: Path) -> None:
    path = tmp_path / "out" / "events.jsonl"
    written = write_jsonl(generate(20, 1, seed=2), path)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert written == len(lines) > 0
    assert [json.loads(line) for line in lines] == list(generate(20, 1, seed=2))
