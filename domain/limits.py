"""The bounds of an acceptable record (docs/contract.md): what every later stage can carry.

An event accepted at the door is stored, projected, rendered and exported for
years; one value that a later stage cannot handle (NaN in SQL, a NUL byte on
PostgreSQL, a date whose time zone overflows, a 5,000-digit integer) would stop
every projection run after it. So the door refuses anything outside these
bounds, and every stage after it may rely on them.
"""

from __future__ import annotations

import math
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


def _controls_in_text(value: str) -> bool:
    """NUL, lone surrogates and control characters other than tab and line breaks."""
    for char in value:
        code = ord(char)
        if code < 0x20 and char not in "\t\n\r":
            return True
        if code == 0x7F or 0x80 <= code < 0xA0 or 0xD800 <= code < 0xE000:
            return True
    return False


def has_control_characters(value: str) -> bool:
    """Any control, format (e.g. bidirectional override), surrogate or unassigned
    character: never acceptable in an id, a code or a name, where it could forge
    a log line or hide one id behind another."""
    return any(unicodedata.category(char)[0] == "C" for char in value)


def value_problem(value: Any, known: frozenset[str] = frozenset()) -> str | None:
    """Why a decoded JSON value lies outside the bounds, or None. Walks iteratively,
    so depth is checked without recursion; never quotes what it finds, and names a
    field only when its key is one of the `known` field names."""
    stack: list[tuple[Any, int, str]] = [(value, 1, "record")]
    while stack:
        item, depth, where = stack.pop()
        if isinstance(item, str):
            if len(item) > MAX_TEXT_CHARS:
                return f"{where} is longer than {MAX_TEXT_CHARS} characters"
            if _controls_in_text(item):
                return f"{where} holds a NUL, control or unpaired surrogate character"
        elif isinstance(item, bool) or item is None:
            continue
        elif isinstance(item, int):
            if not -_SAFE_INT < item < _SAFE_INT:
                return f"{where} is an integer of more than {MAX_INT_DIGITS} digits"
        elif isinstance(item, float):
            if not math.isfinite(item):
                return f"{where} is not a finite number"
        elif isinstance(item, dict | list):
            if depth > MAX_DEPTH:
                return f"{where} is nested deeper than {MAX_DEPTH} levels"
            if len(item) > MAX_ITEMS:
                return f"{where} holds more than {MAX_ITEMS} members"
            if isinstance(item, dict):
                if len(item) == 2 and item.keys() == TYPE_MARKER:
                    return (
                        f"{where} is an object of exactly the keys _type_ and _data_, which "
                        "the store's encoding reserves for its own types"
                    )
                for key, member in item.items():
                    if not isinstance(key, str):
                        return f"{where} has a key that is not a string"
                    if len(key) > MAX_KEY_CHARS or has_control_characters(key):
                        return f"{where} has a key that is too long or holds control characters"
                    stack.append((member, depth + 1, _path(where, key, known)))
            else:
                stack.extend((member, depth + 1, f"{where}[]") for member in item)
        else:
            return f"{where} is not a JSON value"
    return None


def _path(where: str, key: str, known: frozenset[str]) -> str:
    """A field's place for a reason: a contract field by name, any other key (which
    a source could fill with anything) as "an extra field"."""
    shown = key if key in known else "(an extra field)"
    return shown if where == "record" else f"{where}.{shown}"
