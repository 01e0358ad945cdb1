"""`casejourney key new` and `casejourney key rotate`: the master key's life.

The master key (CASEJOURNEY_CIPHER_KEY) wraps the store's data key and each family's;
rotating it rewraps those in one transaction and rewrites no stored event, so the
log's seal and every anchor written down still hold. The new key is read from
CASEJOURNEY_NEW_CIPHER_KEY, never from the command line (which others can see).
"""

from __future__ import annotations

import argparse
import os
from typing import Any

from casejourney.container import Container
from store.cipher_key import checked_cipher_key, new_cipher_key

NEW_KEY_VARIABLE = "CASEJOURNEY_NEW_CIPHER_KEY"


def register(sub: Any) -> None:
    p = sub.add_parser("key", help="make or rotate the master key (CASEJOURNEY_CIPHER_KEY)")
    actions = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    actions.add_parser("new", help="print a new random AES-256 key").set_defaults(handler=key_new)
    rotate = actions.add_parser(
        "rotate", help=f"rewrap every key with the one in {NEW_KEY_VARIABLE}"
    )
    rotate.set_defaults(handler=key_rotate, reads_only=True)


def key_new(args: argparse.Namespace, container: Container) -> int:
    print(new_cipher_key())
    return 0


def key_rotate(args: argparse.Namespace, container: Container) -> int:
    given = (os.environ.get(NEW_KEY_VARIABLE) or "").strip()
    if not given:
        raise ValueError(f"set {NEW_KEY_VARIABLE} to the new key (casejourney key new)")
    new = checked_cipher_key(given, NEW_KEY_VARIABLE)
    keys = container.store.keys
    if keys is None:
        raise ValueError("the store is kept unencrypted: there is no master key to rotate")
    count = keys.rewrap(new)
    print(
        f"rewrapped {count} keys; from now on set CASEJOURNEY_CIPHER_KEY to the new key "
        "for every process (the old one no longer opens this store)"
    )
    return 0
