"""Crypto-shredding: each family's personal content sealed with the family's own key.

What is personal in a contract event: a child's birth date, free text (a
correction's, retraction's or acknowledgement's reason, a supervision change's note,
an action's summary) and whatever a source sent beyond the contract (`extra`).
Those values are sealed (AES-GCM, the family's data key) *before* the family
records the event, so its hash chain covers the sealed text: destroying the key
erases them and leaves every chain verifiable. Codes, dates of events, ids and
counts stay readable, so figures stay countable after an erasure.
"""

from __future__ import annotations

import json
from base64 import b64decode, b64encode
from collections.abc import Callable
from dataclasses import replace
from typing import Any
from uuid import UUID

from domain.contract import ContractEvent
from domain.family import Family
from store.cipher_key import AesGcm
from store.codec import Decoded, Decoder
from store.family_keys import FamilyKeys

PREFIX = "sealed:v1:"
FREE_TEXT_REASON = frozenset({"RecordCorrected", "RecordRetracted", "AlertAcknowledged"})

Transform = Callable[[Any], Any]


def seal_value(key: AesGcm, value: Any) -> str:
    return PREFIX + b64encode(key.encrypt(json.dumps(value).encode())).decode("ascii")


def unseal_value(key: AesGcm | None, value: Any) -> Any:
    """The value sealed in `value`; None when the key is destroyed (erased). A value
    that is not sealed (recorded before keys were in use) is returned as it is."""
    if not (isinstance(value, str) and value.startswith(PREFIX)):
        return value
    if key is None:
        return None
    return json.loads(key.decrypt(b64decode(value[len(PREFIX) :])))


def _payload(event_type: str, payload: dict[str, Any], each: Transform) -> dict[str, Any]:
    """The payload with each personal value passed through `each` (seal or unseal)."""
    out = dict(payload)
    if "birth_date" in out:
        out["birth_date"] = each(out["birth_date"])
    if event_type in FREE_TEXT_REASON and "reason" in out:
        out["reason"] = each(out["reason"])
    if isinstance(out.get("replacement"), dict) and isinstance(
        out["replacement"].get("payload"), dict
    ):
        inner = out["replacement"]
        out["replacement"] = {**inner, "payload": _payload(event_type, inner["payload"], each)}
    for name, text in (("changes", "note"), ("actions", "summary")):
        if isinstance(out.get(name), list):
            out[name] = [
                {**item, text: each(item[text])}
                if isinstance(item, dict) and text in item
                else item
                for item in out[name]
            ]
    return out


def has_personal(event: ContractEvent) -> bool:
    """Whether the event holds a personal value (asked of every event: no copies)."""
    payload = event.payload
    return bool(
        event.extra
        or "birth_date" in payload
        or (event.event_type in FREE_TEXT_REASON and "reason" in payload)
        or "replacement" in payload
        or "changes" in payload
        or "actions" in payload
    )


def seal_event(key: AesGcm, event: ContractEvent) -> ContractEvent:
    """The event with its personal values sealed (`extra` as one sealed value)."""

    def each(value: Any) -> Any:
        return seal_value(key, value)

    extra = {"sealed": each(event.extra)} if event.extra else {}
    return replace(event, payload=_payload(event.event_type, event.payload, each), extra=extra)


def unseal_record(key: AesGcm | None, record: dict[str, Any]) -> dict[str, Any]:
    """A stored record with its personal values opened (None once erased)."""

    def each(value: Any) -> Any:
        return unseal_value(key, value)

    out = dict(record)
    out["payload"] = _payload(record["event_type"], record["payload"], each)
    extra = record.get("extra")
    if isinstance(extra, dict) and set(extra) == {"sealed"}:
        out["extra"] = each(extra["sealed"]) or {}
    return out


def is_sealed(record: dict[str, Any]) -> bool:
    """Whether a stored record holds any sealed value (so needs its family's key)."""
    found: list[bool] = []

    def each(value: Any) -> Any:
        found.append(isinstance(value, str) and value.startswith(PREFIX))
        return value

    _payload(record["event_type"], record["payload"], each)
    extra = record.get("extra")
    return any(found) or (isinstance(extra, dict) and "sealed" in extra)


# --- what the store does with them ---------------------------------------------------


def seal_batch(
    keys: FamilyKeys, batch: list[ContractEvent], family_ids: list[str]
) -> tuple[list[ContractEvent], set[str]]:
    """The batch with each event's personal values sealed by its family's key (one
    query for the batch's keys, new families' keys made), and the families erased
    under retention, whose events are refused."""
    found = keys.keys(family_ids, create=True)
    erased = {f for f, key in found.items() if key is None}
    sealed = [
        seal_event(key, e) if (key := found.get(e.family_id)) and has_personal(e) else e
        for e in batch
    ]
    return sealed, erased


def unsealing(decode: Decoder, keys: FamilyKeys) -> Decoder:
    """`decode` with each record's personal values opened by its family's key."""

    def opened(topic: str, version: int, state: bytes, originator_id: Any) -> Decoded:
        event_type, v, family_id, record = decode(topic, version, state, originator_id)
        if record is not None and is_sealed(record):
            oid = originator_id if isinstance(originator_id, UUID) else UUID(originator_id)
            record = unseal_record(keys.of_stream(oid), record)
        return event_type, v, family_id, record

    return opened


def open_family(keys: FamilyKeys, family: Family) -> Family:
    """The family with its personal values opened (None once erased); its records keep
    the chain hashes of the sealed values."""
    if any(is_sealed(r) for r in family.records):
        key = keys.of_stream(family.id)
        family.records = [unseal_record(key, r) for r in family.records]
        family._state = None
    return family
