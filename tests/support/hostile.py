"""A corpus of hostile records: each breaks a bound of docs/contract.md in its own way.

Shared by the unit tests of the door (domain.json_text, domain.contract) and the
ingest and Kafka tests, so every way in refuses the same shapes. `SECRET` is in
each record somewhere a careless reason would quote it.
"""

from __future__ import annotations

import json
from typing import Any

from tests.support.events import raw

SECRET = "Jane Smith disclosed"


def referral(event_id: str, **changes: Any) -> dict[str, Any]:
    record = raw("ReferralReceived", "2024-01-05", event_id=event_id, referral_id="R1", source="2A")
    record["family_id"] = "FH"
    record["child_id"] = "CH"
    record.update(changes)
    return record


def _text(record: dict[str, Any]) -> bytes:
    return json.dumps(record).encode("utf-8")


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


# (name, bytes of one record, a fragment of the reason it must be refused for)
HOSTILE: list[tuple[str, bytes, str]] = [
    ("NaN in an extra field", _text(referral("h1")).replace(b'"h1"', b'"h1", "x": NaN'), "NaN"),
    ("Infinity", _text(referral("h2")).replace(b'"h2"', b'"h2", "x": -Infinity'), "NaN"),
    ("1e400 overflows", _text(referral("h3")).replace(b'"h3"', b'"h3", "x": 1e400'), "finite"),
    (
        "5,000-digit integer",
        _text(referral("h4")).replace(b'"h4"', b'"h4", "x": ' + b"9" * 5000),
        "digits",
    ),
    (
        "20-digit integer",
        _text(referral("h5")).replace(b'"h5"', b'"h5", "x": ' + b"9" * 20),
        "digits",
    ),
    (
        "deep nesting",
        _text(referral("h6")).replace(b'"h6"', b'"h6", "x": ' + _nested(50_000).encode()),
        "nested",
    ),
    (
        "moderate nesting",
        _text(referral("h7")).replace(b'"h7"', b'"h7", "x": ' + _nested(40).encode()),
        "nested",
    ),
    (
        "year 9999 with a time zone",
        _text(referral("h8", occurred_at="9999-12-31T23:59:59-12:00")),
        "occurred_at",
    ),
    ("year 1", _text(referral("h9", occurred_at="0001-01-01T00:00:00+14:00")), "occurred_at"),
    ("far future", _text(referral("h10", occurred_at="2099-01-01")), "future"),
    ("NUL in free text", _text(referral("h11", note=SECRET + "\u0000")), "NUL"),
    (
        "lone surrogate",
        _text(referral("h12")).replace(b'"h12"', b'"h12", "x": "\\ud800"'),
        "surrogate",
    ),
    ("newline in the event id", _text(referral("h13\nrejected h14: forged " + SECRET)), "event_id"),
    ("ANSI escape in the family id", _text(referral("h15", family_id="F\u001b[2J")), "family_id"),
    ("bidi override in a child id", _text(referral("h16", child_id="C\u202e1")), "child_id"),
    (
        "duplicate key",
        b'{"event_id": "h17", "event_id": "h18", "event_type": "ReferralReceived"}',
        "repeats a key",
    ),
    ("schema version holds a name", _text(referral("h19", schema_version=SECRET)), "schema"),
    (
        "code field holds a name",
        _text(referral("h20", payload={"referral_id": "R1", "source": SECRET})),
        "known code",
    ),
    ("event type holds a name", _text(referral("h21", event_type=SECRET)), "event type"),
    ("huge string", _text(referral("h22", note="x" * 30_000)), "longer than"),
    (
        "key with control characters",
        _text(referral("h23")).replace(b'"h23"', b'"h23", "a\\u0007": 1'),
        "key",
    ),
    ("not UTF-8", b'{"event_id": "h24", "x": "\xff\xfe"}', "UTF-8"),
    ("empty object", b"{}", "event_id"),
    ("a bare number", b"12", "not a JSON object"),
    ("truncated", _text(referral("h25"))[:-5], "not valid JSON"),
    (
        "the store's own type marker",
        _text(referral("h26", when={"_type_": "datetime_iso", "_data_": "2024-01-02"})),
        "_type_ and _data_",
    ),
]

GOOD = [referral("good-1"), referral("good-2", referral_id="R2")]
