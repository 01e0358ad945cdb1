"""The composition root: settings in, wired parts out.

Everything that needs a store, a Kafka client or a projection gets it from here,
so a test can run the whole pipeline in one process by building one Container.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from casejourney.settings import Settings
from casejourney.store import FamilyStore


class Container:
    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings.from_env()
        self._closers: list[Any] = []

    @cached_property
    def store(self) -> FamilyStore:
        store = FamilyStore(self.settings.database_url, self.settings.aggregate_cache_size)
        self._closers.append(store)
        return store

    def close(self) -> None:
        while self._closers:
            self._closers.pop().close()

    def __enter__(self) -> Container:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
