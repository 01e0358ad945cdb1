"""Projection subcommands: project, rebuild, alerts.

Reading commands first bring the read models up to date (a no-op when a
follower is running), so their answers always match the store.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from typing import Any

from casejourney import collector
from casejourney.commands.alert_lines import print_alerts
from casejourney.commands.arguments import TEAM_HELP
from casejourney.commands.arguments import day as _day
from casejourney.container import Container
from domain.rules import ALERT_KINDS
from projections import queries


def register(sub: Any) -> None:
    p = sub.add_parser("project", help="bring the read models up to date (or follow the log)")
    p.add_argument("--follow", action="store_true", help="keep following until interrupted")
    p.add_argument("--poll", type=float, default=0.5, help="seconds between polls when idle")
    p.set_defaults(handler=project)

    p = sub.add_parser("rebuild", help="replay the store from zero into fresh read models")
    p.set_defaults(handler=rebuild)

    p = sub.add_parser("alerts", help="list alerts (third referrals, drift, deadlines...)")
    p.add_argument("--kind", choices=ALERT_KINDS, help="only alerts of this kind")
    p.add_argument("--since", type=_day, help="alerts that became true on or after this date")
    p.add_argument(
        "--as-of",
        type=_day,
        help="the day to evaluate deadline alerts for (default today); a later day is "
        "shown as projected, never raised or sent early",
    )
    p.add_argument("--team", help=TEAM_HELP)
    p.add_argument("--family", help="only alerts of this family id")
    p.add_argument(
        "--all", action="store_true", help="include closed and withdrawn alerts (default: open)"
    )
    p.add_argument("--ids", action="store_true", help="add each alert's id as a last column")
    p.add_argument("--json", action="store_true", help="every field, ids included, as JSON")
    p.add_argument("--as-at", metavar="DATETIME", help="as they stood then (audit replay)")
    p.set_defaults(handler=alerts, reads_only=True)


def project(args: argparse.Namespace, container: Container) -> int:
    projector = container.projector
    if not args.follow:
        count = projector.run_once()
        print(f"processed {count} notifications; position {projector.position()}")
        return 0
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    print(f"following from position {projector.position()} (Ctrl-C to stop)", file=sys.stderr)
    collector.for_a_service()
    try:
        projector.follow(stop, args.poll)
    except KeyboardInterrupt:
        stop.set()
    print(f"stopped at position {projector.position()}", file=sys.stderr)
    return 0


def rebuild(args: argparse.Namespace, container: Container) -> int:
    report = container.projector.rebuild()
    print(
        f"rebuilt generation {report.generation}: {report.events} notifications, "
        f"{report.families} families, {report.alerts} alerts in {report.seconds:.1f}s "
        f"({report.rate:,.0f} events/s)"
    )
    return 0


def alerts(args: argparse.Namespace, container: Container) -> int:
    if args.as_at:
        from casejourney.commands.audit import past_alerts

        return past_alerts(args, container)
    projector = container.projector
    projector.run_once()
    today = projector.clock()
    as_of = args.as_of or today
    projector.evaluate_deadlines(min(as_of, today))
    projector.publish_pending()
    rows = queries.alerts(
        projector.db,
        kind=args.kind,
        team=args.team,
        since=args.since,
        until=as_of,
        family_id=args.family,
        status=None if args.all else "active",
        as_of=min(as_of, today),
    )
    if as_of > today:  # a later day: what its deadlines would raise, shown, never sent
        for alert in projector.preview_deadlines(as_of):
            if (args.kind and alert.kind != args.kind) or (args.team and alert.team != args.team):
                continue
            if (args.family and alert.family_id != args.family) or (
                args.since and alert.occurred_at < args.since.isoformat()
            ):
                continue
            rows.append(
                {
                    **alert.message(),
                    "child_id": alert.child_id,
                    "team": alert.team,
                    "status": "projected",
                    "acknowledged": False,
                }
            )
        rows.sort(key=lambda r: (r["occurred_at"], r["alert_id"]), reverse=True)
    print_alerts(rows, container.settings.severity, as_json=args.json, ids=args.ids)
    return 0
