"""`casejourney verify --read-models`: do the live read models say what the events say?

The event store is hash-chained and sealed, so `verify` finds a touched event.
The read models are derived, and a deleted or edited alert row, a forged
allocation or a changed date would pass unnoticed: the dashboard would show it
as fact. This replays every event recorded into a throwaway SQLite store (as
`projections.as_at` does for the past), rebuilds the read models there with the
projections' own code and the live deadline day, and compares every table row by
row with the live generation, naming each row that was added, deleted or edited
and which columns differ.

Alerts are a ledger (an alert the rules no longer give is kept, withdrawn, never
dropped), so a live withdrawn alert that the replay does not give is expected;
every active alert must match. The live read models must have caught up with the
store first, or the comparison would only show what they have not read yet.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from domain.rules.thresholds import Thresholds
from projections.runner import Projector
from projections.schema import FAMILY_TABLES, PROJECTION, TABLES, physical
from store.database import Database
from store.family_store import FamilyStore
from store.snapshot import snapshot_as_at
from store.sqlite_health import integrity_problems
from store.tracking import read_tracking

Key = tuple[Any, ...]


@dataclass(frozen=True)
class RowDifference:
    """One read-model row that is not what a replay computes (ids and column names only)."""

    table: str
    key: dict[str, Any]
    change: str  # "deleted" (replay has it, live not), "added" (live only), "edited"
    columns: tuple[str, ...] = ()

    def text(self) -> str:
        key = ", ".join(f"{k}={v}" for k, v in self.key.items())
        what = {"deleted": "missing from the live read models", "added": "not in a replay"}
        if self.change == "edited":
            return f"{self.table} [{key}]: edited ({', '.join(self.columns)} differ)"
        return f"{self.table} [{key}]: {what[self.change]}"


@dataclass
class ReadModelReport:
    """What `verify --read-models` found; ok when nothing differs and the file is sound."""

    position: int = 0  # the live read models' position in the event log
    head: int = 0  # the store's last notification id
    deadlines_on: str | None = None
    rows_compared: int = 0
    seconds: float = 0.0
    differences: list[RowDifference] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # could not compare, or a damaged file

    @property
    def ok(self) -> bool:
        return not self.differences and not self.problems


def _rows(db: Database, table: str, generation: int) -> dict[Key, tuple[Any, ...]]:
    spec = TABLES[table]
    names = spec.column_names
    where = [names.index(k) for k in spec.key]
    found: dict[Key, tuple[Any, ...]] = {}
    for row in db.execute(f"SELECT {', '.join(names)} FROM {physical(table, generation)}"):
        values = tuple(row)
        found[tuple(values[i] for i in where)] = values
    return found


def compare_table(
    table: str,
    live: dict[Key, tuple[Any, ...]],
    replay: dict[Key, tuple[Any, ...]],
) -> list[RowDifference]:
    """Row by row, by the table's key; alerts withdrawn in the ledger are not missing."""
    spec = TABLES[table]
    names = spec.column_names
    status = names.index("status") if "status" in names else None
    out: list[RowDifference] = []
    for key in sorted(live.keys() | replay.keys(), key=repr):
        ident = dict(zip(spec.key, key, strict=True))
        mine, theirs = live.get(key), replay.get(key)
        if mine is None:
            out.append(RowDifference(table, ident, "deleted"))
        elif theirs is None:
            if status is None or mine[status] == "active":
                out.append(RowDifference(table, ident, "added"))
        elif mine != theirs:
            changed = tuple(n for n, a, b in zip(names, mine, theirs, strict=True) if a != b)
            out.append(RowDifference(table, ident, "edited", changed))
    return out


def _day(text: str | None) -> date:
    return date.fromisoformat(text) if text else datetime.now(UTC).date()


def verify_read_models(
    store: FamilyStore, thresholds: Thresholds, *, tables: Iterable[str] | None = None
) -> ReadModelReport:
    """Compare the live read models in the store's database with a fresh replay."""
    began = time.perf_counter()
    report = ReadModelReport(head=store.max_notification_id())
    with Database(store.database_url) as db:
        if db.dialect == "sqlite":
            report.problems += [f"SQLite: {p}" for p in integrity_problems(db.path)]
        live = read_tracking(db, PROJECTION) if "cj_projection" in db.table_names() else None
        if live is None:
            report.problems.append("the read models have not been built (run `project`)")
            return report
        report.position, report.deadlines_on = live.position, live.deadlines_on
        if live.position < report.head:
            report.problems.append(
                f"the read models are {report.head - live.position} events behind the store: "
                "run `casejourney project`, then verify again"
            )
            return report
        day = _day(live.deadlines_on)
        names = list(tables) if tables is not None else [*FAMILY_TABLES, "alert_rows"]
        with snapshot_as_at(store, datetime.now(UTC)) as copy:
            replay = Projector(copy, thresholds=thresholds, clock=lambda: day, workers=1)
            try:
                replay.rebuild()
                replay.evaluate_deadlines(day)
                rebuilt = replay.live()
                assert rebuilt is not None
                for table in names:
                    mine = _rows(db, table, live.generation)
                    theirs = _rows(replay.db, table, rebuilt.generation)
                    report.rows_compared += len(mine)
                    report.differences += compare_table(table, mine, theirs)
            finally:
                replay.close()
    report.seconds = time.perf_counter() - began
    return report


def report_text(report: ReadModelReport, shown: int = 50) -> str:
    """For the console: the verdict, then each difference (ids and columns only)."""
    lines = [
        f"Read models at event {report.position:,} (store head {report.head:,}); "
        f"{report.rows_compared:,} rows compared with a replay in {report.seconds:.1f} s."
    ]
    lines += [f"  problem: {p}" for p in report.problems]
    lines += [f"  {d.text()}" for d in report.differences[:shown]]
    if len(report.differences) > shown:
        lines.append(f"  ... and {len(report.differences) - shown} more")
    if report.ok:
        lines.append("Read models match a replay of the event store.")
    else:
        lines.append(
            f"READ MODELS DIFFER: {len(report.differences)} rows; "
            f"{len(report.problems)} problems. Rebuild them (`casejourney rebuild`) "
            "after finding out how."
        )
    return "\n".join(lines)
