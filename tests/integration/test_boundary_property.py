"""Nothing accepted may ever fail later (issue 13): arbitrary JSON, much of it close to
a valid event, goes through the door; whatever the door accepts is stored, projected,
read back by every read-model query the dashboard uses, shown as a family record and
exported as JSON, on both stores. A stage that fails on an accepted record fails here.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from consumers.files.jsonl import decode
from domain.family_view import family_json, family_text
from domain.rules.severity import Severities
from domain.rules.thresholds import DEFAULT_THRESHOLDS
from projections.read_models import ReadModels
from projections.runner import Projector
from store.family_store import FamilyStore
from tests.support.journeys import rich_family

_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**20), max_value=10**20)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=40)
)
# Values a later stage has choked on before (issue 13): the door must stop each one.
_poisons = st.sampled_from(
    [
        float("nan"),
        float("inf"),
        -float("inf"),
        10**20,
        -(10**400),
        "nul\x00",
        "lone \ud800",
        "esc \x1b[2J",
        "x" * 30_000,
        [[[[[[[[[[[[[[[[[["deep"]]]]]]]]]]]]]]]]]],
    ]
)
_json = st.recursive(
    _scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)
_dates = st.one_of(
    st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)).map(date.isoformat),
    st.sampled_from(
        [
            "2024-02-29",
            "2023-02-29",
            "9999-12-31T23:59:59-12:00",
            "0001-01-01T00:00:00+14:00",
            "2025-03-31T23:30:00+01:00",
            "2025-10-26T01:30:00Z",
            "2100-12-31",
        ]
    ),
    st.text(max_size=30),
)
_templates = [e.to_json() for e in rich_family()]


@st.composite
def near_events(draw: st.DrawFn) -> dict[str, Any]:
    """A real event of every type, then bent: fields replaced with arbitrary JSON,
    arbitrary extra fields, odd dates, odd ids."""
    record: dict[str, Any] = json.loads(json.dumps(draw(st.sampled_from(_templates))))
    bend = st.integers(0, 3).map(lambda n: n == 0)  # each bend with a chance of 1 in 4
    record["event_id"] = f"e{draw(st.integers(0, 10**9))}"
    if draw(bend):
        record["event_id"] = draw(st.text(min_size=1, max_size=20))
    record["family_id"] = draw(st.sampled_from(["PF1", "PF2", "PF3"]))
    if draw(bend):
        record["family_id"] = draw(st.text(max_size=70))
    if draw(bend):
        field = draw(st.sampled_from(["occurred_at", "child_id", "payload", "recorded_by"]))
        record[field] = draw(_dates if field == "occurred_at" else _json)
    payload = record.get("payload")
    if isinstance(payload, dict) and payload and draw(bend):
        key = draw(st.sampled_from(sorted(payload)))
        payload[key] = draw(_json | _dates)
    if draw(bend):
        record[draw(st.text(max_size=12))] = draw(_json)
    if draw(bend):
        record["extra_note"] = draw(st.text(max_size=200))
    if draw(bend):
        where = record if draw(st.booleans()) or not isinstance(payload, dict) else payload
        where[draw(st.sampled_from(["x", "note", "team"]))] = draw(_poisons)
    if draw(bend):
        record["occurred_at"] = draw(_dates)
    return record


def _text(record: dict[str, Any]) -> str:
    return json.dumps(record, allow_nan=True)


def _every_read(models: ReadModels, family_ids: set[str]) -> None:
    today = date(2026, 12, 1)
    models.version()
    models.latest_business_date()
    models.indicators(date(1900, 1, 1), date(2100, 12, 31))
    models.monthly_indicators(date(2024, 1, 1), date(2026, 12, 31))
    models.teams()
    models.alert_kinds()
    models.alerts()
    models.plo_tracker(today)
    models.drift_lists(today)
    for family_id in family_ids:
        models.family(family_id)
        models.network(family_id)
        models.search(family_id[:3])
        models.recorded_span(family_id)


def test_whatever_the_door_accepts_every_later_stage_can_carry(database_url: str) -> None:
    url = database_url
    accepted = 0
    offered = 0

    @settings(
        max_examples=80,
        deadline=None,
        derandomize=True,  # the same examples on every run: CI is never flaky on luck
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    @given(st.lists(near_events(), min_size=1, max_size=8))
    def check(records: list[dict[str, Any]]) -> None:
        nonlocal offered, accepted
        offered += len(records)
        events = [e for e in (decode(_text(r))[0] for r in records) if e is not None]
        accepted += len(events)
        if not events:
            return
        with FamilyStore(url) as store:
            store.record_batch(events)
            projector = Projector(
                store, thresholds=DEFAULT_THRESHOLDS, clock=lambda: date(2026, 12, 1)
            )
            try:
                projector.run_once()
            finally:
                projector.close()
            for event in events:
                family = store.get(event.family_id)
                assert family is not None
                family_text(family, date(2026, 12, 1))
                orjson.dumps(family_json(family))
        models = ReadModels(url, DEFAULT_THRESHOLDS, Severities())
        try:
            _every_read(models, {e.family_id for e in events})
        finally:
            models.close()

    check()
    # Both sides of the door must be exercised, or the test proves nothing.
    assert accepted >= 20 and offered - accepted >= 20, (accepted, offered)
