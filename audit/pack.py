"""`casejourney audit-pack`: one family's record then and now, as CSV files and one HTML page.

Everything comes from the event store (the alerts through a replay into a
temporary read model, which the caller hands in as `alerts_at`: audit does not
build read models), so the pack does not depend on derived data that may have
been rebuilt since. The CSV files are the full record (payloads included); the
HTML page is the readable summary (payload free text left out, except the
reasons given for corrections and retractions, which an auditor needs). Every
CSV cell goes through `domain.safe_text.neutralise_cell`, so none opens as a
spreadsheet formula, and every file is created 0600 (it is about a child).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from audit.as_at import FamilyAsAt, family_as_at
from audit.changes import StateChange, plain, state_changes
from audit.pack_html import pack_html
from audit.pack_record import AuditPack
from audit.verify_family import verify_family
from domain.safe_text import neutralise_cell
from domain.state import FamilyState
from domain.vocabulary import event_line
from store.family_store import FamilyStore
from store.private_files import open_private, private_dir, write_private

ALERT_FIELDS = ("alert_id", "kind", "child_id", "occurred_at", "team", "trigger_event_id")


class AlertsAt(Protocol):
    """The active alerts of one family as they stood at a moment (rows shaped as
    `projections.queries.alerts`); the composition root supplies it, with thresholds."""

    def __call__(
        self, store: FamilyStore, as_at: datetime, family_id: str
    ) -> list[dict[str, Any]]: ...


def chronology_rows(now: FamilyAsAt, then: FamilyAsAt) -> list[dict[str, Any]]:
    """Every event recorded so far, in recording order, marked known or not at `as_at`."""
    assert now.family is not None
    stamps = {r["version"]: r["recorded_at"] for r in now.family.records}
    rows = []
    for r in now.family.records:
        who = r.get("recorded_by") or {}
        rows.append(
            {
                "version": r["version"],
                "recorded_at": stamps[r["version"]],
                "known_then": "yes" if r["version"] <= then.version else "no",
                "occurred_at": r["occurred_at"],
                "event_type": r["event_type"],
                "event_id": r["event_id"],
                "child_id": r.get("child_id") or "",
                "recorded_by": who.get("worker_id", ""),
                "role": who.get("role", ""),
                "qualified": "" if who.get("qualified") is None else str(who["qualified"]).lower(),
                "team": who.get("team", ""),
                "what": event_line(r["event_type"], r["payload"]),
                "reason": r["payload"].get("reason", "")
                if "target_event_id" in r["payload"]
                else "",
                "payload_json": json.dumps(r["payload"], sort_keys=True),
            }
        )
    return rows


def state_rows(state: FamilyState | None) -> list[dict[str, Any]]:
    """The state as flat (scope, kind, key, field, value) rows."""
    if state is None:
        return []
    return [
        {"scope": c.scope, "kind": c.kind, "key": c.key, "field": f.name, "value": _cell(f.new)}
        for c in state_changes(None, state)
        for f in c.fields
    ]


def change_rows(changes: Iterable[StateChange]) -> list[dict[str, Any]]:
    return [
        {
            "scope": c.scope,
            "kind": c.kind,
            "key": c.key,
            "change": c.change,
            "field": f.name,
            "old": _cell(f.old),
            "new": _cell(f.new),
        }
        for c in changes
        for f in (c.fields or ())
    ]


def alert_rows(alerts: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {**{k: a.get(k) or "" for k in ALERT_FIELDS}, "detail": json.dumps(a.get("detail") or {})}
        for a in alerts
    ]


def _cell(value: Any) -> str:
    value = plain(value)
    if value is None:
        return ""
    if isinstance(value, list | dict):
        return json.dumps(value, sort_keys=True)
    return str(value)


def write_csv(path: Path, rows: list[dict[str, Any]], columns: Sequence[str]) -> Path:
    """One CSV file (mode 0600), every cell neutralised against formula injection."""
    with open_private(path, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([neutralise_cell(c) for c in columns])
        writer.writerows([neutralise_cell(row.get(c, "")) for c in columns] for row in rows)
    return path


def build_pack(
    store: FamilyStore, family_id: str, as_at: datetime, alerts_at: AlertsAt
) -> AuditPack | None:
    """Gather the pack's contents; None when the store has no such family."""
    now_moment = datetime.now(UTC)
    now = family_as_at(store, family_id)
    then = family_as_at(store, family_id, as_at)
    if now is None or then is None or now.family is None:
        return None
    then_state = then.family.state if then.family is not None else None
    return AuditPack(
        family_id=family_id,
        as_at=as_at,
        generated_at=now_moment,
        then=then,
        now=now,
        chronology=chronology_rows(now, then),
        changes=state_changes(then_state, now.family.state),
        alerts_then=alerts_at(store, as_at, family_id) if then.version else [],
        alerts_now=alerts_at(store, now_moment, family_id),
        verification=verify_family(store, family_id),
    )


def write_pack(pack: AuditPack, out: Path) -> AuditPack:
    """Write the CSV files and index.html into `out` (created if missing)."""
    private_dir(out)
    chronology_columns = list(pack.chronology[0]) if pack.chronology else ["version"]
    then_state = pack.then.family.state if pack.then.family is not None else None
    assert pack.now.family is not None
    findings = [
        {
            "problem": f.problem,
            "family_id": f.family_id,
            "version": f.version,
            "notification_id": f.notification_id,
            "detail": f.detail,
        }
        for f in pack.verification.findings
    ]
    state_columns = ("scope", "kind", "key", "field", "value")
    alert_columns = (*ALERT_FIELDS, "detail")
    pack.files = [
        write_csv(out / "chronology.csv", pack.chronology, chronology_columns),
        write_csv(out / "state_then.csv", state_rows(then_state), state_columns),
        write_csv(out / "state_now.csv", state_rows(pack.now.family.state), state_columns),
        write_csv(
            out / "changes_since.csv",
            change_rows(pack.changes),
            ("scope", "kind", "key", "change", "field", "old", "new"),
        ),
        write_csv(out / "alerts_then.csv", alert_rows(pack.alerts_then), alert_columns),
        write_csv(out / "alerts_now.csv", alert_rows(pack.alerts_now), alert_columns),
        write_csv(
            out / "verification.csv",
            findings,
            ("problem", "family_id", "version", "notification_id", "detail"),
        ),
    ]
    page = out / "index.html"
    write_private(page, pack_html(pack))
    pack.files.append(page)
    return pack
