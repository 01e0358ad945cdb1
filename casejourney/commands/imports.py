"""`casejourney import annex-a|cin-census`: bring in the returns councils already make."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from casejourney.container import Container
from consumers.rejects import RejectsFile, default_rejects_path
from consumers.returns.families import load_family_map, own_family
from consumers.returns.run import import_files
from consumers.returns.source_file import SourceFile
from consumers.returns.summary import FileReport, ImportReport


def register(sub: Any) -> None:
    p = sub.add_parser("import", help="import statutory returns: Ofsted Annex A, DfE CIN census")
    kinds = p.add_subparsers(dest="kind", required=True, metavar="RETURN")
    annex = kinds.add_parser("annex-a", help="Ofsted Annex A workbooks (.xlsx) or lists as .csv")
    census = kinds.add_parser("cin-census", help="DfE children-in-need census XML returns")
    for q, handler in ((annex, import_annex_a), (census, import_cin_census)):
        q.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="the files to import")
        q.add_argument("--families", type=Path, metavar="MAP.csv", help="child id -> family id")
        q.add_argument(
            "--as-of",
            type=date.fromisoformat,
            help="the date the files speak for (default: census reference date, or the"
            " latest date in each Annex A file); newer files correct older ones",
        )
        q.add_argument("--rejects", type=Path, help="rejects file (default: beside the first file)")
        q.add_argument("--summary", type=Path, help="summary JSON (default: beside the first file)")
        q.set_defaults(handler=handler)


def import_annex_a(args: argparse.Namespace, container: Container) -> int:
    from consumers.returns.annex_a.workbook import read_annex_a

    return _run(args, container, lambda path: read_annex_a(path, as_of=args.as_of))


def import_cin_census(args: argparse.Namespace, container: Container) -> int:
    from consumers.returns.cin_census.census import read_cin_census

    return _run(args, container, lambda path: read_cin_census(path, as_of=args.as_of))


def _run(args: argparse.Namespace, container: Container, read: Callable[[Path], SourceFile]) -> int:
    for path in args.paths:
        if not path.is_file():
            raise FileNotFoundError(f"no such file: {path}")
    family_of = load_family_map(args.families) if args.families else own_family
    files = [read(path) for path in args.paths]
    first = args.paths[0]
    with RejectsFile(args.rejects or default_rejects_path(first)) as rejects:
        readable = [f for f in files if f.error is None]
        report = import_files(
            container.store, readable, family_of, rejects, container.settings.batch_size
        )
    for f in files:
        if f.error is not None:
            report.files.append(FileReport(f.file, f.source, error=f.error))
            print(f"casejourney: {f.file}: {f.error}", file=sys.stderr)
    report.rejects_file = rejects.written()
    report.alerts_run = _run_projections(container)
    report.write(args.summary or first.with_name(first.name + ".summary.json"))
    print("\n".join(report_lines(report)))
    if report.failed_files:
        return 2
    return 1 if report.rejected else 0


def _run_projections(container: Container) -> bool:
    """Raise alerts on what was imported, as the stream would, when the
    projections are wired into the container."""
    projector = getattr(container, "projector", None)
    if projector is None:
        return False
    projector.run_once()
    return True


SHOWN_DROPPED = 50  # findings printed per file; every one is in the summary JSON


def dropped_lines(f: FileReport) -> list[str]:
    """Each optional field dropped with its row kept: where, which field, why (the
    summary JSON's `dropped`), so a data lead sees them without opening the JSON."""
    if not f.dropped:
        return []
    lines = [f"  {len(f.dropped)} fields dropped, their rows kept:"]
    for finding in f.dropped[:SHOWN_DROPPED]:
        lines.append(
            f"    dropped: {finding['section']} {finding['where']}: {finding['field']}"
            f" ({finding['reason']})"
        )
    if len(f.dropped) > SHOWN_DROPPED:
        lines.append(f"    ... and {len(f.dropped) - SHOWN_DROPPED} more in the summary JSON")
    return lines


def report_lines(report: ImportReport) -> list[str]:
    """The summary a data lead reads: what was recognised, ignored and done."""
    lines: list[str] = []
    for f in report.files:
        if f.error:
            lines.append(f"{f.file}: REFUSED: {f.error}")
            continue
        lines.append(f"{f.file} ({f.source}, as of {f.as_of})")
        rec = f.recognition
        for sheet in rec.get("sheets", []):
            lines.append(
                f"  sheet {sheet['sheet']!r}: list {sheet['list']} ({sheet['title']}),"
                f" header on row {sheet['header_row']}"
            )
            read = ", ".join(f"{h!r} -> {name}" for h, name in sheet["columns"].items())
            lines.append(f"    read: {read}")
            for header, why in sheet["ignored"].items():
                lines.append(f"    ignored: {header!r} ({why})")
            if sheet["not_found"]:
                lines.append(f"    not in this sheet: {', '.join(sheet['not_found'])}")
        for name, why in rec.get("ignored_sheets", {}).items():
            lines.append(f"  sheet {name!r} ignored: {why}")
        if rec.get("reference_date"):
            lines.append(f"  reference date {rec['reference_date']}")
        for path, count in rec.get("elements_read", {}).items():
            lines.append(f"  element read: {path} ({count})")
        for path, why in rec.get("elements_ignored", {}).items():
            lines.append(f"  element ignored: {path} ({why})")
        for section, counts in f.sections.items():
            lines.append(f"  {section}: {counts.line()}")
        lines += dropped_lines(f)
    if report.relinked.get("children"):
        moved = report.relinked
        lines.append(
            f"moved {moved['events']} earlier imported events of {moved['children']} children"
            " from their own families into the families the map gives"
        )
    if report.rejects_file:
        lines.append(f"rejected {report.rejected}: see {report.rejects_file}")
    lines.append("alerts raised from the imported events" if report.alerts_run else "")
    return [line for line in lines if line]
