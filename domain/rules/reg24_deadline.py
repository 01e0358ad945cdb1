"""Regulation 24: connected-person placements against their temporary approval.

Temporary approval lasts 16 weeks from the placement's start; `expires_on` is the
first day without it. One extension of 8 weeks (Regulation 25) moves the expiry.
Warn 4 weeks before an expiry unless the placement was approved, ended or
extended before the warning day; breach on the expiry day unless it was
approved or ended (or, for the first expiry, extended) before it. A warning
closes itself when the placement is resolved or the expiry comes (the breach, if
any, takes over); a breach when the placement is approved or ended.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from domain.rules.base import Alert, Rule, alert_id, iso
from domain.rules.facts import FamilyFacts, as_date
from domain.rules.thresholds import Thresholds

KIND = "reg24_deadline"
RULE = Rule(
    code=KIND,
    title="Regulation 24 deadline",
    definition=(
        "A connected-person placement's temporary approval expires 16 weeks after it started "
        "(24 with the one Regulation 25 extension). Warn 4 weeks before expiry; breach at "
        "expiry when the placement is neither approved nor ended. Each closes itself when "
        "the situation ends (approved, ended, extended; a warning also at expiry)."
    ),
    alert=True,
)


def placement_row(facts: FamilyFacts, p: dict[str, Any], th: Thresholds) -> dict[str, Any]:
    """The row of one placement (the table holds them by placement id)."""
    started = p["started_on"]
    first = started + timedelta(weeks=th.reg24_weeks)
    extended = p["extended_on"]
    final = first + timedelta(weeks=th.reg25_extension_weeks) if extended else first
    return {
        "family_id": facts.family_id,
        "child_id": p["child_id"],
        "placement_id": p["placement_id"],
        "carer_id": p["carer_id"],
        "event_id": facts.event_id_of("ConnectedPersonPlacementStarted", p["placement_id"]),
        "started_on": iso(started),
        "extended_on": iso(extended),
        "approved_on": iso(p["approved_on"]),
        "ended_on": iso(p["ended_on"]),
        "first_expires_on": iso(first),
        "expires_on": iso(final),
        "warn_on": iso(final - timedelta(weeks=th.reg24_warn_weeks)),
        "team": facts.team_for([p["child_id"]]),
    }


def _first(*days: date | None) -> date | None:
    present = [d for d in days if d is not None]
    return min(present) if present else None


def alerts(rows: list[dict[str, Any]], as_of: date, th: Thresholds) -> list[Alert]:
    out = []
    for row in rows:
        approved, ended = as_date(row["approved_on"]), as_date(row["ended_on"])
        extended = as_date(row["extended_on"])
        first = as_date(row["first_expires_on"])
        assert first is not None
        phases = [(first, _first(approved, ended, extended), False)]
        if extended is not None:
            second = first + timedelta(weeks=th.reg25_extension_weeks)
            phases.append((second, _first(approved, ended), True))
        for expires, resolved, with_extension in phases:
            warn = expires - timedelta(weeks=th.reg24_warn_weeks)
            for phase, day, ends in (
                ("warn", warn, _first(resolved, expires)),
                ("breach", expires, resolved),
            ):
                if as_of < day or (resolved is not None and resolved < day):
                    continue
                closed = ends if ends is not None and ends <= as_of else None
                out.append(
                    Alert(
                        alert_id=alert_id(
                            KIND, row["family_id"], row["placement_id"], phase, expires.isoformat()
                        ),
                        kind=KIND,
                        family_id=row["family_id"],
                        child_id=row["child_id"],
                        trigger_event_id=row["event_id"],
                        occurred_at=day.isoformat(),
                        detail={
                            "placement_id": row["placement_id"],
                            "phase": phase,
                            "expires_on": expires.isoformat(),
                            "extended": with_extension,
                        },
                        team=row.get("team"),
                        closed_on=iso(closed),
                    )
                )
    return out
