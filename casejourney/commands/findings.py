"""`casejourney findings`: the data-quality findings, for the data lead.

Facts that contradict each other are all recorded; what they say against each
other is listed here (domain.findings), with the DfE CIN census validation rule
that names the same check where there is one. The read models are brought up to
date first, so a correction just ingested has already removed its finding.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from casejourney.commands.arguments import TEAM_HELP, day
from casejourney.commands.known import require_family, require_team
from casejourney.commands.output import plural, print_table
from casejourney.container import Container
from domain.findings import CHECKS
from projections import findings_query

COLUMNS = (
    ("finding_id", "finding id"),
    ("family_id", "family"),
    ("child_id", "child"),
    ("severity", "severity"),
    ("rule", "rule"),
    ("reference", "DfE rule"),
    ("reason", "reason"),
    ("events", "event ids"),
)


def register(sub: Any) -> None:
    p = sub.add_parser(
        "findings",
        help="list data-quality findings (facts that contradict each other)",
        description="Data-quality findings: recorded facts that contradict the family's "
        "other facts, or still wait for the record they belong to after the grace period.",
    )
    p.add_argument("--family", metavar="FAMILY_ID", help="only this family's findings")
    p.add_argument(
        "--rule", choices=sorted(CHECKS), metavar="RULE", help="only this check: %(choices)s"
    )
    p.add_argument(
        "--severity", choices=findings_query.SEVERITIES, help="only errors or only warnings"
    )
    p.add_argument("--team", help=f"only findings of this team's children or families; {TEAM_HELP}")
    p.add_argument(
        "--as-of",
        type=day,
        metavar="DATE",
        help="the day that decides whether a fact has waited past the grace period (default today)",
    )
    p.add_argument("--json", action="store_true", help="JSON lines, one finding a line")
    p.set_defaults(handler=findings, reads_only=True)


def findings(args: argparse.Namespace, container: Container) -> int:
    projector = container.projector
    projector.run_once()
    db = projector.db
    if args.family is not None:
        require_family(db, args.family)
    require_team(db, args.team)
    rows = findings_query.findings(
        db,
        as_of=args.as_of or projector.clock(),
        grace_days=projector.thresholds.anchor_grace_days,
        family_id=args.family,
        rule=args.rule,
        severity=args.severity,
        team=args.team,
    )
    if args.json:
        for r in rows:
            print(json.dumps(r, sort_keys=True))
        return 0
    for r in rows:
        r["events"] = " ".join([r["event_id"], *r["related"]])
    if rows:
        print_table([h for _, h in COLUMNS], [[r.get(k) for k, _ in COLUMNS] for r in rows])
    errors = sum(1 for r in rows if r["severity"] == "error")
    print(
        f"{plural(len(rows), 'finding')}: {plural(errors, 'error')}, "
        f"{plural(len(rows) - errors, 'warning')}",
        file=sys.stderr,
    )
    return 0
