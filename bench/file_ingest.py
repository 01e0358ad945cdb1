"""Figure 2: `casejourney ingest` of the JSON Lines file into SQLite and PostgreSQL.

Timed from outside as the command's wall time (interpreter start included: a user
waits for all of it), each into a fresh store.
"""

from __future__ import annotations

from typing import Any

from bench.context import Run
from bench.procs import cli, run
from bench.services import sqlite_url


def ingest(r: Run, url: str, label: str) -> dict[str, Any]:
    done = run(
        cli("ingest", str(r.data), "--json", "--rejects", str(r.work / f"rejects-{label}.jsonl")),
        r.env(url),
        r.log(f"ingest-{label}"),
    )
    summary = done.json() or {}
    if done.returncode != 0 or summary.get("stored") != r.stats.events:
        raise RuntimeError(
            f"ingest into {label} did not store every event: {summary} {done.stderr}"
        )
    return {
        "events": r.stats.events,
        "seconds": round(done.seconds, 2),
        "rate": r.stats.events / done.seconds,
        "peak_rss_mib": round(done.peak_rss_mib, 1),
        "cpu_seconds": round(done.cpu_seconds, 1),
    }


def sqlite(r: Run) -> tuple[str, dict[str, Any]]:
    path = r.work / "ingest.db"
    for stale in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        stale.unlink(missing_ok=True)
    url = sqlite_url(path)
    return url, ingest(r, url, "sqlite")


def postgres(r: Run) -> tuple[str, dict[str, Any]]:
    url = r.postgres.database("file_ingest")
    return url, ingest(r, url, "postgresql")
