"""The bounds of an acceptable record (docs/contract.md): what every later stage can carry.

An event accepted at the door is stored, projected, rendered and exported for
years; one value that a later stage cannot handle (NaN in SQL, a NUL byte on
PostgreSQL, a date whose time zone overflows, a 5,000-digit integer) would stop
every projection run after it. So the door refuses anything outside these
bounds, and every stage after it may rely on them.
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date
from typing import Any

MAX_RECORD_BYTES = 256 * 1024  # one line of a file or one Kafka message value
MAX_DEPTH = 16  # nesting of objects and arrays, the record itself at depth 1
MAX_TEXT_CHARS = 20_000  # any one string (free text included)
MAX_KEY_CHARS = 128  # any one object key
MAX_ITEMS = 2_000  # members of any one object or array
MAX_INT_DIGITS = 15  # integers stay exact as IEEE doubles (|n| < 2**53): JSON's safe range
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2100, 12, 31)
# Business time is when something happened: a record dated beyond this many days
# after it reaches us is a typing error (2062 for 2026), not a fact.
MAX_DAYS_AHEAD = 366

_SAFE_INT = 10**MAX_INT_DIGITS
# eventsourcing's JSON transcoder writes a datetime or UUID as an object of exactly
# these two keys and reads every such object back as that type: a source's object of
# this shape would read back as something else, or make its family unreadable.
TYPE_MARKER = frozenset({"_type_", "_data_"})


# NUL, C0 controls but tab and line breaks, DEL, C1 controls, lone surrogates.
_TEXT_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_ASCII_CONTROLS = re.compile("[\x00-\x1f\x7f]")


def has_control_characters(value: str) -> bool:
    """Any control, format (e.g. bidirectional override), surrogate or unassigned
    character: never acceptable in an id, a code or a name, where it could forge
    a log line or hide one id behind another. (ASCII, the usual case, by one regex.)"""
    if value.isascii():
        return _ASCII_CONTROLS.search(value) is not None
    return any(unicodedata.category(char)[0] == "C" for char in value)


# A place in the record, kept as (parent place, key) and written out only for a reason.
Place = tuple[Any, str] | None


def value_problem(value: Any, known: frozenset[str] = frozenset()) -> str | None:
    """Why a decoded JSON value lies outside the bounds, or None. Walks iteratively,
    so depth is checked without recursion; never quotes what it finds, and names a
    field only when its key is one of the `known` field names. (On every record at
    the door: places are written out only when a reason needs one.)"""
    stack: list[tuple[Any, int, Place]] = [(value, 1, None)]
    while stack:
        item, depth, place = stack.pop()
        kind = type(item)
        if kind is str:
            if len(item) > MAX_TEXT_CHARS:
                return f"{_where(place, known)} is longer than {MAX_TEXT_CHARS} characters"
            if _TEXT_CONTROLS.search(item) is not None:
                return (
                    f"{_where(place, known)} holds a NUL, control or unpaired surrogate character"
                )
        elif kind is dict or kind is list:
            problem = _container_problem(item, depth, known)
            if problem:
                return f"{_where(place, known)} {problem}"
            if kind is dict:
                stack.extend((member, depth + 1, (place, key)) for key, member in item.items())
            else:
                stack.extend((member, depth + 1, (place, "[]")) for member in item)
        elif item is None or kind is bool:
            continue
        elif kind is int:
            if not -_SAFE_INT < item < _SAFE_INT:
                return f"{_where(place, known)} is an integer of more than {MAX_INT_DIGITS} digits"
        elif kind is float:
            if not math.isfinite(item):
                return f"{_where(place, known)} is not a finite number"
        else:
            return f"{_where(place, known)} is not a JSON value"
    return None


def _container_problem(item: Any, depth: int, known: frozenset[str]) -> str | None:
    if depth > MAX_DEPTH:
        return f"is nested deeper than {MAX_DEPTH} levels"
    if len(item) > MAX_ITEMS:
        return f"holds more than {MAX_ITEMS} members"
    if type(item) is not dict:
        return None
    if len(item) == 2 and item.keys() == TYPE_MARKER:
        return (
            "is an object of exactly the keys _type_ and _data_, which the store's "
            "encoding reserves for its own types"
        )
    for key in item:
        if key in known:
            continue
        if type(key) is not str:
            return "has a key that is not a string"
        if len(key) > MAX_KEY_CHARS or has_control_characters(key):
            return "has a key that is too long or holds control characters"
    return None


def _where(place: Place, known: frozenset[str]) -> str:
    """A field's place for a reason: contract fields by name, any other key (which a
    source could fill with anything) as "(an extra field)"."""
    parts: list[str] = []
    while place is not None:
        place, key = place
        parts.append(key if key in known or key == "[]" else "(an extra field)")
    if not parts:
        return "record"
    out = ""
    for part in reversed(parts):
        out += part if not out or part == "[]" else f".{part}"
    return out
