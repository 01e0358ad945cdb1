"""One place decides, from a database URL, which database it is and how to reach it.

The event store (through the eventsourcing library's environment) and the read
models (through `store.database.Database`) must agree on the file or server a URL
names; both ask here, so SQLite versus PostgreSQL is settled once.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal
from urllib.parse import parse_qsl, unquote, urlparse

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


# libpq's TLS settings, from the URL's query (`?sslmode=verify-full&sslrootcert=ca.crt`).
# `Database` hands the URL to psycopg whole; the library's pool takes only host, port,
# user and password, so these reach it through `TLS_ENV` keys of ours (see
# `store.postgres_recorder.FamilyPostgresFactory`).
TLS_PARAMETERS = ("sslmode", "sslrootcert", "sslcert", "sslkey", "sslcrl", "sslpassword")
TLS_ENV = {name: f"CASEJOURNEY_PG_{name.upper()}" for name in TLS_PARAMETERS}


def postgres_tls(database_url: str) -> dict[str, str]:
    """The libpq TLS parameters a postgresql:// URL's query names."""
    query = dict(parse_qsl(urlparse(database_url).query))
    return {name: query[name] for name in TLS_PARAMETERS if name in query}


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
        **{TLS_ENV[name]: value for name, value in postgres_tls(database_url).items()},
    }
