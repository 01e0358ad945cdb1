"""Findings in the derived rows: stable whatever the day, marked on the alerts that
rest on them, gone when a correction resolves them."""

from __future__ import annotations

from datetime import date

from domain.contract import parse_event
from domain.family import Family
from domain.rules.family_rows import derive
from domain.rules.thresholds import DEFAULT_THRESHOLDS
from tests.support.contradictions import FAMILY, assessment_correction, contradictory_family
from tests.support.journeys import rich_family


def family(*extra: dict[str, object]) -> Family:
    out = Family(FAMILY)
    assert all(out.record_many([parse_event(e) for e in [*contradictory_family(), *extra]]))
    return out


def test_a_clean_family_has_no_findings_and_its_alerts_are_unchanged() -> None:
    clean = Family("F1")
    clean.record_many(rich_family("F1"))
    rows = derive("F1", clean.records, date(2025, 1, 1), DEFAULT_THRESHOLDS)
    assert rows.tables["findings"] == []
    assert rows.alerts and all("contradicted" not in a.detail for a in rows.alerts)


def test_rows_do_not_depend_on_the_day_so_a_rebuild_on_any_day_agrees() -> None:
    records = family().records
    early = derive(FAMILY, records, date(2024, 9, 1), DEFAULT_THRESHOLDS)
    late = derive(FAMILY, records, date(2030, 1, 1), DEFAULT_THRESHOLDS)
    assert early.tables["findings"] == late.tables["findings"]
    [waiting] = [r for r in late.tables["findings"] if r["rule"] == "awaiting_anchor"]
    assert (
        waiting["event_id"] == "q11" and waiting["waiting_since"] == records[-1]["recorded_at"][:10]
    )
    assert all(r["waiting_since"] is None for r in late.tables["findings"] if r is not waiting)


def test_alerts_on_contradicted_records_say_so_and_keep_their_ids() -> None:
    before = derive(FAMILY, family().records, date(2025, 1, 1), DEFAULT_THRESHOLDS)
    after = derive(
        FAMILY, family(assessment_correction()).records, date(2025, 1, 1), DEFAULT_THRESHOLDS
    )
    assert [a.alert_id for a in before.alerts] == [a.alert_id for a in after.alerts]
    ids = {r["event_id"]: r["finding_id"] for r in before.tables["findings"]}
    marked = {a.kind: a.detail.get("contradicted") for a in before.alerts}
    assert marked["third_referral_child"] == sorted([ids["q04"], ids["q10"]])
    assert marked["repeat_cp_plan"] == [ids["q08"]]
    assert "q04" not in {r["event_id"] for r in after.tables["findings"]}
    assert {a.kind: a.detail.get("contradicted") for a in after.alerts}["third_referral_child"] == [
        ids["q10"]
    ]
