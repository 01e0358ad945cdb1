"""Core subcommands: ingest, generate, family, summary."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any

from casejourney.container import Container
from consumers.files.ingest import IngestSummary, ingest_file
from domain.family_view import family_json, family_text
from domain.uk_dates import UK


def register(sub: Any) -> None:
    p = sub.add_parser("ingest", help="record JSON Lines contract events in the store")
    p.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    p.add_argument("--rejects", type=Path, help="rejects file (default: beside each input)")
    p.set_defaults(handler=ingest)

    p = sub.add_parser("generate", help="write synthetic family journeys as JSON Lines")
    p.add_argument("--families", type=int, default=300)
    p.add_argument("--years", type=int, default=3)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument(
        "--end",
        type=date.fromisoformat,
        help="last business date (default 2026-03-31, so a seed always gives the same file)",
    )
    p.set_defaults(handler=generate)

    p = sub.add_parser("family", help="a family's chronology and current state")
    p.add_argument("family_id")
    p.add_argument("--json", action="store_true")
    p.add_argument("--as-at", metavar="DATETIME", help="as the store held it then (audit)")
    p.add_argument("--occurred-by", metavar="DATE", help="only what happened by this date")
    p.set_defaults(handler=show_family, reads_only=True)

    p = sub.add_parser("summary", help="counts of what the store holds")
    p.add_argument("--json", action="store_true")
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
        print(
            f"{path}: read {result.read}, stored {result.stored}, "
            f"duplicates {result.duplicates}, rejected {result.rejected}"
            + (f" (see {result.rejects_file})" if result.rejects_file else "")
        )
        for name in ("read", "stored", "duplicates", "rejected"):
            setattr(total, name, getattr(total, name) + getattr(result, name))
    if len(args.paths) > 1:
        print(
            f"total: read {total.read}, stored {total.stored}, "
            f"duplicates {total.duplicates}, rejected {total.rejected}"
        )
    return 1 if total.rejected else 0


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
    figures["database"] = container.settings.database_url
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        for key, value in figures.items():
            print(f"{key:>12}: {value}")
    return 0
