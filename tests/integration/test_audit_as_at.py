"""As known at: a family whose events arrive over several recording times, on both stores."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from audit.api import diff, family_as_at, parse_moment
from casejourney.cli import main
from domain.contract import ContractEvent
from domain.family import Family
from domain.state import FamilyState
from store.family_store import FamilyStore
from tests.support.journeys import rich_family

# Four recording moments; the PersonLinked event (business date 2023-01-02) is keyed
# late, in the third batch, and the correction and retraction come last.
MOMENTS = [
    datetime(2024, 5, 1, 9, tzinfo=UTC),
    datetime(2024, 5, 10, 9, tzinfo=UTC),
    datetime(2024, 5, 20, 9, tzinfo=UTC),
    datetime(2024, 6, 3, 9, tzinfo=UTC),
]


def batches() -> list[list[ContractEvent]]:
    events = {e.event_id: e for e in rich_family()}
    ids = [
        ["e01", "e02", *(f"e{n:02d}" for n in range(4, 11))],
        [f"e{n:02d}" for n in range(11, 18)],
        ["e03", *(f"e{n:02d}" for n in range(18, 34))],
        ["e34", "e35", "e36"],
    ]
    return [[events[i] for i in step] for step in ids]


def record_at(store: FamilyStore, events: list[ContractEvent], now: datetime) -> None:
    """Record one batch as the store would, but with a chosen recording time."""
    family = store.get("F1") or Family("F1")
    for event in events:
        assert family.record(event, now=now)
    store.app.save(family)


def reference(upto: int) -> Family:
    """The family built in memory from the first `upto` batches at the same moments."""
    family = Family("F1")
    for step, moment in zip(batches()[:upto], MOMENTS, strict=False):
        for event in step:
            family.record(event, now=moment)
    return family


@pytest.fixture
def store(database_url: str) -> FamilyStore:
    with FamilyStore(database_url) as store:
        for step, moment in zip(batches(), MOMENTS, strict=True):
            record_at(store, step, moment)
        yield store


def test_as_at_each_moment_is_exactly_what_was_recorded_by_then(store: FamilyStore) -> None:
    for n, moment in enumerate(MOMENTS, start=1):
        for when in (moment, moment + timedelta(hours=5)):  # at the moment and just after
            view = family_as_at(store, "F1", when)
            assert view is not None and view.family is not None
            expected = reference(n)
            assert view.family.records == expected.records
            assert view.family.state == FamilyState.fold(expected.records)
            assert view.recorded_since == 36 - len(expected.records)


def test_before_the_first_recording_nothing_was_known(store: FamilyStore) -> None:
    view = family_as_at(store, "F1", MOMENTS[0] - timedelta(seconds=1))
    assert view is not None and view.family is None and view.version == 0
    assert view.first_recorded_at == MOMENTS[0]
    assert family_as_at(store, "NOPE", MOMENTS[0]) is None


def test_corrections_and_retractions_recorded_later_are_left_out(store: FamilyStore) -> None:
    before = family_as_at(store, "F1", MOMENTS[2])
    after = family_as_at(store, "F1", MOMENTS[3])
    assert before is not None and before.family is not None
    assert after is not None and after.family is not None
    assert str(before.family.state.referrals["R2"]["received_on"]) == "2023-11-15"
    assert str(after.family.state.referrals["R2"]["received_on"]) == "2023-11-14"
    assert "R3" in before.family.state.referrals and "R3" not in after.family.state.referrals


def test_occurred_by_limits_to_business_time_as_then_known(store: FamilyStore) -> None:
    view = family_as_at(store, "F1", MOMENTS[3], occurred_by=parse_moment("2023-11-14").date())
    assert view is not None and view.family is not None
    state = view.family.state
    # Corrected to 2023-11-14, so R2 had happened by then; R3 was retracted.
    assert set(state.referrals) == {"R1", "R2"}
    assert "CP2" not in state.cp_plans
    known_then = family_as_at(
        store, "F1", MOMENTS[2], occurred_by=state.referrals["R2"]["received_on"]
    )
    assert known_then is not None and known_then.family is not None
    assert set(known_then.family.state.referrals) == {"R1"}  # then it was dated the 15th


def test_cli_answers_what_did_we_know_on_the_20th_of_may(
    store: FamilyStore, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CASEJOURNEY_DATABASE_URL", store.database_url)
    assert main(["family", "F1", "--as-at", "2024-05-20", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {row["event_id"] for row in data["chronology"]} == {
        e.event_id for step in batches()[:3] for e in step
    }
    assert main(["family", "F1", "--as-at", "2024-05-19"]) == 0
    text = capsys.readouterr().out
    assert "As known at 2024-05-19T23:59:59+01:00" in text
    assert "e18" not in text and "PersonLinked" not in text
    assert main(["family", "F1", "--as-at", "2024-04-30"]) == 1
    assert "nothing was recorded" in capsys.readouterr().err


def test_diff_names_who_recorded_what_and_what_it_changed(store: FamilyStore) -> None:
    result = diff(store, "F1", MOMENTS[2], MOMENTS[3])
    assert result is not None
    assert [e.event_id for e in result.events] == ["e34", "e35", "e36"]
    assert {e.worker_id for e in result.events if e.event_type != "AlertAcknowledged"} == {"SW-1"}
    correction = result.events[0].correction
    assert correction is not None and correction.target_event_id == "e18"
    assert [(c.name, c.old, c.new) for c in correction.changes] == [
        ("occurred_at", "2023-11-15", "2023-11-14")
    ]
    retraction = result.events[1].correction
    assert retraction is not None and retraction.action == "retracted"
    assert retraction.target_type == "ReferralReceived" and retraction.target_child_id == "C2"
    changes = {(c.scope, c.kind, c.key, c.change) for c in result.changes}
    assert ("C1", "referral", "R2", "changed") in changes
    assert ("C2", "referral", "R3", "removed") in changes
    assert ("family", "alert acknowledgement", "AL-1", "added") in changes


def test_cli_diff(
    store: FamilyStore, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CASEJOURNEY_DATABASE_URL", store.database_url)
    assert main(["diff", "F1", "--from", "2024-05-09", "--to", "2024-05-20"]) == 0
    out = capsys.readouterr().out
    assert "CPPlanStarted" in out and "PersonLinked" in out and "RecordCorrected" not in out
    assert "C1         CP plan CP1 added" in out
    assert main(["diff", "F1", "--from", "2024-05-21", "--to", "2024-06-30", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["events"][0]["correction"]["changes"][0]["new"] == "2023-11-14"
