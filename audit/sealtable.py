"""The seal: the log chain's table, kept in the store's own database.

One row per sealed notification (its log id, family, stream position and chain
link), so a later walk can say exactly which sealed event was edited, deleted or
slipped in. Reached through the store's recorder (its own connection pool and its
schema), so it works wherever the store does (SQLite file or memory, PostgreSQL).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

from eventsourcing.persistence import IntegrityError

from domain.family import GENESIS
from store.family_store import FamilyStore

SEAL_TABLE = "casejourney_audit_seal"
PAGE = 20_000


@dataclass(frozen=True)
class SealEntry:
    notification_id: int
    family_id: str
    version: int
    link: str


class SealTable:
    def __init__(self, store: FamilyStore) -> None:
        self.recorder = store.recorder
        self.sqlite = store.dialect == "sqlite"
        self.name = self.recorder.own_table(SEAL_TABLE)
        self.mark = self.recorder.mark

    def _transaction(self, *, commit: bool) -> AbstractContextManager[Any]:
        return self.recorder.sql_transaction(commit=commit)

    def create(self) -> None:
        statement = (
            f"CREATE TABLE IF NOT EXISTS {self.name} ("
            "notification_id BIGINT PRIMARY KEY, family_id TEXT NOT NULL, "
            "originator_version BIGINT NOT NULL, link TEXT NOT NULL)"
        )
        index = f"CREATE INDEX IF NOT EXISTS {SEAL_TABLE}_family ON {self.name} (family_id)"
        for attempt in range(2):
            try:
                with self._transaction(commit=True) as cursor:
                    cursor.execute(statement)
                    cursor.execute(index)
                return
            except IntegrityError:  # PostgreSQL: two first runs racing to create it
                if attempt:
                    raise

    def head(self) -> tuple[int, str]:
        """The last sealed log position and its link; (0, genesis) before the first seal."""
        with self._transaction(commit=False) as cursor:
            cursor.execute(
                f"SELECT notification_id, link FROM {self.name} "
                "ORDER BY notification_id DESC LIMIT 1"
            )
            row = cursor.fetchone()
        if row is None:
            return 0, GENESIS
        return int(row["notification_id"]), str(row["link"])

    def entries(self) -> Iterator[SealEntry]:
        """Every sealed entry in log order, read a page at a time."""
        after = 0
        while True:
            with self._transaction(commit=False) as cursor:
                cursor.execute(
                    f"SELECT notification_id, family_id, originator_version, link FROM {self.name} "
                    f"WHERE notification_id > {self.mark} ORDER BY notification_id LIMIT {PAGE}",
                    (after,),
                )
                rows = cursor.fetchall()
            for row in rows:
                yield SealEntry(
                    int(row["notification_id"]),
                    str(row["family_id"]),
                    int(row["originator_version"]),
                    str(row["link"]),
                )
            if len(rows) < PAGE:
                return
            after = int(rows[-1]["notification_id"])

    def family_entries(self, labels: Sequence[str]) -> list[SealEntry]:
        """The sealed entries of one family (under any of its labels), in log order."""
        marks = ",".join([self.mark] * len(labels))
        with self._transaction(commit=False) as cursor:
            cursor.execute(
                f"SELECT notification_id, family_id, originator_version, link FROM {self.name} "
                f"WHERE family_id IN ({marks}) ORDER BY notification_id",
                tuple(labels),
            )
            rows = cursor.fetchall()
        return [
            SealEntry(
                int(r["notification_id"]),
                str(r["family_id"]),
                int(r["originator_version"]),
                str(r["link"]),
            )
            for r in rows
        ]

    def link_before(self, notification_id: int) -> str:
        """The link of the sealed entry just before a log position (genesis for the first)."""
        with self._transaction(commit=False) as cursor:
            cursor.execute(
                f"SELECT link FROM {self.name} WHERE notification_id < {self.mark} "
                "ORDER BY notification_id DESC LIMIT 1",
                (notification_id,),
            )
            row = cursor.fetchone()
        return GENESIS if row is None else str(row["link"])

    def append(self, entries: Sequence[SealEntry], after: int) -> bool:
        """Add entries that continue the seal from log position `after`.

        False (nothing written) when another run has moved the seal meanwhile.
        """
        if not entries:
            return True
        rows = [(e.notification_id, e.family_id, e.version, e.link) for e in entries]
        marks = ",".join([self.mark] * 4)
        try:
            with self._transaction(commit=True) as cursor:
                if not self.sqlite:
                    cursor.execute(f"LOCK TABLE {self.name} IN EXCLUSIVE MODE")
                cursor.execute(f"SELECT MAX(notification_id) AS head FROM {self.name}")
                row = cursor.fetchone()
                if int(row["head"] or 0) != after:
                    return False
                cursor.executemany(f"INSERT INTO {self.name} VALUES ({marks})", rows)
        except IntegrityError:
            return False
        return True
