"""How listing commands print: headed columns for people, JSON for machines.

Numbers are formatted here and nowhere else, so no command prints `8` beside
`13.0`: counts as whole numbers, rates as percentages with one decimal, medians
with their unit and at most one decimal.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

NOTHING = "-"


def table(headings: Sequence[str], rows: Iterable[Sequence[object]]) -> list[str]:
    """Left-aligned columns under their headings, two spaces apart; a missing
    value shows as `-` so a blank never reads as a shifted column."""
    cells = [
        list(headings),
        *([NOTHING if c is None or c == "" else str(c) for c in r] for r in rows),
    ]
    widths = [max(len(line[i]) for line in cells) for i in range(len(headings))]
    return [
        "  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip() for line in cells
    ]


def _cell(value: object) -> str:
    return NOTHING if value is None or value == "" else str(value)


def print_table(headings: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    print("\n".join(table(headings, rows)))


def print_json(data: Any) -> None:
    print(json.dumps(data, indent=2, default=str))


def count(value: int | None) -> str:
    return NOTHING if value is None else f"{value:,}"


def number(value: float | None) -> str:
    """A whole number as one (`8`, also for `8.0`), anything else to one decimal (`12.5`)."""
    if value is None:
        return NOTHING
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def rate(value: float | None) -> str:
    """A share as a percentage with one decimal (0.1739 -> `17.4%`); `n/a` when there
    was nothing to divide by."""
    return "n/a" if value is None else f"{value:.1%}"


def plural(n: int, noun: str, nouns: str | None = None) -> str:
    """`1 finding`, `2 findings`; `nouns` for the irregular (`families`)."""
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {nouns or noun + 's'}"
