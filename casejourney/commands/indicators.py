"""`casejourney indicators` and `casejourney teams`: the headline figures, and the
teams they can be read for.

The live figures and the audit replay (`--as-at`) print through one renderer, so
the replay keeps the team in its heading and the medians in its rows, as the live
view does. A team the read models do not know is refused, not answered with zeros.
"""

from __future__ import annotations

import argparse
from datetime import date, timedelta
from typing import Any

from casejourney.commands.arguments import AS_AT_HELP, JSON_HELP, TEAM_HELP, day
from casejourney.commands.known import require_team
from casejourney.commands.output import count, number, print_json, print_table, rate
from casejourney.container import Container
from domain.calendar import minus_years
from projections import queries

MEDIAN_UNITS = (("median_working_days", "working days"), ("median_weeks", "weeks"))


def register(sub: Any) -> None:
    p = sub.add_parser(
        "indicators",
        help="headline figures for a period, with numerators, denominators and medians",
    )
    p.add_argument(
        "--from",
        dest="start",
        type=day,
        metavar="DATE",
        help="first day (default: a year before --to)",
    )
    p.add_argument("--to", dest="end", type=day, metavar="DATE", help="last day (default: today)")
    p.add_argument("--team", help=TEAM_HELP)
    p.add_argument("--json", action="store_true", help=JSON_HELP)
    p.add_argument("--as-at", metavar="DATETIME", help=AS_AT_HELP)
    p.set_defaults(handler=indicators, reads_only=True)

    p = sub.add_parser("teams", help="the teams the read models know (for --team)")
    p.add_argument("--json", action="store_true", help=JSON_HELP)
    p.set_defaults(handler=teams, reads_only=True)


def teams(args: argparse.Namespace, container: Container) -> int:
    projector = container.projector
    projector.run_once()
    names = queries.teams(projector.db)
    if args.json:
        print_json(names)
    elif names:
        print_table(["team"], [[name] for name in names])
    else:
        print("No teams: no child or family in the store is allocated to a team yet.")
    return 0


def period(start: date | None, end: date) -> tuple[date, date]:
    """The period asked for; by default the year ending on `end`."""
    first = start or minus_years(end) + timedelta(days=1)
    if first > end:
        raise ValueError("--from must not be after --to")
    return first, end


def indicators(args: argparse.Namespace, container: Container) -> int:
    projector = container.projector
    projector.run_once()
    require_team(projector.db, args.team)
    if args.as_at:
        from audit.moments import local_text, parse_moment
        from projections.as_at import day_of, indicators_as_at

        as_at = parse_moment(args.as_at)
        start, end = period(args.start, args.end or day_of(as_at))
        rows = indicators_as_at(
            container.store, as_at, start, end, team=args.team, thresholds=container.settings.alerts
        )
        stood = f", as they stood at {local_text(as_at)}"
        extra: dict[str, Any] = {"as_at": as_at.isoformat()}
    else:
        start, end = period(args.start, args.end or projector.clock())
        rows = queries.indicators(projector.db, start, end, team=args.team, th=projector.thresholds)
        stood, extra = "", {}
    if args.json:
        print_json(
            {**extra, "from": str(start), "to": str(end), "team": args.team, "indicators": rows}
        )
        return 0
    team = f", team {args.team}" if args.team else ", all teams"
    print(f"Indicators {start} to {end}{team}{stood}")
    print_table(["measure", "figure", "counted", "median"], [indicator_cells(r) for r in rows])
    return 0


def indicator_cells(r: dict[str, Any]) -> list[str]:
    """One figure as a person reads it: a count, or a rate with what it counts."""
    if r["denominator"] is None:
        figure, counted = count(r["value"]), ""
    else:
        figure = rate(r["value"])
        counted = f"{count(r['numerator'])} of {count(r['denominator'])}"
    median = next(
        (
            f"{number(r[key])} {unit}" if r[key] is not None else ""
            for key, unit in MEDIAN_UNITS
            if key in r
        ),
        "",
    )
    return [r["label"], figure, counted, median]
