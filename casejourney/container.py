"""The composition root: settings in, wired parts out.

Everything that needs a store, a Kafka client, a projection or the read models
gets it from here, so a test can run the whole pipeline in one process by
building one Container. The thresholds are read once, from the settings, and
handed to the projector and the read models alike: nothing below this module
has a default of its own to disagree with.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any

from casejourney.settings import Settings
from store.family_store import FamilyStore

if TYPE_CHECKING:
    from projections.publishing import AlertSink
    from projections.read_models import ReadModels
    from projections.runner import Projector


class Container:
    """`publish_alerts=False` builds a projector with no publisher whatever the settings
    say (the dashboard's process: its alerts wait in the outbox for one that has)."""

    def __init__(self, settings: Settings | None = None, *, publish_alerts: bool = True) -> None:
        self.settings = settings or Settings.from_env()
        self.publish_alerts = publish_alerts
        self._closers: list[Any] = []

    @cached_property
    def store(self) -> FamilyStore:
        store = FamilyStore(
            self.settings.database_url,
            self.settings.aggregate_cache_size,
            cipher_key=self.settings.cipher_key,
        )
        self._closers.append(store)
        return store

    @cached_property
    def publisher(self) -> AlertSink | None:
        """Sends queued alerts to csc.alerts when Kafka is configured (and this process
        publishes); the projector that is handed it closes it."""
        if not self.publish_alerts or not self.settings.kafka.bootstrap_servers:
            return None
        from consumers.kafka.alerts import KafkaAlerts
        from projections.outbox import Outbox

        return Outbox(KafkaAlerts(self.settings.kafka))

    @cached_property
    def projector(self) -> Projector:
        """Follows the store's notification log into the read models (and csc.alerts)."""
        from projections.runner import Projector

        projector = Projector(
            self.store,
            thresholds=self.settings.alerts,
            publisher=self.publisher,
            batch_size=self.settings.project_batch,
            batch_families=self.settings.project_batch_families,
            cache_families=self.settings.project_cache_families,
            cache_events=self.settings.project_cache_events,
        )
        self._closers.append(projector)
        return projector

    @cached_property
    def read_models(self) -> ReadModels:
        """The read-model queries with the configured thresholds and severities bound."""
        from projections.read_models import ReadModels

        models = ReadModels(
            self.settings.database_url, self.settings.alerts, self.settings.severity
        )
        self._closers.append(models)
        return models

    def close(self) -> None:
        while self._closers:
            self._closers.pop().close()

    def __enter__(self) -> Container:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
