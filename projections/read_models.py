"""The read models as one object: a database, the thresholds and severities, bound once.

The composition root builds one of these with the configured thresholds and hands
it to whatever shows figures (the dashboard), so a local target such as
CASEJOURNEY_PLO_TARGET_WEEKS=20 reaches every figure, list and flag: the queries
below it have no threshold defaults to fall back on.

Every read takes the viewer's `Scope` (projections.access; default: everything, for
the CLI and tests): the dashboard passes the signed-in user's, so what they may not
see never leaves the database.

One connection per object, behind a lock: readers cache their results, so the
database is touched rarely and serialising those touches costs nothing. A broken
connection (a restarted server) is replaced on the next read.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any, TypeVar

from domain.rules.severity import Severities
from domain.rules.thresholds import Thresholds
from projections import findings_query, queries
from projections.access import EVERYTHING, Scope
from store.database import Database

Row = dict[str, Any]
# The read models' version: generation, log position, day of the last deadline pass.
Version = tuple[int, int, str]
T = TypeVar("T")


class ReadModels:
    """Read-model queries with the thresholds bound; one shared connection."""

    def __init__(self, database_url: str, thresholds: Thresholds, severity: Severities) -> None:
        self.database_url = database_url
        self.thresholds = thresholds
        self.severity = severity
        self._lock = threading.Lock()
        self._db: Database | None = None

    @property
    def identity(self) -> str:
        """Names what these read models answer: their database and their thresholds
        (a cache shared by several must never hand one's answers to another)."""
        return f"{self.database_url}|{self.thresholds!r}|{self.severity!r}"

    @contextmanager
    def _open(self) -> Iterator[Database]:
        with self._lock:
            if self._db is None:
                self._db = Database(self.database_url)
            try:
                yield self._db
            except Exception:
                self._db.close()
                self._db = None
                raise

    def read(self, fn: Callable[[Database], T]) -> T:
        """Run `fn` on the shared connection (for the queries below, and tests)."""
        with self._open() as db:
            return fn(db)

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None

    # --- the projection itself ---------------------------------------------------

    def version(self) -> Version | None:
        """The version now: None until the first projection has built the tables."""

        def fetch(db: Database) -> Version | None:
            if not queries.ready(db):
                return None
            row = queries.status(db)
            return (int(row["generation"]), int(row["position"]), str(row["deadlines_on"] or ""))

        return self.read(fetch)

    def latest_business_date(self) -> date | None:
        return self.read(queries.latest_business_date)

    # --- headline figures and the lists behind them --------------------------------

    def indicators(
        self, start: date, end: date, team: str | None = None, *, scope: Scope = EVERYTHING
    ) -> list[Row]:
        th = self.thresholds
        return self.read(
            lambda db: queries.indicators(db, start, end, team=team, th=th, scope=scope)
        )

    def monthly_indicators(
        self, start: date, end: date, team: str | None = None, *, scope: Scope = EVERYTHING
    ) -> list[tuple[date, list[Row]]]:
        th = self.thresholds
        return self.read(
            lambda db: queries.monthly_indicators(db, start, end, team=team, th=th, scope=scope)
        )

    def members(
        self,
        key: str,
        start: date,
        end: date,
        team: str | None = None,
        limit: int | None = None,
        *,
        scope: Scope = EVERYTHING,
    ) -> list[Row]:
        th = self.thresholds
        return self.read(
            lambda db: queries.members(
                db, key, start, end, team=team, th=th, limit=limit, scope=scope
            )
        )

    # --- alerts ----------------------------------------------------------------------

    def teams(self, *, scope: Scope = EVERYTHING) -> list[str]:
        return self.read(lambda db: queries.teams(db, scope=scope))

    def alert_kinds(self, *, scope: Scope = EVERYTHING) -> list[str]:
        return [r["kind"] for r in self.read(lambda db: queries.alert_counts(db, scope=scope))]

    def alerts(self, *, scope: Scope = EVERYTHING, **filters: Any) -> list[Row]:
        """`queries.alerts` with its filters (kind, team, since, until, acknowledged...),
        each row with its `severity` as configured."""
        return self._rank(self.read(lambda db: queries.alerts(db, scope=scope, **filters)))

    def _rank(self, rows: list[Row]) -> list[Row]:
        for row in rows:
            row["severity"] = self.severity.of(row["kind"])
        return rows

    # --- families --------------------------------------------------------------------

    def search(self, text: str, *, scope: Scope = EVERYTHING) -> list[Row]:
        return self.read(lambda db: queries.search(db, text, scope=scope))

    def family_access(self, family_id: str, *, scope: Scope = EVERYTHING) -> str:
        """'allowed', 'refused' or 'missing': whether the viewer may open the family."""
        return self.read(lambda db: queries.family_access(db, family_id, scope))

    def family(self, family_id: str, *, scope: Scope = EVERYTHING) -> Row | None:
        """The family's summary, its rows by table (`family_work` included) and alerts;
        None when there is no such family or it is outside `scope`."""

        def fetch(db: Database) -> Row | None:
            if queries.family_access(db, family_id, scope) != "allowed":
                return None
            found = queries.family(db, family_id)
            if found is not None:
                found["work"] = queries.family_work(db, family_id)
                found["chronology"] = queries.chronology(db, family_id)
                self._rank(found["alerts"])
            return found

        return self.read(fetch)

    def network(self, family_id: str, steps: int = 1, *, scope: Scope = EVERYTHING) -> Row:
        def fetch(db: Database) -> Row:
            if queries.family_access(db, family_id, scope) != "allowed":
                return {"family_id": family_id, "families": [], "links": [], "outside": 0}
            return queries.network(db, family_id, steps, scope=scope)

        return self.read(fetch)

    def recorded_span(
        self, family_id: str, *, scope: Scope = EVERYTHING
    ) -> tuple[datetime, datetime] | None:
        def fetch(db: Database) -> tuple[datetime, datetime] | None:
            if queries.family_access(db, family_id, scope) != "allowed":
                return None
            return queries.recorded_span(db, family_id)

        return self.read(fetch)

    # --- practice lists --------------------------------------------------------------

    def plo_tracker(
        self, as_of: date, team: str | None = None, *, scope: Scope = EVERYTHING
    ) -> list[Row]:
        th = self.thresholds
        return self.read(lambda db: queries.plo_tracker(db, as_of, team=team, th=th, scope=scope))

    def drift_lists(
        self,
        as_of: date,
        team: str | None = None,
        limit: int | None = None,
        only: Sequence[str] = queries.DRIFT_LISTS,
        *,
        scope: Scope = EVERYTHING,
    ) -> dict[str, queries.Listed]:
        th = self.thresholds
        return self.read(
            lambda db: queries.drift_lists(
                db, as_of, team=team, limit=limit, only=only, th=th, scope=scope
            )
        )

    # --- data-quality findings -------------------------------------------------------

    def findings(self, as_of: date, **filters: Any) -> list[Row]:
        """`findings_query.findings` true on `as_of` (family_id, rule, severity, team,
        limit), with the configured grace period for facts awaiting their anchor."""
        grace = self.thresholds.anchor_grace_days
        return self.read(
            lambda db: findings_query.findings(db, as_of=as_of, grace_days=grace, **filters)
        )

    def finding_counts(
        self, as_of: date, team: str | None = None, *, scope: Scope = EVERYTHING
    ) -> dict[str, int]:
        grace = self.thresholds.anchor_grace_days
        return self.read(
            lambda db: findings_query.finding_counts(
                db, as_of=as_of, grace_days=grace, team=team, scope=scope
            )
        )
