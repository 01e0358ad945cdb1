"""One benchmark run: its scale, services, working directory and environment."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.scales import Scale
from bench.services import Postgres
from bench.synth import DataStats

# Source topics' partitions: divisible by the parallel pass's two consumers, so each
# gets an equal share (the default of 3 would split them 2:1).
PARTITIONS = 4


@dataclass
class Run:
    scale: Scale
    work: Path  # data files, SQLite stores, child logs
    postgres: Postgres
    kafka_address: str
    topic_prefix: str  # every topic of this run is "<prefix>csc.*"
    data: Path = field(init=False)
    stats: DataStats = field(default_factory=DataStats)
    figures: dict[str, Any] = field(default_factory=dict)
    steps: dict[str, Any] = field(default_factory=dict)  # seconds and load of each step
    notes: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.data = self.work / "events.jsonl"

    def env(self, database_url: str, group: str = "casejourney", **extra: str) -> dict[str, str]:
        """The environment a `casejourney` child process reads its settings from."""
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("CASEJOURNEY_", "KAFKA_"))
        }
        env.update(
            CASEJOURNEY_DATABASE_URL=database_url,
            KAFKA_BOOTSTRAP_SERVERS=self.kafka_address,
            CASEJOURNEY_TOPIC_PREFIX=self.topic_prefix,
            CASEJOURNEY_KAFKA_GROUP=f"{self.topic_prefix}{group}",
            CASEJOURNEY_TOPIC_PARTITIONS=str(PARTITIONS),
            PYTHONUNBUFFERED="1",
        )
        env.update(extra)
        return env

    def log(self, name: str) -> Path:
        return self.work / "logs" / name

    def note(self, text: str) -> None:
        self.notes.append(text)
        print(f"bench: {text}", flush=True)
