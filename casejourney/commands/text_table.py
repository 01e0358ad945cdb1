"""Headed, aligned columns for the CLI's listings: what a person reads at a terminal."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def text_table(headings: Sequence[tuple[str, str]], rows: Sequence[dict[str, Any]]) -> list[str]:
    """One line per row under a heading line; `headings` are (key, heading) pairs, an
    empty value shows as '-'."""
    cells = [
        [h for _, h in headings],
        *[
            [str(r.get(k) if r.get(k) not in (None, "") else "-") for k, _ in headings]
            for r in rows
        ],
    ]
    widths = [max(len(line[i]) for line in cells) for i in range(len(headings))]
    return [
        "  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip() for line in cells
    ]
