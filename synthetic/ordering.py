"""The order events reach us: by recording time, not business time.

Real records are often keyed in late, and Kafka keeps order only per key within
a topic. So each event gets an arrival time: its business date plus, for some,
a delay of days or weeks. Within one family and one topic arrivals never
overtake each other (a late record holds back the ones after it, as a Kafka
partition would); across topics they may, so an `AssessmentStarted` can arrive
before its `ReferralReceived`. A correction or retraction always arrives after
the record it targets: nobody corrects what they cannot see.
"""

from __future__ import annotations

from random import Random
from typing import Any

from domain.contract import topic_for
from domain.state import META_TYPES, TYPE_RANK
from synthetic.base import Draft

Arrival = tuple[float, int, int, dict[str, Any]]


def delay(rng: Random) -> float:
    """Days between business time and recording: mostly the same day."""
    draw = rng.random()
    if draw < 0.80:
        return 0.0
    if draw < 0.93:
        return rng.uniform(1, 10)
    if draw < 0.99:
        return rng.uniform(10, 45)
    return rng.uniform(45, 120)


def arrivals(drafts: list[Draft], family_id: str, family_index: int, rng: Random) -> list[Arrival]:
    """(arrival, family, position, event) for each draft, respecting per-topic order.

    Drafts are first put in the aggregate's business order (`domain.state.sort_key`:
    date, type rank, timestamp, id); the arrival times are then made
    non-decreasing per topic, and `position` breaks ties in that order.
    """
    ordered = sorted(
        drafts, key=lambda d: (d.day, TYPE_RANK[d.event_type], d.occurred_at, d.event_id)
    )
    last: dict[str, float] = {}
    seen: dict[str, float] = {}
    out: list[Arrival] = []
    for position, draft in enumerate(ordered):
        arrival = draft.day.toordinal() + 0.3 + 0.5 * rng.random() + delay(rng)
        if draft.event_type in META_TYPES:
            arrival = max(arrival, seen[draft.payload["target_event_id"]] + 0.001)
        topic = topic_for(draft.event_type)
        arrival = max(arrival, last.get(topic, 0.0))
        last[topic] = seen[draft.event_id] = arrival
        out.append((arrival, family_index, position, draft.to_json(family_id)))
    return out
