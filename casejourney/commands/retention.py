"""`casejourney retention run` and `casejourney subject-access`: the record's end and a
child's own copy of it.

Retention destroys the data keys of families past the schedule (store/retention.py),
logs each erasure in the access log, and rebuilds the read models so what they
held of those families' personal values goes too (their counts stay). Subject access
writes one child's record as files and logs that it was done.
"""

from __future__ import annotations

import argparse
import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from casejourney.commands.arguments import JSON_HELP
from casejourney.container import Container
from store.access_log import AccessLog
from store.private_files import private_dir, write_private
from store.retention import run_retention

CLI_ROLE = "operator"  # the CLI has no sign-in: whoever runs it is an operator


def register(sub: Any) -> None:
    p = sub.add_parser("retention", help="destroy the keys of families past retention")
    actions = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    run = actions.add_parser("run", help="judge every family by the retention schedule")
    run.add_argument("--as-at", type=date.fromisoformat, metavar="DATE", help="default: today")
    run.add_argument("--dry-run", action="store_true", help="list what is due; erase nothing")
    run.add_argument("--json", action="store_true", help=JSON_HELP)
    run.set_defaults(handler=retention_run, reads_only=True)

    p = sub.add_parser("subject-access", help="write one child's record as files")
    p.add_argument("child_id", help="the child's id, as the store holds it")
    p.add_argument(
        "--out",
        required=True,
        type=Path,
        metavar="DIR",
        help="the folder to write the files into (created 0700; the files 0600)",
    )
    p.set_defaults(handler=subject_access, reads_only=True)


def retention_run(args: argparse.Namespace, container: Container) -> int:
    as_at = args.as_at or datetime.now(UTC).date()
    run = run_retention(container.store, container.settings.retention, as_at, dry_run=args.dry_run)
    if not args.dry_run and run.due:
        log = AccessLog(container.settings.database_url)
        try:
            for family_id, _ in run.due:
                _log(log, container, "retention", "erase", family_id)
        finally:
            log.close()
        container.projector.rebuild()
    due = [
        {"family_id": f, "until": r.until.isoformat(), "rule": r.rule, "child_id": r.child_id}
        for f, r in run.due
    ]
    if args.json:
        data = {"as_at": as_at.isoformat(), "dry_run": args.dry_run, "checked": run.checked}
        print(json.dumps({**data, "due": due}, indent=2))
        return 0
    verb = "due (dry run, nothing erased)" if args.dry_run else "erased"
    print(f"retention on {as_at}: {run.checked} families checked, {len(due)} {verb}")
    for item in due:
        print(f"  {item['family_id']}\tkept until {item['until']}\t{item['rule']}")
    return 0


def _log(log: AccessLog, container: Container, page: str, action: str, family_id: str) -> None:
    log.append(
        user_id=container.settings.local_user,
        role=CLI_ROLE,
        page=page,
        action=action,
        family_id=family_id,
    )


def _about(record: dict[str, Any], child_id: str) -> bool:
    return record.get("child_id") == child_id or child_id in (
        record.get("payload", {}).get("child_ids") or ()
    )


def subject_access(args: argparse.Namespace, container: Container) -> int:
    models = container.read_models
    found = [r for r in models.search(args.child_id) if r["matched"] == "child"]
    family_id = next((r["family_id"] for r in found if r["id"] == args.child_id), None)
    if family_id is None:
        raise ValueError(f"no child {args.child_id} in the read models (run casejourney project)")
    family = container.store.get(family_id)
    summary = models.family(family_id) or {}
    log = AccessLog(container.settings.database_url)
    try:
        access = log.records(family_id=family_id)
        _log(log, container, "subject-access", "export", family_id)
    finally:
        log.close()
    today = datetime.now(UTC).date()
    parts = {
        "events": [r for r in (family.records if family else []) if _about(r, args.child_id)],
        "child": [r for r in summary.get("children_rows", []) if r["child_id"] == args.child_id],
        "chronology": [r for r in summary.get("chronology", []) if _about(r, args.child_id)],
        "alerts": [r for r in summary.get("alerts", []) if r.get("child_id") == args.child_id],
        "findings": [
            r
            for r in models.findings(today, family_id=family_id)
            if r.get("child_id") in (args.child_id, None)
        ],
        "access_log": access,
    }
    out = private_dir(args.out)
    for name, rows in parts.items():
        write_private(out / f"{name}.json", json.dumps(rows, indent=2, default=str) + "\n")
    counts = ", ".join(f"{len(rows)} {name}" for name, rows in parts.items())
    print(f"wrote {args.child_id}'s record to {out}: {counts}")
    return 0
