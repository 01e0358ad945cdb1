"""Projection subcommands: project, rebuild, alerts, indicators, network, links.

Reading commands first bring the read models up to date (a no-op when a
follower is running), so their answers always match the store.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from datetime import date, timedelta
from typing import Any

from casejourney.commands.alert_lines import print_alerts
from casejourney.container import Container
from domain.calendar import minus_years
from domain.rules import ALERT_KINDS
from projections import network, queries


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO date (YYYY-MM-DD): {text!r}") from None


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
    p.add_argument("--team", help="only alerts of this team")
    p.add_argument("--family", help="only alerts of this family id")
    p.add_argument(
        "--all", action="store_true", help="include closed and withdrawn alerts (default: open)"
    )
    p.add_argument("--ids", action="store_true", help="add each alert's id as a last column")
    p.add_argument("--json", action="store_true", help="every field, ids included, as JSON")
    p.add_argument("--as-at", metavar="DATETIME", help="as they stood then (audit replay)")
    p.set_defaults(handler=alerts, reads_only=True)

    p = sub.add_parser("indicators", help="headline figures for a period")
    p.add_argument("--from", dest="start", type=_day, help="default: a year before --to")
    p.add_argument("--to", dest="end", type=_day, help="default: today")
    p.add_argument("--team")
    p.add_argument("--json", action="store_true")
    p.add_argument("--as-at", metavar="DATETIME", help="as they stood then (audit replay)")
    p.set_defaults(handler=indicators, reads_only=True)

    p = sub.add_parser("network", help="families linked to a family through shared persons")
    p.add_argument("family_id")
    p.add_argument("--steps", type=int, default=1)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=show_network, reads_only=True)

    p = sub.add_parser("links", help="who links two families")
    p.add_argument("family_a")
    p.add_argument("family_b")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=links, reads_only=True)


def project(args: argparse.Namespace, container: Container) -> int:
    projector = container.projector
    if not args.follow:
        count = projector.run_once()
        print(f"processed {count} notifications; position {projector.position()}")
        return 0
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    print(f"following from position {projector.position()} (Ctrl-C to stop)", file=sys.stderr)
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


def indicators(args: argparse.Namespace, container: Container) -> int:
    if args.as_at:
        from casejourney.commands.audit import past_indicators

        return past_indicators(args, container)
    projector = container.projector
    projector.run_once()
    end = args.end or projector.clock()
    start = args.start or minus_years(end) + timedelta(days=1)
    if start > end:
        raise ValueError("--from must not be after --to")
    rows = queries.indicators(projector.db, start, end, team=args.team, th=projector.thresholds)
    if args.json:
        print(
            json.dumps(
                {"from": start.isoformat(), "to": end.isoformat(), "indicators": rows}, indent=2
            )
        )
        return 0
    print(f"Indicators {start} to {end}" + (f", team {args.team}" if args.team else ""))
    for r in rows:
        if r["denominator"] is None:
            figure = f"{r['value']}"
        elif r["value"] is None:
            figure = f"n/a ({r['numerator']}/{r['denominator']})"
        else:
            figure = f"{r['value']:.1%} ({r['numerator']}/{r['denominator']})"
        extra = "".join(
            f", {k.replace('_', ' ')} {r[k]}"
            for k in ("median_working_days", "median_weeks")
            if k in r
        )
        print(f"  {r['label']:<52} {figure}{extra}")
    return 0


def show_network(args: argparse.Namespace, container: Container) -> int:
    projector = container.projector
    projector.run_once()
    result = network.neighbourhood(projector.db, args.family_id, args.steps)
    if not result["families"]:
        print(f"casejourney: no family {args.family_id!r} in the read models", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(f"Families within {args.steps} step(s) of {args.family_id}:")
    for f in result["families"]:
        print(
            f"  {f['family_id']:<16} steps {f['steps_away']}  referrals {f['referrals']}"
            f" (re-referrals {f['re_referrals']}), CP plans {f['cp_plans']}"
            f" (repeat {f['repeat_cp_plans']}), PLO {f['plo_episodes']}"
        )
    for link in result["links"]:
        until = f" until {link['unlinked_on']}" if link["unlinked_on"] else ""
        print(
            f"  person {link['person_id']} ({link['relationship']}) in {link['family_id']}{until}"
        )
    print("  totals: " + ", ".join(f"{k} {v}" for k, v in result["totals"].items()))
    return 0


def links(args: argparse.Namespace, container: Container) -> int:
    projector = container.projector
    projector.run_once()
    result = network.who_links(projector.db, args.family_a, args.family_b)
    if args.json:
        print(json.dumps(result, indent=2))
        return 0 if result["linked"] else 1
    if not result["linked"]:
        print(f"{args.family_a} and {args.family_b} are not linked")
        return 1
    if result["shared"]:
        print(f"shared persons: {', '.join(result['shared'])}")
    print(f"{result['steps']} step(s): " + " - ".join(result["path"]))
    return 0
