"""The access log: who looked at what, append-only and hash-chained.

Every family page view, search, list view, export and audit replay on the dashboard
appends one row: who (user id), in which role, when, which family or list, which
page, what they did and whether it was allowed. Nothing free-typed is kept: a search
is logged as a search, never with what was typed.

Each row's hash covers its fields and the previous row's hash, so a changed, removed
or reordered row breaks the chain from there on (`verify`). Triggers refuse UPDATE
and DELETE; they stop mistakes, the chain is the evidence against a database owner.
`verify` prints an anchor (store/anchor.py) for the newest record: given back, it
proves the log still reaches that record unaltered.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from store.anchor import Anchor
from store.database import Database

TABLE = "cj_access_log"
FIELDS = ("at", "user_id", "role", "page", "action", "family_id", "list_name", "outcome")
GENESIS = "0" * 64
Row = dict[str, Any]

_SQLITE = [
    f"CREATE TABLE IF NOT EXISTS {TABLE} (seq INTEGER PRIMARY KEY, at TEXT NOT NULL, "
    "user_id TEXT NOT NULL, role TEXT NOT NULL, page TEXT NOT NULL, action TEXT NOT NULL, "
    "family_id TEXT, list_name TEXT, outcome TEXT NOT NULL, prev_hash TEXT NOT NULL, "
    "hash TEXT NOT NULL)",
    f"CREATE TRIGGER IF NOT EXISTS {TABLE}_no_update BEFORE UPDATE ON {TABLE} "
    "BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END",
    f"CREATE TRIGGER IF NOT EXISTS {TABLE}_no_delete BEFORE DELETE ON {TABLE} "
    "BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END",
]
_POSTGRES = [
    f"CREATE TABLE IF NOT EXISTS {TABLE} (seq BIGINT PRIMARY KEY, at TEXT NOT NULL, "
    "user_id TEXT NOT NULL, role TEXT NOT NULL, page TEXT NOT NULL, action TEXT NOT NULL, "
    "family_id TEXT, list_name TEXT, outcome TEXT NOT NULL, prev_hash TEXT NOT NULL, "
    "hash TEXT NOT NULL)",
    "CREATE OR REPLACE FUNCTION cj_access_log_refuse() RETURNS trigger LANGUAGE plpgsql AS "
    "$$ BEGIN RAISE EXCEPTION 'the access log is append-only'; END $$",
    f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE}",
    f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
    "FOR EACH ROW EXECUTE FUNCTION cj_access_log_refuse()",
]


def row_hash(prev_hash: str, fields: Sequence[Any]) -> str:
    body = json.dumps([prev_hash, *fields], separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(body.encode()).hexdigest()


@dataclass(frozen=True)
class AccessLogCheck:
    ok: bool
    records: int
    first_bad: int | None  # the seq where the chain first breaks (None: intact)
    problem: str = ""
    anchor: Anchor | None = None  # the last record's, to keep outside (None: empty)
    anchors_checked: int = 0


class AccessLog:
    """The access log table in the store's own database (SQLite or PostgreSQL)."""

    def __init__(self, database_url: str) -> None:
        self.db = Database(database_url)
        self._lock = threading.Lock()
        self._ready = False

    def _ensure(self) -> None:
        if self._ready:
            return
        if TABLE not in self.db.table_names():
            with self.db.transaction():
                for statement in _POSTGRES if self.db.is_postgres else _SQLITE:
                    self.db.execute(statement)
        self._ready = True

    def append(
        self,
        *,
        user_id: str,
        role: str,
        page: str,
        action: str,
        family_id: str | None = None,
        list_name: str | None = None,
        outcome: str = "allowed",
        at: datetime | None = None,
    ) -> int:
        """Append one record; its sequence number. Serialised across processes by the
        write transaction (SQLite's write lock, PostgreSQL's table lock)."""
        moment = (at or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="microseconds")
        fields = [moment, user_id, role, page, action, family_id, list_name, outcome]
        with self._lock:
            self._ensure()
            with self.db.transaction():
                if self.db.is_postgres:
                    self.db.execute(f"LOCK TABLE {TABLE} IN EXCLUSIVE MODE")
                last = self.db.rows(f"SELECT seq, hash FROM {TABLE} ORDER BY seq DESC LIMIT 1")
                seq = int(last[0]["seq"]) + 1 if last else 1
                prev = str(last[0]["hash"]) if last else GENESIS
                marks = ", ".join("?" for _ in range(len(FIELDS) + 3))
                self.db.execute(
                    f"INSERT INTO {TABLE} (seq, {', '.join(FIELDS)}, prev_hash, hash) "
                    f"VALUES ({marks})",
                    [seq, *fields, prev, row_hash(prev, fields)],
                )
        return seq

    def records(
        self,
        *,
        family_id: str | None = None,
        user_id: str | None = None,
        since: datetime | None = None,
        limit: int | None = None,
    ) -> list[Row]:
        """Records oldest first, filtered by family, user and time (none: no log yet)."""
        with self._lock:
            if TABLE not in self.db.table_names():
                return []
            clauses: list[str] = []
            params: list[Any] = []
            for column, value in (("family_id", family_id), ("user_id", user_id)):
                if value is not None:
                    clauses.append(f"{column} = ?")
                    params.append(value)
            if since is not None:
                clauses.append("at >= ?")
                params.append(since.astimezone(UTC).isoformat(timespec="microseconds"))
            where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
            sql = f"SELECT seq, {', '.join(FIELDS)} FROM {TABLE}{where} ORDER BY seq"
            if limit is not None:
                sql = (
                    f"SELECT * FROM (SELECT seq, {', '.join(FIELDS)} FROM {TABLE}{where} "
                    f"ORDER BY seq DESC LIMIT {int(limit)}) r ORDER BY seq"
                )
            return self.db.rows(sql, params)

    def verify(self, anchors: Sequence[Anchor] = ()) -> AccessLogCheck:
        """Walk the chain from the first record: every hash recomputed, every link held,
        and each anchor kept from an earlier run still in the log with its hash.
        Creates nothing: a store with no dashboard views yet has an empty log."""
        check = self._walk()
        if not check.ok:
            return check
        return _held(check, self._hashes([a.position for a in anchors]), anchors)

    def _hashes(self, seqs: Sequence[int]) -> dict[int, str]:
        if not seqs or TABLE not in self.db.table_names():
            return {}
        marks = ", ".join("?" for _ in seqs)
        with self._lock:
            rows = self.db.rows(f"SELECT seq, hash FROM {TABLE} WHERE seq IN ({marks})", seqs)
        return {int(r["seq"]): str(r["hash"]) for r in rows}

    def _walk(self) -> AccessLogCheck:
        with self._lock:
            if TABLE not in self.db.table_names():
                return AccessLogCheck(True, 0, None)
            rows = self.db.rows(
                f"SELECT seq, {', '.join(FIELDS)}, prev_hash, hash FROM {TABLE} ORDER BY seq"
            )
        prev, expected_seq = GENESIS, 1
        for row in rows:
            seq = int(row["seq"])
            if seq != expected_seq:
                return AccessLogCheck(False, len(rows), seq, f"record {expected_seq} is missing")
            if row["prev_hash"] != prev:
                return AccessLogCheck(False, len(rows), seq, "the chain is broken here")
            if row["hash"] != row_hash(prev, [row[f] for f in FIELDS]):
                return AccessLogCheck(False, len(rows), seq, "the record was altered")
            prev, expected_seq = row["hash"], seq + 1
        last = Anchor(expected_seq - 1, prev) if rows else None
        return AccessLogCheck(True, len(rows), None, anchor=last)

    def close(self) -> None:
        self.db.close()


def _held(
    check: AccessLogCheck, found: dict[int, str], anchors: Sequence[Anchor]
) -> AccessLogCheck:
    """The intact chain's check, failed at the first anchor it no longer holds."""
    for anchor in sorted(anchors, key=lambda a: a.position):
        if anchor.position not in found:
            problem = f"records up to {anchor.position} were kept in an anchor but are gone"
            return replace(check, ok=False, first_bad=check.records + 1, problem=problem)
        if found[anchor.position] != anchor.link:
            problem = "the log up to this anchor differs from when it was written down"
            return replace(check, ok=False, first_bad=anchor.position, problem=problem)
    return replace(check, anchors_checked=len(anchors))
