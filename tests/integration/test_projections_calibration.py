"""On a generated authority the indicators land near the calibrated national rates.

England, year to March 2025: re-referrals 22.6% of referrals; about 86% of
assessments within 45 working days (median 33). The synthetic generator is
calibrated to those; this checks that the projections measure them as defined.
"""

from __future__ import annotations

from datetime import date

from domain.calendar import minus_years
from domain.contract import parse_event
from domain.rules.thresholds import DEFAULT_THRESHOLDS
from projections import queries
from projections.runner import Projector
from store.family_store import FamilyStore
from synthetic import DEFAULT_END, generate


def test_indicators_land_near_national_rates(sqlite_url: str) -> None:
    events = [parse_event(raw) for raw in generate(1_500, 3, 2019)]
    with FamilyStore(sqlite_url) as store:
        for start in range(0, len(events), 1_000):
            assert not store.record_batch(events[start : start + 1_000]).rejected
        projector = Projector(store, thresholds=DEFAULT_THRESHOLDS, clock=lambda: DEFAULT_END)
        projector.run_once()
        start = date.fromordinal(minus_years(DEFAULT_END).toordinal() + 1)
        figures = {
            f["key"]: f
            for f in queries.indicators(projector.db, start, DEFAULT_END, th=DEFAULT_THRESHOLDS)
        }
        projector.close()
    re_referral = figures["re_referral_rate"]
    assert re_referral["denominator"] > 400
    assert 0.17 <= re_referral["value"] <= 0.28, re_referral
    timely = figures["assessment_timeliness"]
    assert timely["denominator"] > 200
    assert 0.80 <= timely["value"] <= 0.92, timely
    assert 25 <= timely["median_working_days"] <= 40, timely
