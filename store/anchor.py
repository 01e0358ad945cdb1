"""An anchor: a position in a hash chain and the chain's hash there, written down
outside the database.

A chain shows any record changed, removed or slipped in before its newest one, but not
its own newest records cut off: what remains is a shorter chain, intact. An anchor
kept elsewhere (a ticket, a mail to the information governance lead) and given back
to `verify` closes that gap. The event store's seal and the access log both print one.
"""

from __future__ import annotations

from dataclasses import dataclass

HEX = frozenset("0123456789abcdef")


@dataclass(frozen=True)
class Anchor:
    position: int  # the event log's notification id, or the access log's record number
    link: str  # the chain's SHA-256 there, in hex

    @classmethod
    def parse(cls, text: str) -> Anchor:
        """What an operator typed; ValueError (never quoting it) if it is not one."""
        position, _, link = text.strip().partition(":")
        link = link.strip().lower()
        if not position.strip().isdigit() or len(link) != 64 or not set(link) <= HEX:
            raise ValueError("an anchor is POSITION:SHA256HEX, as `verify` prints it")
        return cls(int(position), link)

    def __str__(self) -> str:
        return f"{self.position}:{self.link}"
