"""CASEJOURNEY_CIPHER_KEY is checked at start-up and never quoted in the error."""

from __future__ import annotations

from base64 import b64encode

import pytest
from eventsourcing.cipher import AESCipher
from eventsourcing.utils import Environment

from casejourney.settings import Settings
from store.cipher_key import AesGcm, checked_cipher_key, cipher_env, new_cipher_key


@pytest.mark.parametrize(
    ("key", "reason"),
    [
        ("not base64 at all!", "is not base64"),
        (b64encode(b"x" * 20).decode(), "holds 20 bytes; AES needs 16, 24 or 32"),
        ("caf\u00e9", "is not base64"),
    ],
)
def test_a_key_that_is_not_an_aes_key_is_refused_without_quoting_it(key: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason) as error:
        Settings.from_env({"CASEJOURNEY_CIPHER_KEY": key})
    assert key not in str(error.value)


@pytest.mark.parametrize("size", [16, 24, 32])
def test_each_aes_key_size_is_taken(size: int) -> None:
    key = b64encode(bytes(range(size))).decode()
    assert checked_cipher_key(key) == key


def test_no_key_means_no_cipher_and_the_key_never_shows_in_settings() -> None:
    assert Settings.from_env({}).cipher_key is None
    key = new_cipher_key()
    settings = Settings.from_env({"CASEJOURNEY_CIPHER_KEY": key})
    assert settings.cipher_key == key and key not in repr(settings)


def test_the_store_states_its_cipher_under_the_name_the_library_reads_first() -> None:
    """The library reads CASEJOURNEY_CIPHER_KEY from the process environment before
    what it is handed; stating both ways keeps a stray variable from deciding."""
    assert cipher_env("casejourney", None) == {
        "CASEJOURNEY_CIPHER_TOPIC": "",
        "CASEJOURNEY_CIPHER_KEY": "",
    }
    assert cipher_env("casejourney", "k")["CASEJOURNEY_CIPHER_TOPIC"] == "store.cipher_key:AesGcm"


def test_our_cipher_and_the_library_s_read_each_other_s_bytes() -> None:
    """AesGcm is the library's AESCipher computed by `cryptography`: a store written by
    either is read by the other, and a changed byte is refused by both."""
    key = new_cipher_key()
    ours = AesGcm.of_text(key)
    theirs = AESCipher(Environment(env={"CIPHER_KEY": key}))
    text = b'{"payload": {"birth_date": "2015-05-01"}}'
    assert theirs.decrypt(ours.encrypt(text)) == text
    assert ours.decrypt(theirs.encrypt(text)) == text
    damaged = bytearray(ours.encrypt(text))
    damaged[-1] ^= 1
    for cipher in (ours, theirs):
        with pytest.raises(ValueError, match="damaged"):
            cipher.decrypt(bytes(damaged))
    with pytest.raises(ValueError, match="too short"):
        ours.decrypt(b"short")
