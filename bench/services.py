"""The services a run needs, started by the run and stopped at its end.

PostgreSQL is a throwaway cluster (the test suite's `PostgresCluster`, fsync off
as there). Kafka is the repository's development broker (`scripts/kafka.sh`) in a
private state directory, so a benchmark never meets a test run's broker; or an
existing broker given by address, with topics under a prefix of their own.
"""

from __future__ import annotations

import os
import re
import subprocess
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from bench.procs import ROOT
from tests.support.postgres import PostgresCluster, _pg_bin

KAFKA_SH = ROOT / "scripts" / "kafka.sh"
DEFAULT_KAFKA_DIR = "/tmp/cj-bench-kafka"


class Postgres(AbstractContextManager["Postgres"]):
    def __init__(self) -> None:
        self.cluster = PostgresCluster()

    def __enter__(self) -> Postgres:
        self.cluster.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.cluster.stop()

    def database(self, name: str) -> str:
        return self.cluster.create_database(name)

    @staticmethod
    def binary() -> str:
        return _pg_bin("postgres")


class Kafka(AbstractContextManager["Kafka"]):
    """The private broker (started and removed here), or one given by address."""

    def __init__(self, address: str | None = None, state_dir: str = DEFAULT_KAFKA_DIR) -> None:
        self.address = address
        self.owned = address is None
        self.env = {**os.environ, "CASEJOURNEY_KAFKA_DIR": state_dir}

    def _sh(self, command: str) -> str:
        out = subprocess.run(
            [str(KAFKA_SH), command], env=self.env, capture_output=True, text=True, check=False
        )
        if out.returncode != 0:
            raise RuntimeError(f"scripts/kafka.sh {command} failed: {out.stderr.strip()[-1500:]}")
        return out.stdout.strip()

    def __enter__(self) -> Kafka:
        if self.owned:
            for attempt in range(3):  # `up` can fail on a random cluster id; try again
                try:
                    self._sh("up")
                    break
                except RuntimeError:
                    if attempt == 2:
                        raise
            self.address = self._sh("address")
        return self

    def __exit__(self, *exc: Any) -> None:
        if self.owned:
            self._sh("down")

    @staticmethod
    def version() -> str:
        pom = (ROOT / "infra" / "kafka" / "pom.xml").read_text()
        found = re.search(r"<kafka.version>([^<]+)</kafka.version>", pom)
        return found.group(1) if found else "unknown"


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"
