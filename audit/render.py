"""Plain-text and JSON forms of the audit results, for the terminal and for files.

Shows who recorded each event beside both clocks, because "who knew what, when"
is the auditor's question. Output goes to the user who asked; nothing is logged.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime
from typing import Any

from audit.as_at import FamilyAsAt
from audit.diff import FamilyDiff
from audit.findings import VerifyReport
from audit.moments import local_text


def as_jsonable(value: Any) -> Any:
    """Dataclasses, datetimes and dates as plain JSON values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: as_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): as_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [as_jsonable(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def past_heading(view: FamilyAsAt) -> str:
    """The line that says which past moment a family view shows."""
    parts = []
    if view.as_at is not None:
        parts.append(
            f"As known at {local_text(view.as_at)}: stream version {view.version} of "
            f"{view.current_version} ({view.recorded_since} events recorded since)"
        )
    if view.occurred_by is not None:
        parts.append(f"Events that happened on or before {view.occurred_by.isoformat()}")
    if view.missing:
        missing = ", ".join(str(v) for v in view.missing)
        parts.append(f"WARNING: stream positions {missing} are missing: run `casejourney verify`")
    return "\n".join(parts)


def _show(value: Any) -> str:
    if isinstance(value, list | dict):
        return json.dumps(value, sort_keys=True)
    return str(value)


def _who(worker: str | None, qualified: bool | None) -> str:
    text = worker or "-"
    return text + (" (unqualified)" if qualified is False else "")


def diff_text(d: FamilyDiff) -> str:
    lines = [
        f"Family {d.family_id}: recorded after {local_text(d.since)} up to {local_text(d.until)}",
        f"stream versions {d.from_version} -> {d.to_version}: {len(d.events)} events",
        "",
        f"{'recorded':<26} {'by':<22} {'event':<32} {'child':<10} {'business date':<12} what",
    ]
    for e in d.events:
        lines.append(
            f"{local_text(e.recorded_at):<26} {_who(e.worker_id, e.qualified):<22} "
            f"{e.event_type:<32} {e.child_id or '':<10} {e.occurred_at[:10]:<12} {e.what}"
        )
    fixes = [e.correction for e in d.events if e.correction is not None]
    if fixes:
        lines += ["", "Corrections and retractions:"]
        for c in fixes:
            target = f"{c.target_event_id} ({c.target_type or 'not recorded'}"
            target += f", {c.target_child_id})" if c.target_child_id else ")"
            changes = "; ".join(f"{f.name} {_show(f.old)} -> {_show(f.new)}" for f in c.changes)
            if c.action == "retracted":
                changes = "record withdrawn"
            lines.append(f"  {c.event_id} {c.action} {target}: {changes}")
            if c.reason:
                lines.append(f"      reason: {c.reason}")
    lines += ["", "What changed in the family's state:"]
    if not d.changes:
        lines.append("  nothing")
    for s in d.changes:
        fields = ", ".join(f"{f.name} {_show(f.old)} -> {_show(f.new)}" for f in s.fields)
        if s.change == "added":
            fields = ", ".join(
                f"{f.name} {_show(f.new)}" for f in s.fields if f.new not in (None, [])
            )
        lines.append(
            f"  {s.scope:<10} {s.kind} {s.key} {s.change}" + (f": {fields}" if fields else "")
        )
    return "\n".join(lines)


def verify_text(r: VerifyReport) -> str:
    verdict = (
        "OK: the store is as the application recorded it"
        if r.ok
        else (f"FAILED: {len(r.findings)} problem(s) found")
    )
    lines = [
        verdict,
        f"checked {r.events:,} stored records of {r.families:,} families in {r.seconds:.1f}s "
        f"({r.events_per_second:,.0f} records/s): {r.contract_events:,} events and "
        f"{r.created:,} family creation records",
        f"seal: covered log #{r.sealed_before} before this run, #{r.sealed_now} now",
    ]
    if r.sealed_now:
        lines.append(f"anchor: {r.sealed_now}:{r.seal_head}")
        lines.append(
            "  keep the anchor outside the database: `casejourney verify --anchor ANCHOR`"
            " later proves the log up to it unchanged"
        )
    if r.anchors_checked:
        lines.append(f"anchors checked: {r.anchors_checked}")
    lines += r.notes
    if r.erased:
        lines.append(f"erased under retention: {len(r.erased)} families (chains verified)")
        lines += [
            f"  family {f}: erased under retention on {day} ({rule})" for f, day, rule in r.erased
        ]
    lines += [f.line() for f in r.findings]
    return "\n".join(lines)
