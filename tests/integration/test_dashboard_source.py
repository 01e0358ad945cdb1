"""The composition root's dashboard source: what the Streamlit process is handed."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from casejourney.container import Container
from casejourney.dashboard_source import ContainerSource
from casejourney.settings import AlertSettings, KafkaSettings, Settings
from projections.access import EVERYTHING, Scope
from projections.outbox import Outbox
from store.database import Database
from tests.browser.demo_store import build_demo_store


def _settings(tmp_path: Path) -> Settings:
    # Kafka configured (nothing listens: neither side may connect to build its parts).
    return Settings(
        database_url=f"sqlite:///{tmp_path / 'store.db'}",
        kafka=KafkaSettings(bootstrap_servers="127.0.0.1:9"),
        alerts=AlertSettings(plo_target_weeks=20),
    )


def test_a_container_hands_its_projector_the_publisher_and_thresholds(tmp_path: Path) -> None:
    with Container(_settings(tmp_path)) as container:
        assert isinstance(container.publisher, Outbox)
        assert container.projector.publisher is container.publisher
        assert container.projector.thresholds is container.settings.alerts
        assert container.read_models.thresholds is container.settings.alerts


def test_the_dashboard_process_never_builds_a_kafka_producer(tmp_path: Path) -> None:
    source = ContainerSource.from_settings(_settings(tmp_path))
    try:
        assert source.container.publisher is None
        assert source.container.projector.publisher is None
        assert source.read_models.thresholds.plo_target_weeks == 20
        assert source.read_models.version() is None  # nothing projected yet
    finally:
        source.close()


def test_the_audit_replay_and_check_refuse_a_family_outside_the_viewers_scope(
    tmp_path: Path,
) -> None:
    # The Audit page checks scope before it asks; the source checks again, so no page
    # (or a future one) can replay another team's family by asking the source directly.
    url = build_demo_store(tmp_path / "demo", families=20, seed=5)
    source = ContainerSource(Container(Settings(database_url=url)))
    try:
        with Database(url) as db:
            row = db.rows("SELECT family_id, team FROM rm_families ORDER BY family_id")[0]
        family_id, team = row["family_id"], row["team"]
        now = datetime.now(UTC)
        own, other = Scope(teams=frozenset({team})), Scope(teams=frozenset({"No Such Team"}))
        assert source.family_as_at(family_id, now, own) is not None
        assert source.verify_family(family_id, own) is not None
        assert source.family_as_at(family_id, now, other) is None
        assert source.verify_family(family_id, other) is None
        assert source.family_as_at(family_id, now, Scope(family_pages=False)) is None
        # a family the read models do not hold: only an unlimited scope may replay it
        assert source.family_as_at("FAM-NOT-PROJECTED", now, other) is None
        assert source.verify_family("FAM-NOT-PROJECTED", EVERYTHING) is not None
    finally:
        source.close()
