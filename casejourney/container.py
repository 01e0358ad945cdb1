"""The composition root: settings in, wired parts out.

Everything that needs a store, a Kafka client or a projection gets it from here,
so a test can run the whole pipeline in one process by building one Container.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any

from casejourney.settings import Settings
from store.family_store import FamilyStore

if TYPE_CHECKING:
    from projections.runner import Projector


class Container:
    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings.from_env()
        self._closers: list[Any] = []

    @cached_property
    def store(self) -> FamilyStore:
        store = FamilyStore(
            self.settings.database_url,
            self.settings.aggregate_cache_size,
            self.settings.aggregate_cache_events,
        )
        self._closers.append(store)
        return store

    @cached_property
    def projector(self) -> Projector:
        """Follows the store's notification log into the read models (and csc.alerts)."""
        from projections.runner import Projector

        projector = Projector(self)
        self._closers.append(projector)
        return projector

    def close(self) -> None:
        while self._closers:
            self._closers.pop().close()

    def __enter__(self) -> Container:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
