"""Sealing a family's personal values: exactly the personal fields are sealed, the
chain covers the sealed text, opening gives back the event, a destroyed key gives
None, and a sealed value opened with another family's key is refused."""

from __future__ import annotations

import os
from dataclasses import replace

import pytest

from domain.family import Family
from store.cipher_key import AesGcm
from store.sealing import PREFIX, has_personal, is_sealed, seal_event, unseal_record
from tests.support.events import ev
from tests.support.journeys import rich_family

KEY = AesGcm.of_key(os.urandom(32))


def records_of(events: list) -> list[dict]:
    family = Family("F1")
    family.record_many(events)
    return family.records


def test_only_personal_values_are_sealed() -> None:
    events = rich_family()
    personal = {e.event_id for e in events if has_personal(e)}
    assert personal == {"e01", "e02", "e34", "e35", "e36"} | {
        e.event_id for e in events if e.event_type == "SupervisionRecorded"
    }
    sealed = {e.event_id: seal_event(KEY, e) for e in events}
    child = sealed["e01"].payload
    assert child["birth_date"].startswith(PREFIX) and child["sex"] == "F"
    assert sealed["e17"].payload["reason"] == "RC7"  # a closure reason is a code, kept
    assert sealed["e36"].payload["reason"].startswith(PREFIX)
    assert sealed["e36"].payload["alert_id"] == "AL-1"


def test_the_chain_covers_the_sealed_text_and_opening_restores_the_event() -> None:
    events = rich_family()
    plain = records_of(events)
    sealed = records_of([seal_event(KEY, e) for e in events])
    assert all(is_sealed(r) == has_personal(e) for r, e in zip(sealed, events, strict=True))
    assert [r["chain"] for r in sealed] != [r["chain"] for r in plain]
    opened = [unseal_record(KEY, r) for r in sealed]
    assert [r["payload"] for r in opened] == [r["payload"] for r in plain]


def test_a_source_s_extra_fields_are_sealed_whole_and_opened_whole() -> None:
    event = ev("ReferralReceived", "2024-01-08", referral_id="R9", source="1B")
    event = replace(event, extra={"worker_note": "free text"})
    [record] = records_of([seal_event(KEY, event)])
    assert set(record["extra"]) == {"sealed"} and "free text" not in str(record)
    assert unseal_record(KEY, record)["extra"] == {"worker_note": "free text"}


def test_once_the_key_is_destroyed_the_values_read_as_none() -> None:
    [record] = records_of([seal_event(KEY, rich_family()[0])])
    opened = unseal_record(None, record)
    assert opened["payload"] == {"birth_date": None, "sex": "F"}


def test_another_family_s_key_is_refused() -> None:
    [record] = records_of([seal_event(KEY, rich_family()[0])])
    with pytest.raises(ValueError, match="damaged"):
        unseal_record(AesGcm.of_key(os.urandom(32)), record)
