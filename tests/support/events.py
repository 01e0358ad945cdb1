"""Builders for contract events in tests: terse, valid by default."""

from __future__ import annotations

import itertools
from typing import Any

from domain.contract import ContractEvent, parse_event

_ids = itertools.count(1)
WORKER = {"worker_id": "SW-1", "role": "social_worker", "qualified": True, "team": "Front Door"}
UNQUALIFIED = {"worker_id": "FSW-9", "role": "family_support_worker", "qualified": False}


def raw(
    event_type: str,
    occurred_at: str,
    family_id: str = "F1",
    child_id: str | None = "C1",
    event_id: str | None = None,
    recorded_by: dict[str, Any] | None = None,
    **payload: Any,
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "event_id": event_id or f"ev-{next(_ids)}",
        "event_type": event_type,
        "family_id": family_id,
        "occurred_at": occurred_at,
        "payload": payload,
    }
    if child_id is not None:
        out["child_id"] = child_id
    if recorded_by is not None:
        out["recorded_by"] = recorded_by
    return out


def ev(event_type: str, occurred_at: str, **kwargs: Any) -> ContractEvent:
    """A validated event; decisions get a qualified worker unless told otherwise."""
    from domain.contract import EVENT_SPECS

    if EVENT_SPECS[event_type].decision and "recorded_by" not in kwargs:
        kwargs["recorded_by"] = WORKER
    if not EVENT_SPECS[event_type].child and "child_id" not in kwargs:
        kwargs["child_id"] = None
    return parse_event(raw(event_type, occurred_at, **kwargs))
