"""The master key that turns on encryption at rest (`CASEJOURNEY_CIPHER_KEY`).

The event store's rows are encrypted through the eventsourcing library's cipher
setting (`CIPHER_TOPIC`) when a key is given; without one they are plain JSON, as
before. The cipher is the library's `AESCipher` (AES-GCM, the same key and the same
bytes: nonce, tag, ciphertext) computed by `cryptography`'s AESGCM, which here
costs 6 microseconds an event where pycryptodome's costs 290. The key is checked
here so a wrong one fails at start-up with a reason, never by quoting it.
"""

from __future__ import annotations

import binascii
import os
from base64 import b64decode, b64encode
from collections.abc import Sequence
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from eventsourcing.cipher import AESCipher
from eventsourcing.persistence import Mapper, Notification
from eventsourcing.utils import Environment

CIPHER_TOPIC = "store.cipher_key:AesGcm"
NONCE, TAG = 12, 16


class AesGcm(AESCipher):
    """The library's AESCipher, byte for byte, through `cryptography` (each reads what
    the other wrote). Also seals family values and wraps family keys."""

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        self._aead = AESGCM(self.key)

    @classmethod
    def of_key(cls, key: bytes) -> AesGcm:
        return cls(Environment(env={cls.CIPHER_KEY: b64encode(key).decode("ascii")}))

    @classmethod
    def of_text(cls, cipher_key: str) -> AesGcm:
        return cls(Environment(env={cls.CIPHER_KEY: cipher_key}))

    def encrypt(self, plaintext: bytes) -> bytes:
        nonce = os.urandom(NONCE)
        sealed = self._aead.encrypt(nonce, plaintext, None)  # ciphertext, then tag
        return nonce + sealed[-TAG:] + sealed[:-TAG]

    def decrypt(self, ciphertext: bytes) -> bytes:
        if len(ciphertext) < NONCE + TAG:
            raise ValueError("Damaged cipher text: too short for a nonce and a tag")
        nonce, tag = ciphertext[:NONCE], ciphertext[NONCE : NONCE + TAG]
        try:
            return self._aead.decrypt(nonce, ciphertext[NONCE + TAG :] + tag, None)
        except InvalidTag:
            raise ValueError("Cipher text is damaged: the tag does not verify") from None


KEY_VARIABLE = "CASEJOURNEY_CIPHER_KEY"


def checked_cipher_key(text: str, variable: str = KEY_VARIABLE) -> str:
    """The key as given, once it is base64 of 16, 24 or 32 bytes (AES-128/192/256)."""
    try:
        size = len(b64decode(text.encode("ascii"), validate=True))
    except (binascii.Error, UnicodeEncodeError):
        raise ValueError(f"{variable} is not base64 (make one: casejourney key new)") from None
    if size not in AESCipher.KEY_SIZES:
        raise ValueError(
            f"{variable} holds {size} bytes; AES needs 16, 24 or 32 (make one: casejourney key new)"
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


def key_problem(mapper: Mapper[Any], first: Sequence[Notification], *, keyed: bool) -> str:
    """Why the store's first row does not open with this mapper ("" when it does): an
    encrypted store opened without its key, or with another, or a plain one with one."""
    try:
        if first:
            mapper.to_domain_event(first[0])
    except ValueError:
        return (
            "CASEJOURNEY_CIPHER_KEY does not decrypt this event store (another key, or a "
            "store kept unencrypted)"
            if keyed
            else "the event store is encrypted: set CASEJOURNEY_CIPHER_KEY to its key"
        )
    return ""
