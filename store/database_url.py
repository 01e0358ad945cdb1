"""One place decides, from a database URL, which database it is and how to reach it.

The event store (through the eventsourcing library's environment) and the read
models (through `store.database.Database`) must agree on the file or server a URL
names; both ask here, so SQLite versus PostgreSQL is settled once.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal
from urllib.parse import unquote, urlparse

Dialect = Literal["sqlite", "postgresql"]

# Our own infrastructure factories (eventsourcing's SQLite and PostgreSQL ones with
# our recorder subclasses), chosen the library's way: by PERSISTENCE_MODULE.
SQLITE_FACTORY = "store.sqlite_recorder:FamilySQLiteFactory"
POSTGRES_FACTORY = "store.postgres_recorder:FamilyPostgresFactory"


def dialect_of(database_url: str) -> Dialect:
    """ "sqlite" or "postgresql"; any other scheme is refused."""
    scheme = urlparse(database_url).scheme
    if scheme == "sqlite":
        return "sqlite"
    if scheme in {"postgresql", "postgres"}:
        return "postgresql"
    raise ValueError(
        f"CASEJOURNEY_DATABASE_URL must start with sqlite:/// or postgresql://, not {scheme!r}"
    )


def sqlite_path(database_url: str) -> str:
    """The file a sqlite:/// URL names (":memory:" for an in-memory database)."""
    url = urlparse(database_url)
    path = unquote(url.path)
    if url.netloc:  # sqlite://relative/path is read as netloc + path
        path = url.netloc + path
    return ":memory:" if path in {"", "/:memory:", ":memory:"} else path


def eventsourcing_env(database_url: str) -> dict[str, str]:
    """Translate a database URL into the eventsourcing library's environment."""
    if dialect_of(database_url) == "sqlite":
        path = sqlite_path(database_url)
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        return {
            "PERSISTENCE_MODULE": SQLITE_FACTORY,
            "SQLITE_DBNAME": path,
            "SQLITE_LOCK_TIMEOUT": "30",
        }
    url = urlparse(database_url)
    return {
        "PERSISTENCE_MODULE": POSTGRES_FACTORY,
        "POSTGRES_DBNAME": url.path.lstrip("/") or "casejourney",
        "POSTGRES_HOST": unquote(url.hostname or "localhost"),
        "POSTGRES_PORT": str(url.port or 5432),
        "POSTGRES_USER": unquote(url.username or "postgres"),
        "POSTGRES_PASSWORD": unquote(url.password or ""),
        "POSTGRES_POOL_SIZE": "4",
        "POSTGRES_MAX_OVERFLOW": "4",
    }
