"""Ingest and projection with and without CASEJOURNEY_CIPHER_KEY: the cost of the cipher.

    .venv/bin/python -m bench.cipher JOURNEYS.jsonl [--database-url URL]

Records the file into a fresh store twice (plain, then encrypted), in batches as
`casejourney ingest` does, and projects each; prints events per second.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from casejourney.container import Container
from casejourney.settings import Settings
from consumers.files.jsonl import read_lines
from store.cipher_key import new_cipher_key


def run(path: Path, database_url: str, key: str | None) -> tuple[float, float, int]:
    events = [line.event for line in read_lines(path) if line.event is not None]
    with Container(Settings(database_url=database_url, cipher_key=key)) as container:
        started = time.perf_counter()
        for start in range(0, len(events), 500):
            container.store.record_batch(events[start : start + 500])
        ingest = time.perf_counter() - started
        started = time.perf_counter()
        container.projector.run_once()
        project = time.perf_counter() - started
    return ingest, project, len(events)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("journeys", type=Path)
    parser.add_argument("--database-url", help="a fresh database (default: SQLite files)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for label, key in (("plain", None), ("cipher", new_cipher_key())):
            url = args.database_url or f"sqlite:///{Path(tmp) / label}.db"
            ingest, project, n = run(args.journeys, url, key)
            print(f"{label:6} {n} events: ingest {n / ingest:,.0f}/s, project {n / project:,.0f}/s")


if __name__ == "__main__":
    main()
