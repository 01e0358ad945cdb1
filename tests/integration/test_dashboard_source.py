"""The composition root's dashboard source: what the Streamlit process is handed."""

from __future__ import annotations

from pathlib import Path

from casejourney.container import Container
from casejourney.dashboard_source import ContainerSource
from casejourney.settings import AlertSettings, KafkaSettings, Settings
from projections.outbox import Outbox


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
