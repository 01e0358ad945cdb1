"""Each family's data key, and the store's own, wrapped by the master key in a key table.

The store's data key is what the library's cipher encrypts every stored event with;
the master key (CASEJOURNEY_CIPHER_KEY) only wraps keys, so rotating it rewraps this
table and rewrites no event (the log's seal, over the stored bytes, still holds).

The key seals the family's personal values (store.sealing). Retention destroys it:
the wrapped key is overwritten with NULL and the day and rule recorded, so the
sealed values can never be opened again while the events, their hash chains and
their non-personal facts stay. SQLite erases with `secure_delete` (the old bytes
are zeroed in the file); PostgreSQL vacuums the table after an erasure (copies
taken before, and its write-ahead log until recycled, still hold the wrapped key:
the master key protects them).
"""

from __future__ import annotations

import os
import threading
from base64 import b64decode, b64encode
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from uuid import UUID

from domain.family import family_uuid
from store.bounded_cache import BoundedCache, count_one
from store.cipher_key import AesGcm
from store.database import Database

TABLE = "cj_family_keys"
PAGE = 500
CACHE = 100_000  # families whose keys a process keeps unwrapped (about 200 bytes each)
STORE = "store"  # the row of the store's own data key (never a family's uuid hex)
WRONG_KEY = (
    "CASEJOURNEY_CIPHER_KEY does not decrypt this event store (another key, or a store "
    "kept unencrypted)"
)


@dataclass(frozen=True)
class Erasure:
    family_id: str
    erased_on: str
    rule: str


class FamilyKeys:
    """The key table: one data key per family, created on its first event."""

    def __init__(self, database_url: str, master_key: str) -> None:
        self.db = Database(database_url)
        self.master = AesGcm.of_text(master_key)
        # By stream (uuid hex): (key,), or (None,) once erased. Bounded, as the heads are.
        self._cache: BoundedCache[tuple[AesGcm | None]] = BoundedCache(CACHE, CACHE, count_one)
        # Family id -> stream: uuid5 costs 40 µs, asked for every family of a batch.
        self._streams: BoundedCache[str] = BoundedCache(CACHE, CACHE, count_one)
        self._lock = threading.Lock()
        if TABLE not in self.db.table_names():
            self.db.execute(
                f"CREATE TABLE IF NOT EXISTS {TABLE} (stream TEXT PRIMARY KEY, "
                "family_id TEXT NOT NULL, wrapped_key TEXT, created_at TEXT NOT NULL, "
                "erased_on TEXT, rule TEXT)"
            )

    def store_key(self) -> str:
        """The store's data key (base64, as the library's cipher takes it), made on first
        use; ValueError when the master key is not the one that wrapped it."""
        now = datetime.now(UTC).isoformat()
        self.db.execute(
            f"INSERT INTO {TABLE} (stream, family_id, wrapped_key, created_at) "
            "VALUES (?, ?, ?, ?) ON CONFLICT (stream) DO NOTHING",
            (STORE, STORE, self._wrap(os.urandom(32)), now),
        )
        wrapped = self.db.scalar(f"SELECT wrapped_key FROM {TABLE} WHERE stream = ?", (STORE,))
        try:
            return b64encode(self.master.decrypt(b64decode(wrapped))).decode("ascii")
        except ValueError:
            raise ValueError(WRONG_KEY) from None

    def rewrap(self, new_master_key: str) -> int:
        """Key rotation: every live key wrapped again by a new master key, in one
        transaction; how many keys."""
        new = AesGcm.of_text(new_master_key)
        with self._lock, self.db.transaction():
            rows = self.db.rows(
                f"SELECT stream, wrapped_key FROM {TABLE} WHERE wrapped_key IS NOT NULL"
            )
            self.db.executemany(
                f"UPDATE {TABLE} SET wrapped_key = ? WHERE stream = ?",
                [
                    (
                        b64encode(
                            new.encrypt(self.master.decrypt(b64decode(r["wrapped_key"])))
                        ).decode("ascii"),
                        r["stream"],
                    )
                    for r in rows
                ],
            )
        self.master = new
        return len(rows)

    def _load(self, streams: Sequence[str]) -> None:
        for start in range(0, len(streams), PAGE):
            page = streams[start : start + PAGE]
            marks = ", ".join("?" for _ in page)
            for row in self.db.rows(
                f"SELECT stream, wrapped_key FROM {TABLE} WHERE stream IN ({marks})", page
            ):
                wrapped = row["wrapped_key"]
                key = None if wrapped is None else self.master.decrypt(b64decode(wrapped))
                self._cache.put(row["stream"], (None if key is None else AesGcm.of_key(key),))

    def keys(self, family_ids: Sequence[str], *, create: bool = False) -> dict[str, AesGcm | None]:
        """The data key of each family (None: erased), read in one query for those not
        cached; with `create`, a new key for each family that has none. Two writers
        creating one family's key keep the first: each reads back the stored one."""
        with self._lock:
            streams = {f: self._stream(f) for f in family_ids}
            missing = [s for s in dict.fromkeys(streams.values()) if self._cache.get(s) is None]
            if missing:
                self._load(missing)
            new = [(f, s) for f, s in streams.items() if self._cache.get(s) is None]
            if create and new:
                now = datetime.now(UTC).isoformat()
                with self.db.transaction():
                    self.db.executemany(
                        f"INSERT INTO {TABLE} (stream, family_id, wrapped_key, created_at) "
                        "VALUES (?, ?, ?, ?) ON CONFLICT (stream) DO NOTHING",
                        [(s, f, self._wrap(os.urandom(32)), now) for f, s in new],
                    )
                self._load([s for _, s in new])
            found = {f: self._cache.get(s) for f, s in streams.items()}
            return {f: entry[0] for f, entry in found.items() if entry is not None}

    def _stream(self, family_id: str) -> str:
        stream = self._streams.get(family_id)
        if stream is None:
            stream = family_uuid(family_id).hex
            self._streams.put(family_id, stream)
        return stream

    def _wrap(self, key: bytes) -> str:
        return b64encode(self.master.encrypt(key)).decode("ascii")

    def of_stream(self, stream: UUID) -> AesGcm | None:
        """A stream's key; None when erased or never made (nothing of it is sealed)."""
        with self._lock:
            entry = self._cache.get(stream.hex)
            if entry is None:
                self._load([stream.hex])
                entry = self._cache.get(stream.hex)
            return None if entry is None else entry[0]

    def live(self) -> list[str]:
        """Every family whose key still exists."""
        rows = self.db.rows(
            f"SELECT family_id FROM {TABLE} WHERE wrapped_key IS NOT NULL AND stream <> ?",
            (STORE,),
        )
        return sorted(r["family_id"] for r in rows)

    def erasures(self) -> list[Erasure]:
        rows = self.db.rows(
            f"SELECT family_id, erased_on, rule FROM {TABLE} WHERE wrapped_key IS NULL "
            "ORDER BY erased_on, family_id"
        )
        return [Erasure(r["family_id"], r["erased_on"], r["rule"]) for r in rows]

    def erase(self, erasures: Sequence[tuple[str, date, str]]) -> None:
        """Destroy these families' keys, recording the day and the retention rule."""
        if not erasures:
            return
        with self._lock:
            if not self.db.is_postgres:
                self.db.execute("PRAGMA secure_delete = ON")
            with self.db.transaction():
                self.db.executemany(
                    f"UPDATE {TABLE} SET wrapped_key = NULL, erased_on = ?, rule = ? "
                    "WHERE stream = ? AND wrapped_key IS NOT NULL",
                    [(d.isoformat(), rule, family_uuid(f).hex) for f, d, rule in erasures],
                )
            if self.db.is_postgres:
                self.db.execute(f"VACUUM {TABLE}")
            else:
                self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            for family_id, _, _ in erasures:
                self._cache.put(self._stream(family_id), (None,))

    def close(self) -> None:
        self.db.close()
