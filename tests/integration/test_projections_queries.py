"""The read API the dashboard uses, on both stores: every query answers from the
read models with the figures the definitions give."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from casejourney.settings import AlertSettings
from domain.rules.thresholds import DEFAULT_THRESHOLDS
from projections import queries
from projections.runner import Projector
from store.family_store import FamilyStore
from tests.support.events import ev
from tests.support.journeys import rich_family


@pytest.fixture
def db_url(database_url: str) -> str:
    extra = [
        ev(
            "PreProceedingsStarted",
            "2024-06-03",
            family_id="F2",
            child_id=None,
            plo_id="P9",
            child_ids=["C1"],
        ),
        ev(
            "CaseAllocated",
            "2024-06-01",
            family_id="F2",
            worker_id="FSW-1",
            team="Team B",
            role="family_support_worker",
            qualified=False,
        ),
        ev(
            "ConnectedPersonPlacementStarted",
            "2024-09-02",
            family_id="F2",
            placement_id="PL9",
            carer_id="P-7",
        ),
    ]
    with FamilyStore(database_url) as store:
        assert not store.record_batch([*rich_family("F1"), *extra]).rejected
        projector = Projector(
            store, thresholds=DEFAULT_THRESHOLDS, clock=lambda: date(2024, 12, 31)
        )
        projector.run_once()
        projector.close()
    return database_url


def test_status_teams_search_family_and_chronology(db_url: str) -> None:
    assert queries.ready(db_url)
    assert queries.status(db_url)["position"] > 0
    assert queries.teams(db_url) == ["CP", "Team B"]
    found = queries.search(db_url, "P-1")
    assert [(f["family_id"], f["matched"]) for f in found] == [("F1", "person")]
    assert {f["family_id"] for f in queries.search(db_url, "F")} == {"F1", "F2"}
    family = queries.family(db_url, "F1")
    assert family is not None and family["referrals"] == 2 and len(family["children_rows"]) == 2
    assert queries.family(db_url, "nobody") is None
    chronology = queries.chronology(db_url, "F1")
    assert len(chronology) == 36 and all("payload" not in row for row in chronology)
    assert [r["business_on"] for r in chronology][:2] == ["2023-01-02", "2023-01-02"]


def test_practice_lists(db_url: str) -> None:
    as_of = date(2024, 12, 31)
    plo = queries.plo_tracker(db_url, as_of, th=DEFAULT_THRESHOLDS)
    assert [(p["family_id"], p["beyond_target"], p["review_overdue"]) for p in plo] == [
        ("F2", True, True)
    ]
    assert plo[0]["weeks_open"] == 30.1 and plo[0]["child_ids"] == ["C1"]
    assert [
        p["plo_id"]
        for p in queries.plo_tracker(db_url, as_of, open_only=False, th=DEFAULT_THRESHOLDS)
    ] == [
        "P9",
        "PLO1",
    ]
    reg24 = queries.reg24(db_url, as_of, th=DEFAULT_THRESHOLDS)
    assert [(r["placement_id"], r["phase"]) for r in reg24] == [("PL9", "breach")]
    assert [
        a["action_id"] for a in queries.overdue_actions(db_url, as_of, th=DEFAULT_THRESHOLDS)
    ] == ["ACT2"]
    drift = queries.timeliness(db_url, as_of, kind="cp_review")
    assert [d["subject_id"] for d in drift] == ["CP2#1"]  # CP2 from 5 Jan: review was due 5 Apr
    late = queries.timeliness(db_url, as_of, include_late=True)
    assert all(r["on_time"] in (0, None) for r in late)
    unq = queries.unqualified(db_url, date(2023, 1, 1), as_of)
    assert [d["event_id"] for d in unq["decisions"]] == ["e20"]
    assert [c["family_id"] for c in unq["allocations"]] == ["F2"]
    assert queries.supervision_changes(db_url, date(2023, 1, 1), as_of)[0]["positive"] == 1


def test_indicators_trend_and_alerts(db_url: str) -> None:
    figures = {
        f["key"]: f
        for f in queries.indicators(
            db_url, date(2023, 1, 1), date(2023, 12, 31), th=DEFAULT_THRESHOLDS
        )
    }
    assert (figures["referrals"]["value"], figures["re_referral_rate"]["numerator"]) == (2, 1)
    assert figures["assessment_timeliness"]["numerator"] == 1
    assert figures["unqualified_decisions"]["numerator"] == 1
    assert figures["children_allocated_unqualified"]["numerator"] == 1
    team = {
        f["key"]: f
        for f in queries.indicators(
            db_url, date(2023, 1, 1), date(2023, 12, 31), team="Team B", th=DEFAULT_THRESHOLDS
        )
    }
    assert team["referrals"]["value"] == 0
    trend = queries.monthly_trend(
        db_url, date(2023, 1, 15), date(2023, 12, 31), th=DEFAULT_THRESHOLDS
    )
    assert [t["month"] for t in trend][:2] == ["2023-01", "2023-02"] and len(trend) == 12
    assert sum(t["referrals"] for t in trend) == 1  # R1 (10 Jan) is before the 15th
    counts = {c["kind"]: c["alerts"] for c in queries.alert_counts(db_url)}
    assert counts["reg24_deadline"] >= 1 and counts["pre_proceedings_drift"] >= 1
    assert queries.alerts(db_url, team="Team B", kind="pre_proceedings_drift")
    assert queries.alerts(db_url, acknowledged=True) == []
    assert queries.network(db_url, "F1", 1)["families"][0]["family_id"] == "F1"


def month_spans(start: date, end: date) -> list[tuple[date, date]]:
    spans, first = [], start.replace(day=1)
    while first <= end:
        following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
        spans.append((max(first, start), min(following - timedelta(days=1), end)))
        first = following
    return spans


def test_monthly_indicators_are_the_indicators_of_each_month(db_url: str) -> None:
    """The trend reads every month with one grouped query per figure; each month must
    hold exactly what asking for that month alone gives (first and last clipped)."""
    start, end = date(2023, 1, 15), date(2024, 12, 10)
    for team in (None, "Team B"):
        want = [
            (first, queries.indicators(db_url, first, last, team=team, th=DEFAULT_THRESHOLDS))
            for first, last in month_spans(start, end)
        ]
        assert (
            queries.monthly_indicators(db_url, start, end, team=team, th=DEFAULT_THRESHOLDS) == want
        )
        assert any(row["numerator"] for _, rows in want for row in rows)


def test_drift_lists_are_the_heads_of_the_whole_lists_with_their_totals(
    database_url: str,
) -> None:
    """The database sorts and cuts each list: the head must be what the whole list
    starts with (ties between families broken the same way every time), and the
    total what the whole list holds."""
    with FamilyStore(database_url) as store:
        for n in range(4):
            assert not store.record_batch(rich_family(f"F{n}")).rejected
        Projector(store, thresholds=DEFAULT_THRESHOLDS, clock=lambda: date(2024, 12, 31)).run_once()
    as_of = date(2025, 6, 1)
    whole = queries.drift_lists(database_url, as_of, th=DEFAULT_THRESHOLDS)
    long_lists = [name for name, listed in whole.items() if listed.total >= 4]
    assert len(long_lists) >= 2, {name: listed.total for name, listed in whole.items()}
    assert whole["cp_review"].rows == queries.timeliness(
        database_url, as_of, kind="cp_review", include_late=True
    )
    for limit in (1, 3):
        cut = queries.drift_lists(database_url, as_of, limit=limit, th=DEFAULT_THRESHOLDS)
        assert cut.keys() == whole.keys()
        for name, listed in cut.items():
            assert listed.rows == whole[name].rows[:limit], name
            assert listed.total == whole[name].total == len(whole[name].rows), name


def test_alert_settings_come_from_the_environment() -> None:
    settings = AlertSettings.from_env(
        {"CASEJOURNEY_THIRD_REFERRAL_COUNT": "2", "CASEJOURNEY_PLO_TARGET_WEEKS": "20"}
    )
    assert (settings.third_referral_count, settings.plo_target_weeks, settings.reg24_weeks) == (
        2,
        20,
        16,
    )
    with pytest.raises(ValueError, match="CASEJOURNEY_REG24_WEEKS"):
        AlertSettings.from_env({"CASEJOURNEY_REG24_WEEKS": "sixteen"})
