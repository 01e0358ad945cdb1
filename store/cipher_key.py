"""The master key that turns on encryption at rest (`CASEJOURNEY_CIPHER_KEY`).

The event store's rows are encrypted by the eventsourcing library's own AES-GCM
cipher (`eventsourcing.cipher:AESCipher`) when a key is given; without one they are
plain JSON, as before. The key is checked here so a wrong one fails at start-up
with a reason, never by quoting it.
"""

from __future__ import annotations

import binascii
from base64 import b64decode

from eventsourcing.cipher import AESCipher

CIPHER_TOPIC = "eventsourcing.cipher:AESCipher"
KEY_VARIABLE = "CASEJOURNEY_CIPHER_KEY"


def checked_cipher_key(text: str) -> str:
    """The key as given, once it is base64 of 16, 24 or 32 bytes (AES-128/192/256)."""
    try:
        size = len(b64decode(text.encode("ascii"), validate=True))
    except (binascii.Error, UnicodeEncodeError):
        raise ValueError(f"{KEY_VARIABLE} is not base64 (make one: casejourney key new)") from None
    if size not in AESCipher.KEY_SIZES:
        raise ValueError(
            f"{KEY_VARIABLE} holds {size} bytes; AES needs 16, 24 or 32 "
            "(make one: casejourney key new)"
        )
    return text


def new_cipher_key() -> str:
    """A new random AES-256 key, base64, as `CASEJOURNEY_CIPHER_KEY` takes it."""
    return AESCipher.create_key(32)


def cipher_env(app_name: str, cipher_key: str | None) -> dict[str, str]:
    """The library's cipher settings for an application, given explicitly both ways.

    The library reads `<APP NAME>_CIPHER_KEY` from the process environment before
    the settings it is handed, so the store states its choice under that name: a key
    only when one was passed, never one picked up from the environment unasked.
    """
    prefix = app_name.upper() + "_"
    if not cipher_key:
        return {prefix + "CIPHER_TOPIC": "", prefix + "CIPHER_KEY": ""}
    return {prefix + "CIPHER_TOPIC": CIPHER_TOPIC, prefix + "CIPHER_KEY": cipher_key}
