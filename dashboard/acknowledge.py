"""Acknowledging an alert: an `AlertAcknowledged` event in the same store as the rest.

The event id is derived from the alert and the worker, so a double click or a
second browser tab records it once (the store treats a known event id as a
duplicate). The reason is free text: it is stored and shown, never logged.
Recording it is the source's job (`DashboardSource.acknowledge`): the dashboard
holds no store of its own.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from domain.contract import ContractEvent, parse_event


@dataclass(frozen=True)
class Worker:
    """Who is acknowledging: the signed-in user (dashboard.auth), never typed in."""

    worker_id: str
    role: str
    qualified: bool
    team: str | None = None

    def recorded_by(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "worker_id": self.worker_id,
            "role": self.role,
            "qualified": self.qualified,
        }
        if self.team:
            out["team"] = self.team
        return out


def acknowledgement_id(alert_id: str, worker_id: str, again_on: str | None = None) -> str:
    """Deterministic and within the contract's 128 characters. `again_on`: the day an
    alert acknowledged before was raised again (a 4th referral), so acknowledging it
    once more is a new event, not a duplicate of the first."""
    parts = [alert_id, worker_id, *([again_on] if again_on else [])]
    event_id = "ack:" + ":".join(parts)
    if len(event_id) <= 128:
        return event_id
    return "ack:" + hashlib.sha256("\0".join(parts).encode()).hexdigest()


def acknowledgement(
    alert_id: str,
    family_id: str,
    worker: Worker,
    reason: str,
    now: datetime | None = None,
    *,
    again_on: str | None = None,
) -> ContractEvent:
    """The contract event, validated like any event from a source system."""
    moment = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    payload: dict[str, Any] = {"alert_id": alert_id}
    if reason.strip():
        payload["reason"] = reason.strip()
    return parse_event(
        {
            "event_id": acknowledgement_id(alert_id, worker.worker_id, again_on),
            "event_type": "AlertAcknowledged",
            "family_id": family_id,
            "occurred_at": moment.isoformat().replace("+00:00", "Z"),
            "recorded_by": worker.recorded_by(),
            "payload": payload,
        }
    )
