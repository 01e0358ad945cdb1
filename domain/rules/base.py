"""What every rule shares: its name card, the alert it raises, deterministic ids.

Modelled on Data to Insight's CIN validator: one rule per module, each with a
frozen `Rule` naming it, so the README, the CLI and the tests all quote the same
definition text.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

import orjson

T = TypeVar("T")


@dataclass(frozen=True)
class Rule:
    """The name card of one definition in GUIDE section 5."""

    code: str
    title: str
    definition: str
    alert: bool = False


def alert_id(kind: str, family_id: str, *parts: str) -> str:
    """Same kind, family and trigger parts give the same id, in every process, forever.

    Event-triggered alerts pass the trigger's event id; deadline alerts pass the
    subject, the phase and the due date, so a moved deadline is a new alert.
    """
    text = "\x1f".join([kind, family_id, *parts])
    return "AL-" + hashlib.sha256(text.encode()).hexdigest()[:24]


@dataclass(frozen=True)
class Alert:
    """One alert as GUIDE section 4 shapes the `csc.alerts` message."""

    alert_id: str
    kind: str
    family_id: str
    child_id: str | None
    trigger_event_id: str
    occurred_at: str  # business date (ISO) the alert became true
    detail: dict[str, Any] = field(default_factory=dict)
    team: str | None = None
    # The latest business day it was raised on: a 4th referral raises a third-referral
    # alert again (an acknowledgement before that day no longer covers it). None: occurred_at.
    raised_on: str | None = None
    # The business day the situation ended (a deadline alert closes itself); None: open.
    closed_on: str | None = None

    @property
    def last_raised_on(self) -> str:
        return self.raised_on or self.occurred_at

    @property
    def status(self) -> str:
        return "closed" if self.closed_on else "active"

    def message(self) -> dict[str, Any]:
        """The message published to `csc.alerts` (team is ours, not the contract's).

        An open alert's message has the contract's fields only; a closed one adds
        `status` and `closed_on`, so a consumer sees the closing as an update of the
        same alert id.
        """
        out: dict[str, Any] = {
            "alert_id": self.alert_id,
            "kind": self.kind,
            "family_id": self.family_id,
            "trigger_event_id": self.trigger_event_id,
            "occurred_at": self.occurred_at,
            "detail": self.detail,
        }
        if self.child_id is not None:
            out["child_id"] = self.child_id
        if self.closed_on is not None:
            out["status"], out["closed_on"] = "closed", self.closed_on
        return out

    def message_json(self) -> str:
        """Canonical JSON (sorted keys, compact): the same alert gives the same bytes."""
        return canonical_json(self.message())


def runs(items: Iterable[T], reached: Callable[[T], bool]) -> list[list[T]]:
    """The unbroken stretches of `items` (in their order) for which `reached` holds.

    A repeat pattern raises one alert per stretch: the item that starts it gives the
    alert its id, the later ones raise it again instead of adding alerts."""
    out: list[list[T]] = []
    current: list[T] | None = None
    for item in items:
        if not reached(item):
            current = None
        elif current is None:
            current = [item]
            out.append(current)
        else:
            current.append(item)
    return out


def canonical_json(value: Any) -> str:
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()


def iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()
