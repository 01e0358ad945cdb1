"""`casejourney access-log`: who looked at what on the dashboard, from the access log.

Reads the append-only, hash-chained log (store/access_log.py) that every family page
view, search, list view, export and audit replay appends to; `casejourney verify`
checks its chain. Prints ids, roles, pages and times only: the log holds no free text.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from audit.moments import parse_moment
from casejourney.commands.output import plural, print_table
from casejourney.container import Container
from store.access_log import AccessLog


def register(sub: Any) -> None:
    p = sub.add_parser("access-log", help="who viewed, searched or exported what (auditors)")
    p.add_argument("--family", help="only records about this family")
    p.add_argument("--user", help="only records of this user id")
    p.add_argument(
        "--since", metavar="DATETIME", help="only records from then on (ISO 8601; UK time)"
    )
    p.add_argument("--json", action="store_true", help="JSON Lines, one record a line")
    p.set_defaults(handler=show_access_log, reads_only=True)


COLUMNS = (
    ("seq", "#"),
    ("at", "when"),
    ("user_id", "user"),
    ("role", "role"),
    ("page", "page"),
    ("action", "action"),
    ("family_id", "family"),
    ("list_name", "list"),
    ("outcome", "outcome"),
)


def show_access_log(args: argparse.Namespace, container: Container) -> int:
    since = parse_moment(args.since) if args.since else None
    log = AccessLog(container.settings.database_url)
    try:
        rows = log.records(family_id=args.family, user_id=args.user, since=since)
    finally:
        log.close()
    if args.json:
        for row in rows:
            print(json.dumps({c: row.get(c) for c, _ in COLUMNS}))
        return 0
    if rows:
        print_table([h for _, h in COLUMNS], [[row.get(c) for c, _ in COLUMNS] for row in rows])
    print(plural(len(rows), "record"), file=sys.stderr)
    return 0
