"""Audit subcommands: diff, verify (and the past views behind `family --as-at`)."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from audit import api
from casejourney.container import Container
from domain.family_view import family_json, family_text
from domain.uk_dates import UK
from store.access_log import AccessLog, AccessLogCheck
from store.anchor import Anchor
from store.family_store import FamilyStore


def register(sub: Any) -> None:
    p = sub.add_parser("diff", help="what was recorded about a family between two moments")
    p.add_argument("family_id", metavar="FAMILY_ID", help="the family's id")
    p.add_argument(
        "--from",
        dest="since",
        required=True,
        metavar="DATETIME",
        help="the earlier moment (ISO date or date-time, UK time)",
    )
    p.add_argument("--to", dest="until", required=True, metavar="DATETIME", help="the later moment")
    p.add_argument("--json", action="store_true", help="print the differences as JSON")
    p.set_defaults(handler=show_diff, reads_only=True)

    p = sub.add_parser(
        "verify", help="prove the event store untouched, or show where it was touched"
    )
    p.add_argument(
        "--anchor",
        action="append",
        default=[],
        metavar="ID:HASH",
        help="a seal anchor printed by an earlier run (repeatable)",
    )
    p.add_argument(
        "--access-anchor",
        action="append",
        default=[],
        metavar="POSITION:HASH",
        help="an access-log anchor printed by an earlier run (repeatable): proves no "
        "record up to it was cut off or altered",
    )
    p.add_argument("--no-seal", action="store_true", help="check only; do not extend the seal")
    p.add_argument(
        "--read-models",
        action="store_true",
        help="also compare the live read models with a replay (names each row that differs)",
    )
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(handler=run_verify, reads_only=True)

    p = sub.add_parser(
        "seal", help="check and seal what was recorded since the last seal (cheap; run often)"
    )
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(handler=run_seal)

    p = sub.add_parser(
        "audit-pack", help="a family then and now, alerts, verification: CSV and HTML"
    )
    p.add_argument("family_id", metavar="FAMILY_ID", help="the family's id")
    p.add_argument(
        "--as-at",
        required=True,
        metavar="DATETIME",
        help="the moment to show the family as then known (ISO date or date-time, UK time)",
    )
    p.add_argument("--out", required=True, type=Path, metavar="DIR", help="directory to write to")
    p.set_defaults(handler=audit_pack, reads_only=True)


def show_past_family(args: argparse.Namespace, container: Container) -> int:
    """`casejourney family ID --as-at T --occurred-by D`: a past view from the event store."""
    as_at = api.parse_moment(args.as_at) if args.as_at else None
    occurred_by = api.parse_day(args.occurred_by) if args.occurred_by else None
    view = api.family_as_at(container.store, args.family_id, as_at, occurred_by)
    if view is None:
        print(f"casejourney: no family {args.family_id!r} in the store", file=sys.stderr)
        return 1
    if view.family is None:
        first = api.local_text(view.first_recorded_at) if view.first_recorded_at else "never"
        print(
            f"casejourney: nothing was recorded about family {args.family_id!r} by then "
            f"(first recorded {first})",
            file=sys.stderr,
        )
        return 1
    if args.json:
        data = family_json(view.family)
        data["as_at"] = view.as_at.isoformat() if view.as_at else None
        data["occurred_by"] = view.occurred_by.isoformat() if view.occurred_by else None
        data["current_version"] = view.current_version
        print(json.dumps(data, indent=2, default=str))
    else:
        print(api.past_heading(view))
        moment = view.as_at or datetime.now(UK)
        print(family_text(view.family, view.occurred_by or moment.astimezone(UK).date()))
    return 0


def show_diff(args: argparse.Namespace, container: Container) -> int:
    since, until = api.parse_moment(args.since), api.parse_moment(args.until)
    result = api.diff(container.store, args.family_id, since, until)
    if result is None:
        print(f"casejourney: no family {args.family_id!r} in the store", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(api.as_jsonable(result), indent=2, default=str))
    else:
        print(api.diff_text(result))
    return 0


def run_seal(args: argparse.Namespace, container: Container) -> int:
    report = api.seal_new(container.store)
    if args.json:
        data = api.as_jsonable(report)
        data["ok"] = report.ok
        print(json.dumps(data, indent=2))
    else:
        print(api.verify_text(report))
    return 0 if report.ok else 1


def run_verify(args: argparse.Namespace, container: Container) -> int:
    anchors = [api.Anchor.parse(text) for text in args.anchor]
    access_anchors = [Anchor.parse(text) for text in args.access_anchor]
    report = api.verify(container.store, seal=not args.no_seal, anchors=anchors)
    access = _verify_access_log(container, access_anchors)
    models = None
    if args.read_models:
        from projections.verify_read_models import report_text, verify_read_models

        models = verify_read_models(container.store, container.settings.alerts)
    ok = report.ok and access.ok and (models is None or models.ok)
    if args.json:
        data = api.as_jsonable(report)
        data["ok"] = ok
        data["events_per_second"] = round(report.events_per_second)
        data["contract_events"] = report.contract_events
        data["access_log"] = {
            "ok": access.ok,
            "records": access.records,
            "first_bad": access.first_bad,
            "problem": access.problem,
            "anchor": str(access.anchor) if access.anchor else None,
            "anchors_checked": access.anchors_checked,
        }
        if models is not None:
            data["read_models"] = {**api.as_jsonable(models), "ok": models.ok}
        print(json.dumps(data, indent=2))
    else:
        print(api.verify_text(report))
        print(_access_text(access))
        if models is not None:
            print(report_text(models))
    return 0 if ok else 1


def _verify_access_log(container: Container, anchors: list[Anchor]) -> AccessLogCheck:
    """The dashboard's access log: every record's hash and link to the one before."""
    log = AccessLog(container.settings.database_url)
    try:
        return log.verify(anchors)
    finally:
        log.close()


def _access_text(access: AccessLogCheck) -> str:
    if not access.ok:
        return f"Access log: {access.problem} at record {access.first_bad}."
    lines = [f"Access log: {access.records} records, chain intact."]
    if access.anchors_checked:
        lines.append(f"access-log anchors checked: {access.anchors_checked}")
    if access.anchor:
        lines.append(f"access-log anchor: {access.anchor}")
        lines.append("  keep it outside the database: `casejourney verify --access-anchor ANCHOR`")
    return "\n".join(lines)


def past_alerts(args: argparse.Namespace, container: Container) -> int:
    """`casejourney alerts --as-at T`: the alerts as they stood then, from a replay."""
    from casejourney.commands.alert_lines import print_alerts
    from projections.as_at import alerts_as_at, day_of

    if args.as_of:
        raise ValueError("--as-of cannot be combined with --as-at (the day of --as-at is used)")
    as_at = api.parse_moment(args.as_at)
    rows = alerts_as_at(
        container.store,
        as_at,
        thresholds=container.settings.alerts,
        family_id=args.family,
        kind=args.kind,
        team=args.team,
        since=args.since,
    )
    if not args.json:
        print(f"Alerts as they stood at {api.local_text(as_at)} (deadlines as of {day_of(as_at)})")
    print_alerts(rows, container.settings.severity, as_json=args.json, ids=args.ids)
    return 0


def audit_pack(args: argparse.Namespace, container: Container) -> int:
    from projections.as_at import alerts_as_at

    def alerts_at(store: FamilyStore, as_at: datetime, family_id: str) -> list[dict[str, Any]]:
        return alerts_as_at(store, as_at, thresholds=container.settings.alerts, family_id=family_id)

    pack = api.audit_pack(
        container.store, args.family_id, api.parse_moment(args.as_at), alerts_at, args.out
    )
    if pack is None:
        print(f"casejourney: no family {args.family_id!r} in the store", file=sys.stderr)
        return 1
    for path in pack.files:
        print(path)
    verdict = "verified" if pack.verification.ok else "VERIFICATION FAILED"
    print(
        f"family {pack.family_id}: {len(pack.chronology)} events, "
        f"{pack.then.recorded_since} recorded since {api.local_text(pack.as_at)}; "
        f"alerts then {len(pack.alerts_then)}, now {len(pack.alerts_now)}; {verdict}"
    )
    return 0 if pack.verification.ok else 1
