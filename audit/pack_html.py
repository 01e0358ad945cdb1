"""The audit pack's one readable page: self-contained HTML, every value escaped.

No scripts, fonts or images from anywhere: the page must open the same on an
inspector's laptop years later, and nothing recorded can inject markup into it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from html import escape
from typing import Any

from audit.moments import local_text
from audit.pack_record import AuditPack
from domain.family_view import child_states, state_child_labels
from domain.uk_dates import UK, uk_date
from domain.vocabulary import who_text

STYLE = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2em auto;
max-width:72em;color:#1b1b1b;padding:0 1em}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em;border-bottom:2px solid #1d70b8}
table{border-collapse:collapse;width:100%;margin:.5em 0}
th,td{border:1px solid #b1b4b6;padding:.25em .5em;text-align:left;vertical-align:top}
th{background:#f3f2f1}tr.later td{color:#505a5f;background:#fafafa}
.ok{color:#00703c;font-weight:bold}.bad{color:#d4351c;font-weight:bold}
dl{display:grid;grid-template-columns:max-content auto;gap:.2em 1em}dt{font-weight:bold}
small{color:#505a5f}
@media print{tr{break-inside:avoid}}
"""


def _e(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | dict):
        value = json.dumps(value, sort_keys=True)
    return escape(str(value), quote=True)


def table(
    headers: Sequence[str], rows: Sequence[Sequence[Any]], classes: Sequence[str] = ()
) -> str:
    if not rows:
        return "<p>None.</p>"
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    body = []
    for i, row in enumerate(rows):
        cls = f' class="{_e(classes[i])}"' if i < len(classes) and classes[i] else ""
        body.append(f"<tr{cls}>" + "".join(f"<td>{_e(v)}</td>" for v in row) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _labels(pack: AuditPack) -> dict[str, str]:
    """The children as "Child 2, girl, 7", aged as at the day the pack was made."""
    assert pack.now.family is not None
    return state_child_labels(pack.now.family.state, pack.generated_at.astimezone(UK).date())


def _children(pack: AuditPack) -> str:
    then = child_states(pack.then.family.state) if pack.then.family else {}
    now = child_states(pack.now.family.state) if pack.now.family else {}
    labels = _labels(pack)
    rows = []
    known = set(then) | set(now)
    for child_id in [c for c in labels if c in known] + sorted(known - set(labels)):
        named = f"{labels.get(child_id, 'Child')} (id {child_id})"
        for label, states in (("then", then), ("now", now)):
            c = states.get(child_id)
            if c is None:
                rows.append([named, label, "not known", "", "", "", ""])
                continue
            alloc = c["allocated_to"] or {}
            rows.append(
                [
                    named,
                    label,
                    c["referrals"],
                    f"{c['cp_plans']} (open: {c['open_cp_plan'] or 'none'})",
                    ", ".join(c["open_episodes"]) or "none",
                    "yes" if c["in_pre_proceedings"] else "no",
                    who_text(alloc.get("worker_id"), alloc.get("role"), alloc.get("qualified"))
                    if alloc
                    else "nobody",
                ]
            )
    headers = [
        "child",
        "",
        "referrals",
        "CP plans",
        "open episodes",
        "pre-proceedings",
        "allocated",
    ]
    return table(headers, rows)


def _alerts(alerts: Sequence[dict[str, Any]]) -> str:
    rows = [
        [a["occurred_at"], a["kind"], a.get("child_id") or "", a.get("team") or "", a["detail"]]
        for a in alerts
    ]
    return table(["became true", "kind", "child", "team", "detail"], rows)


def pack_html(pack: AuditPack) -> str:
    v = pack.verification
    verdict = (
        '<span class="ok">Verified: this family\'s stored events are as recorded.</span>'
        if v.ok
        else f'<span class="bad">Verification FAILED: {len(v.findings)} problem(s).</span>'
    )
    summary = [
        ("Family", pack.family_id),
        ("As known at", local_text(pack.as_at)),
        ("Pack generated", local_text(pack.generated_at)),
        ("Events known then", max(pack.then.version - 1, 0)),
        ("Events known now", pack.now.version - 1),
        ("Recorded since", pack.then.recorded_since),
    ]
    labels = _labels(pack)
    chronology = [
        [
            uk_date(r["recorded_at"]),
            r["known_then"],
            uk_date(r["occurred_at"]),
            labels.get(r["child_id"], r["child_id"]) if r["child_id"] else "family",
            r["what"] + (f" — reason: {r['reason']}" if r["reason"] else ""),
            who_text(r["recorded_by"], r["role"], r["qualified"]),
        ]
        for r in pack.chronology
    ]
    later = ["later" if r["known_then"] == "no" else "" for r in pack.chronology]
    changes = [
        [
            c.scope,
            c.kind,
            c.key,
            c.change,
            "; ".join(f"{f.name}: {_plain(f.old)} → {_plain(f.new)}" for f in c.fields),
        ]
        for c in pack.changes
    ]
    findings = [[f.problem, f.version, f.notification_id, f.detail] for f in v.findings]
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Audit pack: family {_e(pack.family_id)}</title>",
        f"<style>{STYLE}</style></head><body>",
        f"<h1>Audit pack: family {_e(pack.family_id)}</h1>",
        "<dl>" + "".join(f"<dt>{_e(k)}</dt><dd>{_e(val)}</dd>" for k, val in summary) + "</dl>",
        f"<p>{verdict}</p>",
        "<h2>Verification</h2>",
        f"<p><small>Checked {_e(v.events)} stored events against the family's hash chain "
        f"and the seal (log sealed up to #{_e(v.sealed_now)}).</small></p>",
        table(["problem", "position", "log #", "detail"], findings),
        "<h2>Children then and now</h2>",
        _children(pack),
        "<h2>What changed since</h2>",
        table(["scope", "kind", "item", "change", "fields (then → now)"], changes),
        "<h2>Alerts as they stood then</h2>",
        _alerts(pack.alerts_then),
        "<h2>Alerts now</h2>",
        _alerts(pack.alerts_now),
        "<h2>Chronology</h2>",
        "<p><small>Every event recorded about the family, in recording order; greyed rows "
        "were recorded after the moment asked about. Times are UK local time; children are "
        "numbered eldest first, aged as at the pack's date (ids in the table above).</small></p>",
        table(
            ["recorded", "known then", "date", "child", "what happened", "by"],
            chronology,
            later,
        ),
        "<p><small>The CSV files beside this page hold the same data in full.</small></p>",
        "</body></html>",
    ]
    return "\n".join(parts)


def _plain(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, list | dict):
        return json.dumps(value, sort_keys=True)
    return str(value)
