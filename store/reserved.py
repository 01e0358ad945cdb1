"""Shapes the store's own encoding reserves, refused before they are recorded.

eventsourcing's JSON transcoder writes a value it has a transcoding for (a datetime,
a UUID) as an object of exactly two keys, `_type_` and `_data_`, and reads every such
object back as that type. A contract event whose JSON holds an object of that shape
(in its payload, extra fields or recorded_by) is stored as sent, then read back as
something else: an unknown `_type_` makes the family unreadable (its page, audit,
`family`), a known one silently turns the object into a datetime or UUID that the
projections, reading plain JSON, never see. Found through the door (domain.limits lets
it through); the store refuses it, so nothing it records reads back differently.
"""

from __future__ import annotations

from typing import Any

import orjson

from domain.contract import ContractEvent

MARKER = frozenset({"_type_", "_data_"})
REASON = (
    "holds an object of exactly the keys _type_ and _data_, which the store's encoding "
    "reserves for its own types"
)


def holds_type_marker(value: Any) -> bool:
    """Whether any object nested in `value` has exactly the keys `_type_` and `_data_`."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if len(item) == 2 and item.keys() == MARKER:
                return True
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def reserved_shape(event: ContractEvent) -> str | None:
    """The reason this event cannot be stored as sent, or None. The walk runs only when
    the key appears at all: serialising in C is several times cheaper than walking."""
    values = [event.payload, event.extra, event.recorded_by]
    try:
        maybe = b'"_type_"' in orjson.dumps(values)
    except orjson.JSONEncodeError:  # beyond 64 bits (the door's bound is lower): walk
        maybe = True
    return REASON if maybe and holds_type_marker(values) else None
