"""A store holding demo-like data for the dashboard tests: synthetic families, projected.

Real parts only: the synthetic generator's JSON Lines, ingested by the real
file consumer into a real SQLite store, projected by the real projector. Kafka
is left out (no publisher) so building a store never writes to a broker.
"""

from __future__ import annotations

import os
from pathlib import Path

from casejourney.container import Container
from casejourney.settings import Settings
from consumers.files.ingest import ingest_file
from consumers.kafka.settings import KafkaSettings
from store.database import Database
from synthetic import generate, write_jsonl

DEMO_FAMILIES = 150
DEMO_YEARS = 3
DEMO_SEED = 2019


def store_settings(database_url: str) -> Settings:
    """Settings for the store at `database_url`, with no Kafka whatever the environment says."""
    return Settings(database_url=database_url, kafka=KafkaSettings())


def build_demo_store(
    directory: Path,
    families: int = DEMO_FAMILIES,
    years: int = DEMO_YEARS,
    seed: int = DEMO_SEED,
    database_url: str | None = None,
) -> str:
    """Generate, ingest and project into `database_url` (default: a SQLite file in
    `directory`); returns the store's database URL."""
    directory.mkdir(parents=True, exist_ok=True)
    events = directory / "events.jsonl"
    write_jsonl(generate(families, years, seed), events)
    url = database_url or f"sqlite:///{directory / 'store.db'}"
    with Container(store_settings(url)) as container, open(os.devnull, "w") as quiet:
        summary = ingest_file(container.store, events, errors=quiet)
        if summary.rejected:
            raise AssertionError(f"the synthetic data had {summary.rejected} rejected events")
        container.projector.run_once()
    return url


def team_families(store_url: str, team: str) -> set[str]:
    """The families a team's scope reaches: the team's own, or with a child allocated to
    it (as projections.access.Scope.clause reads it), for tests to check scope against."""
    with Database(store_url) as db:
        return {
            r["family_id"]
            for r in db.rows(
                "SELECT family_id FROM rm_families WHERE team = ? "
                "UNION SELECT family_id FROM rm_children WHERE team = ?",
                [team, team],
            )
        }
