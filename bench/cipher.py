"""Ingest and projection with and without CASEJOURNEY_CIPHER_KEY: the cost of the cipher.

    .venv/bin/python -m bench.cipher JOURNEYS.jsonl [--rounds N]

Records the file into a fresh store per run (plain and encrypted, the order swapped
each round, since a shared machine drifts), in batches as `casejourney ingest` does,
and projects each; prints events per second of every run.
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
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    runs = [("plain", None), ("cipher", new_cipher_key())]
    with tempfile.TemporaryDirectory() as tmp:
        for number in range(args.rounds):
            for label, key in runs if number % 2 == 0 else runs[::-1]:
                url = f"sqlite:///{Path(tmp) / f'{label}-{number}'}.db"
                ingest, project, n = run(args.journeys, url, key)
                print(
                    f"round {number + 1} {label:6} {n} events: ingest {n / ingest:,.0f}/s, "
                    f"project {n / project:,.0f}/s",
                    flush=True,
                )


if __name__ == "__main__":
    main()
