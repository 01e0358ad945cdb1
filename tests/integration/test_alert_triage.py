"""Alerts as a practice lead triages them, through the real projector and store: a
4th referral raises the same alert again (reopening it when acknowledged), deadline
alerts close themselves when the situation ends (on the event, or on the day's pass
for a day that comes later), and every alert carries its owner and days open."""

from __future__ import annotations

from datetime import date

from domain.contract import ContractEvent
from domain.rules.thresholds import DEFAULT_THRESHOLDS
from projections import queries
from projections.runner import Projector
from store.family_store import FamilyStore
from tests.support.events import ev

F = {"family_id": "FT", "child_id": "C1"}


def referrals(*months: int) -> list[ContractEvent]:
    return [
        ev("ReferralReceived", f"2024-{m:02d}-10", referral_id=f"R{m}", source="6", **F)
        for m in months
    ]


def child_alerts(projector: Projector, status: str | None = "active") -> list[dict[str, object]]:
    return queries.alerts(projector.db, kind="third_referral_child", status=status)


def test_a_fourth_referral_reopens_the_acknowledged_alert_it_raises_again(
    database_url: str,
) -> None:
    with FamilyStore(database_url) as store:
        projector = Projector(store, thresholds=DEFAULT_THRESHOLDS, clock=lambda: date(2025, 1, 1))
        store.record_batch(referrals(1, 3, 5))
        projector.run_once()
        (alert,) = child_alerts(projector)
        ack = ev(
            "AlertAcknowledged",
            "2024-06-01",
            family_id="FT",
            child_id=None,
            alert_id=alert["alert_id"],
        )
        store.record_batch([ack])
        projector.run_once()
        assert child_alerts(projector)[0]["acknowledged"] is True
        store.record_batch(referrals(7))
        projector.run_once()
        (again,) = child_alerts(projector)
        assert again["alert_id"] == alert["alert_id"]
        assert (again["detail"]["count"], again["raised_on"]) == (4, "2024-07-10")
        assert (again["acknowledged"], again["acknowledged_before"]) == (False, "2024-06-01")
        second = ev(
            "AlertAcknowledged",
            "2024-08-01",
            family_id="FT",
            child_id=None,
            alert_id=alert["alert_id"],
            event_id="ack-2",
        )
        store.record_batch([second])
        projector.run_once()
        (acked,) = child_alerts(projector)
        assert (acked["acknowledged"], acked["acknowledged_on"]) == (True, "2024-08-01")
        live = child_alerts(projector, None)
        projector.rebuild()
        assert child_alerts(projector, None) == live  # a rebuild agrees
        projector.close()


def plo(*extra: ContractEvent) -> list[ContractEvent]:
    fam = {"family_id": "FP", "child_id": None}
    return [
        ev("PreProceedingsStarted", "2024-01-01", plo_id="PLO1", child_ids=["C1"], **fam),
        *extra,
    ]


def drift(projector: Projector, status: str | None) -> list[dict[str, object]]:
    return queries.alerts(projector.db, kind="pre_proceedings_drift", status=status)


def test_drift_alerts_close_when_the_pre_proceedings_end(database_url: str) -> None:
    with FamilyStore(database_url) as store:
        projector = Projector(store, thresholds=DEFAULT_THRESHOLDS, clock=lambda: date(2024, 7, 1))
        store.record_batch(plo())
        projector.run_once()
        assert {a["detail"]["reason"] for a in drift(projector, "active")} == {
            "beyond_target",
            "no_meeting",
        }
        ended = ev(
            "PreProceedingsEnded",
            "2024-06-20",
            family_id="FP",
            child_id=None,
            plo_id="PLO1",
            outcome="step_down",
        )
        store.record_batch([ended])
        projector.run_once()
        assert drift(projector, "active") == []
        closed = drift(projector, "closed")
        assert {(a["closed_on"], a["days_open"]) for a in closed} == {
            ("2024-06-20", 58),  # beyond the target from 23 April
            ("2024-06-20", 128),  # no meeting from 13 February
        }
        live = drift(projector, None)
        projector.rebuild()
        assert drift(projector, None) == live
        projector.close()


def test_the_days_pass_closes_what_ended_on_a_later_day(database_url: str) -> None:
    today = [date(2024, 6, 19)]
    with FamilyStore(database_url) as store:
        projector = Projector(store, thresholds=DEFAULT_THRESHOLDS, clock=lambda: today[0])
        ended = ev(
            "PreProceedingsEnded",
            "2024-06-20",
            family_id="FP",
            child_id=None,
            plo_id="PLO1",
            outcome="step_down",
        )
        store.record_batch(plo(ended))  # recorded ahead of its day
        projector.run_once()
        assert len(drift(projector, "active")) == 2  # as at 19 June it has not ended
        today[0] = date(2024, 6, 20)
        projector.run_once()  # no new events: the day's deadline pass closes them
        assert drift(projector, "active") == []
        assert {a["closed_on"] for a in drift(projector, "closed")} == {"2024-06-20"}
        projector.close()


def test_every_alert_carries_its_owner_now_and_its_days_open(database_url: str) -> None:
    allocated = ev(
        "CaseAllocated",
        "2024-02-01",
        worker_id="SW-9",
        team="Assessment East",
        role="social_worker",
        qualified=True,
        **F,
    )
    with FamilyStore(database_url) as store:
        projector = Projector(store, thresholds=DEFAULT_THRESHOLDS, clock=lambda: date(2024, 6, 9))
        store.record_batch([*referrals(1, 3, 5), allocated])
        projector.run_once()
        rows = queries.alerts(projector.db, family_id="FT")
        assert {(r["kind"], r["worker_id"], r["team"], r["days_open"]) for r in rows} == {
            ("third_referral_child", "SW-9", "Assessment East", 30),
            ("third_referral_family", "SW-9", "Assessment East", 30),
        }
        moved = ev(
            "CaseAllocated",
            "2024-06-01",
            worker_id="SW-4",
            team="Child Protection",
            role="social_worker",
            qualified=True,
            **F,
        )
        store.record_batch([moved])
        projector.run_once()
        rows = queries.alerts(projector.db, family_id="FT", as_of=date(2024, 6, 19))
        assert {(r["worker_id"], r["team"], r["days_open"]) for r in rows} == {
            ("SW-4", "Child Protection", 40)
        }
        projector.close()
