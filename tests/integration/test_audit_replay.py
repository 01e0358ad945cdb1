"""Alerts as at a past moment equal the alerts the live system had raised by then."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest

from casejourney.cli import main
from domain.contract import ContractEvent
from domain.family import Family
from domain.rules.thresholds import DEFAULT_THRESHOLDS
from projections import queries
from projections.as_at import alerts_as_at, day_of, indicators_as_at
from projections.runner import Projector
from store.family_store import FamilyStore
from tests.support.events import ev
from tests.support.journeys import rich_family

MOMENTS = [
    datetime(2024, 5, 1, 9, tzinfo=UTC),
    datetime(2024, 5, 20, 9, tzinfo=UTC),
    datetime(2024, 6, 3, 9, tzinfo=UTC),
    datetime(2024, 7, 1, 9, tzinfo=UTC),
]


def batches() -> list[list[ContractEvent]]:
    """F1's journey in three recording batches plus a third referral for C1 (R4) that
    raises an alert, and then its retraction, which withdraws the alert."""
    events = rich_family("F1")
    r4 = ev(
        "ReferralReceived",
        "2023-12-01",
        family_id="F1",
        child_id="C1",
        event_id="r4",
        referral_id="R4",
        source="3A",
    )
    gone = ev(
        "RecordRetracted",
        "2024-06-20",
        family_id="F1",
        child_id=None,
        event_id="r4-gone",
        target_event_id="r4",
        reason="entered against the wrong child",
    )
    other = rich_family("F2")
    return [events[:12] + other[:20], [*events[12:30], r4], events[30:] + other[20:], [gone]]


def record_at(store: FamilyStore, events: list[ContractEvent], now: datetime) -> None:
    families: dict[str, Family] = {}
    for event in events:
        family = families.get(event.family_id)
        if family is None:
            family = families[event.family_id] = store.get(event.family_id) or Family(
                event.family_id
            )
        assert family.record(event, now=now)
    store.app.save(*families.values())


def active_ids(rows: list[dict]) -> dict[str, str]:
    """Alert id -> "family:kind"."""
    return {r["alert_id"]: f"{r['family_id']}:{r['kind']}" for r in rows}


@pytest.fixture
def history(database_url: str) -> Iterator[tuple[FamilyStore, list[dict[str, str]]]]:
    """The store after every batch, and the active alerts the live system showed after each."""
    today = [day_of(MOMENTS[0])]
    with FamilyStore(database_url) as store:
        live = Projector(store, thresholds=DEFAULT_THRESHOLDS, clock=lambda: today[0])
        seen: list[dict[str, str]] = []
        for step, moment in zip(batches(), MOMENTS, strict=True):
            today[0] = day_of(moment)
            record_at(store, step, moment)
            live.run_once()
            live.evaluate_deadlines(today[0])
            seen.append(active_ids(queries.alerts(live.db, status="active", until=today[0])))
        live.close()
        yield store, seen


def test_alerts_as_at_each_moment_equal_what_the_live_system_had_raised(
    history: tuple[FamilyStore, list[dict[str, str]]],
) -> None:
    store, seen = history
    assert seen[1].keys() - seen[0].keys() and seen[2].keys() - seen[1].keys()
    assert "F1:third_referral_child" in seen[2].values()
    for moment, expected in zip(MOMENTS, seen, strict=True):
        assert active_ids(alerts_as_at(store, moment, thresholds=DEFAULT_THRESHOLDS)) == expected


def test_a_later_retraction_does_not_rewrite_what_was_shown_then(
    history: tuple[FamilyStore, list[dict[str, str]]],
) -> None:
    store, seen = history
    withdrawn = seen[2].keys() - seen[3].keys()
    assert {seen[2][a] for a in withdrawn} == {
        "F1:third_referral_child",
        "F1:third_referral_family",
    }
    then = active_ids(
        alerts_as_at(store, MOMENTS[2], thresholds=DEFAULT_THRESHOLDS, family_id="F1")
    )
    assert withdrawn <= then.keys()  # ...but as at the 3rd of June it was live
    assert then == {a: k for a, k in seen[2].items() if k.startswith("F1:")}


def test_the_live_read_models_are_not_touched(
    history: tuple[FamilyStore, list[dict[str, str]]],
) -> None:
    store, _ = history
    live = Projector(store, thresholds=DEFAULT_THRESHOLDS)
    before = (live.live(), queries.alerts(live.db, status=None))
    alerts_as_at(store, MOMENTS[1], thresholds=DEFAULT_THRESHOLDS)
    assert (live.live(), queries.alerts(live.db, status=None)) == before
    live.close()


def test_indicators_as_at_count_only_what_was_recorded_by_then(
    history: tuple[FamilyStore, list[dict[str, str]]],
) -> None:
    store, _ = history
    start, end = date(2023, 1, 1), date(2023, 12, 31)

    def referrals(rows: list[dict]) -> int:
        return next(r for r in rows if r["key"] == "re_referral_rate")["denominator"]

    early = referrals(
        indicators_as_at(store, MOMENTS[0], start, end, thresholds=DEFAULT_THRESHOLDS)
    )
    later = referrals(
        indicators_as_at(store, MOMENTS[2], start, end, thresholds=DEFAULT_THRESHOLDS)
    )
    assert early < later


def test_cli_alerts_and_indicators_as_at(
    history: tuple[FamilyStore, list[dict[str, str]]],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    store, seen = history
    monkeypatch.setenv("CASEJOURNEY_DATABASE_URL", store.database_url)
    assert main(["alerts", "--as-at", "2024-06-03T10:00:00Z", "--json"]) == 0
    assert active_ids(json.loads(capsys.readouterr().out)) == seen[2]
    assert main(["indicators", "--as-at", "2024-05-01", "--to", "2023-12-31", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["indicators"]
