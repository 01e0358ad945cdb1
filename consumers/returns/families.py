"""Which family each child belongs to: the returns do not say.

By default each child is its own family, "child:<id>". A CSV mapping child id to
family id (header optional; the first two columns, or the columns whose headers
mention child and family) puts siblings together; a child missing from the map
keeps its own family.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Callable
from pathlib import Path

from consumers.returns.values import ValueProblem, normalise, parse_id

FamilyOf = Callable[[str], str]


def own_family(child_id: str) -> str:
    family = f"child:{child_id}"
    if len(family) <= 64:
        return family
    return f"child:h:{hashlib.sha256(child_id.encode()).hexdigest()[:40]}"


def load_family_map(path: Path) -> FamilyOf:
    """Read the map; a malformed one is refused whole (ValueError names the row)."""
    mapping: dict[str, str] = {}
    with path.open(newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    columns = (0, 1)
    start = 0
    if rows:
        head = [normalise(cell) for cell in rows[0]]
        child_col = next((i for i, h in enumerate(head) if "child" in h), None)
        family_col = next((i for i, h in enumerate(head) if "family" in h), None)
        if child_col is not None and family_col is not None:
            columns, start = (child_col, family_col), 1
    for number, row in enumerate(rows[start:], start=start + 1):
        if not any(cell.strip() for cell in row):
            continue
        try:
            child = parse_id(row[columns[0]] if len(row) > columns[0] else None)
            family = parse_id(row[columns[1]] if len(row) > columns[1] else None)
        except ValueProblem as problem:
            raise ValueError(f"{path} row {number}: {problem}") from None
        if child is None or family is None:
            raise ValueError(f"{path} row {number}: needs a child id and a family id")
        if mapping.get(child, family) != family:
            raise ValueError(f"{path} row {number}: child is mapped to two families")
        mapping[child] = family

    def family_of(child_id: str) -> str:
        return mapping.get(child_id) or own_family(child_id)

    return family_of
