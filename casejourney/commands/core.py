"""Core subcommands: ingest, generate, family, summary."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from casejourney.commands.arguments import JSON_HELP, day, positive
from casejourney.commands.dashboard import redact
from casejourney.commands.output import count, print_table
from casejourney.container import Container
from consumers.files.ingest import IngestSummary, ingest_file
from domain.family_view import family_json, family_text
from domain.uk_dates import UK


def register(sub: Any) -> None:
    p = sub.add_parser("ingest", help="record JSON Lines contract events in the store")
    p.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="JSON Lines files")
    p.add_argument("--rejects", type=Path, help="rejects file (default: beside each input)")
    p.add_argument("--json", action="store_true", help="print each file's summary as JSON")
    p.set_defaults(handler=ingest)

    p = sub.add_parser("generate", help="write synthetic family journeys as JSON Lines")
    p.add_argument(
        "--families", type=positive, default=300, metavar="N", help="how many (default 300)"
    )
    p.add_argument(
        "--years",
        type=positive,
        default=3,
        metavar="N",
        help="years of history before --end (default 3)",
    )
    p.add_argument(
        "--seed",
        type=int,
        default=1,
        metavar="N",
        help="random seed: the same seed, the same file (default 1)",
    )
    p.add_argument(
        "--out", type=Path, required=True, metavar="FILE", help="the JSON Lines file to write"
    )
    p.add_argument(
        "--end",
        type=day,
        metavar="DATE",
        help="last business date (default 2026-03-31, so a seed always gives the same file)",
    )
    p.set_defaults(handler=generate)

    p = sub.add_parser("family", help="a family's chronology and current state")
    p.add_argument("family_id", metavar="FAMILY_ID", help="the family's id")
    p.add_argument("--json", action="store_true", help="print the family as JSON")
    p.add_argument("--as-at", metavar="DATETIME", help="as the store held it then (audit)")
    p.add_argument("--occurred-by", metavar="DATE", help="only what happened by this date")
    p.set_defaults(handler=show_family, reads_only=True)

    p = sub.add_parser("summary", help="counts of what the store holds")
    p.add_argument("--json", action="store_true", help=JSON_HELP)
    p.set_defaults(handler=summary, reads_only=True)


def ingest(args: argparse.Namespace, container: Container) -> int:
    total = IngestSummary()
    for path in args.paths:
        if not path.is_file():
            raise FileNotFoundError(f"no such file: {path}")
    for path in args.paths:
        rejects = args.rejects if args.rejects and len(args.paths) == 1 else None
        if args.rejects and len(args.paths) > 1:
            rejects = args.rejects.with_name(f"{path.name}.{args.rejects.name}")
        result = ingest_file(
            container.store, path, rejects, container.settings.batch_size, sys.stderr
        )
        _print_ingest(str(path), result, args.json)
        for name in ("read", "stored", "duplicates", "rejected"):
            setattr(total, name, getattr(total, name) + getattr(result, name))
    if len(args.paths) > 1:
        _print_ingest("total", total, args.json)
    return 1 if total.rejected else 0


def _print_ingest(what: str, result: IngestSummary, as_json: bool) -> None:
    if as_json:
        print(json.dumps({"file": what, **result.to_json()}))
        return
    print(
        f"{what}: read {count(result.read)}, stored {count(result.stored)}, "
        f"duplicates {count(result.duplicates)}, rejected {count(result.rejected)}"
        + (f" (see {result.rejects_file})" if result.rejects_file else "")
    )


def generate(args: argparse.Namespace, container: Container) -> int:
    from synthetic import generate as make_events
    from synthetic import write_jsonl

    events = make_events(args.families, args.years, args.seed, end=args.end)
    count = write_jsonl(events, args.out)
    print(f"wrote {count} events for {args.families} families to {args.out}")
    return 0


def show_family(args: argparse.Namespace, container: Container) -> int:
    if args.as_at or args.occurred_by:
        from casejourney.commands.audit import show_past_family

        return show_past_family(args, container)
    family = container.store.get(args.family_id)
    if family is None:
        print(f"casejourney: no family {args.family_id!r} in the store", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(family_json(family), indent=2, default=str))
    else:
        print(family_text(family, datetime.now(UK).date()))  # ages as of today, in the UK
    return 0


def summary(args: argparse.Namespace, container: Container) -> int:
    from store.census import store_census

    figures = store_census(container.store)
    database = redact(container.settings.database_url)
    if args.json:
        print(json.dumps({**figures, "database": database}, indent=2))
        return 0
    print(f"The store at {database} holds:")
    print_table(
        ["what", "how many"], [[key.replace("_", " "), count(n)] for key, n in figures.items()]
    )
    return 0
