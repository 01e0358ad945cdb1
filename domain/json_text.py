"""Decoding one JSON text strictly: the first gate every file line and message passes.

Python's json module accepts what the contract must refuse (NaN and Infinity,
duplicate keys where the last silently wins, 1e400 read as infinity) and fails
with exceptions of its own on what it cannot hold (RecursionError on deep
nesting, ValueError past 4,300 digits). Every one of those becomes a
ContractError here, with a reason that never quotes the text.
"""

from __future__ import annotations

import json
import math
from typing import Any

from domain.contract import ContractError
from domain.limits import MAX_INT_DIGITS, MAX_RECORD_BYTES

BOM = "\ufeff"


class _Refused(ValueError):
    """Raised from inside the decoder's hooks; carries a safe reason."""


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _Refused("an object repeats a key (which value is meant is unclear)")
        out[key] = value
    return out


def _constant(name: str) -> Any:
    raise _Refused("holds NaN or Infinity, which are not JSON numbers")


def _integer(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise _Refused(f"holds an integer of more than {MAX_INT_DIGITS} digits")
    return int(text)


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _Refused("holds a number too large to be finite")
    return value


_DECODER = json.JSONDecoder(
    object_pairs_hook=_pairs, parse_constant=_constant, parse_int=_integer, parse_float=_float
)


def decode_json(data: bytes | str, max_bytes: int = MAX_RECORD_BYTES) -> Any:
    """The JSON value of one record's text, or ContractError. A leading UTF-8 byte
    order mark (which spreadsheet tools write) is tolerated."""
    if isinstance(data, bytes):
        if len(data) > max_bytes:
            raise ContractError(f"record of {len(data)} bytes exceeds the limit of {max_bytes}")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise ContractError("record is not valid UTF-8") from None
    else:
        text = data
        if len(text) > max_bytes:  # characters: at least as many bytes
            raise ContractError(f"record of over {max_bytes} bytes exceeds the limit")
    text = text.removeprefix(BOM).strip()
    if not text:
        raise ContractError("record is empty")
    try:
        return _DECODER.decode(text)
    except _Refused as refused:
        raise ContractError(f"record {refused}") from None
    except json.JSONDecodeError as error:
        raise ContractError(f"not valid JSON ({error.msg} at column {error.colno})") from None
    except RecursionError:
        raise ContractError("record is nested too deeply to read") from None
    except ValueError:  # e.g. an integer past the interpreter's digit limit
        raise ContractError("record holds a value JSON cannot represent here") from None
