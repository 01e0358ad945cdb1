"""An in-memory cache bounded by entries and by their total weight.

Both the writer (families) and the projector (families with their read-model rows)
keep recently touched families in memory. Families differ a hundredfold in length,
so a bound on how many are held does not bound memory: each entry is weighed (by
its records) and the oldest go first once either bound is passed. An entry must
not change weight while it is held: take it out (`pop`) to change it.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

V = TypeVar("V")


class BoundedCache(Generic[V]):
    def __init__(self, max_entries: int, max_weight: int, weight: Callable[[V], int]) -> None:
        self.max_entries = max_entries
        self.max_weight = max_weight
        self._weigh = weight
        self._entries: OrderedDict[str, V] = OrderedDict()
        self.weight = 0  # the total weight of the entries held

    def get(self, key: str) -> V | None:
        return self._entries.get(key)

    def pop(self, key: str) -> V | None:
        value = self._entries.pop(key, None)
        if value is not None:
            self.weight -= self._weigh(value)
        return value

    def put(self, key: str, value: V) -> None:
        """Hold `value` as the newest entry, then let the oldest go while over a bound."""
        self.pop(key)
        self._entries[key] = value
        self.weight += self._weigh(value)
        while self._entries and (
            len(self._entries) > self.max_entries or self.weight > self.max_weight
        ):
            _, oldest = self._entries.popitem(last=False)
            self.weight -= self._weigh(oldest)

    def clear(self) -> None:
        self._entries.clear()
        self.weight = 0

    def values(self) -> list[V]:
        return list(self._entries.values())

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)


def count_one(_: object) -> int:
    """The weight of an entry when only the number of entries matters."""
    return 1
