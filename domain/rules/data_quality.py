"""Data-quality findings as read-model rows, and the alerts that rest on them.

A finding is computed whenever its family is, so it appears and disappears with
corrections and late events (domain.findings). One kind depends on the day: a
fact still waiting for the record it belongs to becomes a finding once it has
waited `anchor_grace_days`. Its row is stored whatever the day, dated by when
the fact was recorded (`waiting_since`), and the read side decides by its own
day whether the grace period is over: no daily pass is needed, a family nobody
touches still shows the finding on time, and a rebuild on any day gives the
same rows as the batches that came before it.

An alert whose trigger (for third referrals, any referral it counts) is involved
in an error finding says so in `detail.contradicted` instead of guessing which
of the two facts is wrong; its id does not change.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import date
from typing import Any

from domain.calendar import minus_years
from domain.findings import Finding, family_findings
from domain.rules.base import Alert, canonical_json
from domain.rules.facts import FamilyFacts
from domain.rules.thresholds import Thresholds

Row = dict[str, Any]


def findings(facts: FamilyFacts) -> list[Finding]:
    """Every finding of the family, awaiting-anchor ones included whatever they have
    waited (their rows carry `waiting_since`; the reads apply the grace period)."""
    if not facts.state.violations and not facts.state.pending:
        return []  # most families: no index of their records needed
    return family_findings(facts.family_id, facts.state, facts.records)


def finding_rows(facts: FamilyFacts, found: list[Finding]) -> list[Row]:
    """The `findings` table's rows (schema in projections.schema)."""
    if not found:
        return []
    return [
        {
            "family_id": f.family_id,
            "finding_id": f.finding_id,
            "rule": f.rule,
            "severity": f.severity,
            "reference": f.reference,
            "event_id": f.event_id,
            "event_type": f.event_type,
            "child_id": f.child_id,
            "related": canonical_json(list(f.related)),
            "reason": f.reason,
            "waiting_since": f.waiting_since,
            "team": facts.team_for([f.child_id]) if f.child_id else facts.team,
        }
        for f in found
    ]


def _contradicting(found: Iterable[Finding]) -> dict[str, list[str]]:
    """Event id -> the error findings it is involved in (as their subject or as the
    fact they contradict: either of the two may be the wrong one)."""
    out: dict[str, list[str]] = {}
    for f in found:
        if f.severity != "error":
            continue
        for event_id in (f.event_id, *f.related):
            out.setdefault(event_id, []).append(f.finding_id)
    return out


def _counted(alert: Alert, history: list[Row], th: Thresholds) -> list[str]:
    """The event ids an alert rests on: its trigger, and for third referrals every
    referral its count includes, from the window before its run's first referral to
    the latest that raised it."""
    if alert.kind not in ("third_referral_child", "third_referral_family"):
        return [alert.trigger_event_id]
    start = minus_years(date.fromisoformat(alert.occurred_at), th.referral_window_years)
    end = alert.last_raised_on
    rows = [r for r in history if start.isoformat() <= r["received_on"] <= end]
    if alert.kind == "third_referral_child":
        rows = [r for r in rows if r["child_id"] == alert.child_id]
    return [alert.trigger_event_id, *(r["event_id"] for r in rows)]


def mark_contradicted(
    alerts: list[Alert], found: list[Finding], history: list[Row], th: Thresholds
) -> list[Alert]:
    """The alerts, each resting on a contradicted fact carrying `detail.contradicted`
    (the finding ids, sorted); the others unchanged, byte for byte."""
    involved = _contradicting(found)
    if not involved:
        return alerts
    out = []
    for alert in alerts:
        ids = sorted({f for e in _counted(alert, history, th) for f in involved.get(e, [])})
        if ids:
            alert = dataclasses.replace(alert, detail={**alert.detail, "contradicted": ids})
        out.append(alert)
    return out
