"""What a council adds to the national context: its region, its own targets and the
figures of its statistical neighbours, from a JSON file it keeps
(`CASEJOURNEY_LOCAL_FIGURES`):

    {"region": "North West", "amber_points": 2,
     "targets": {"re_referral_rate": 20.0},
     "neighbours": {"re_referral_rate": 21.3}, "neighbours_label": "Statistical neighbours 2024-25"}

Percentages as DfE writes them (20.0 means 20%). A mistake is refused with the file,
the field and the reason, never the value.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any, NoReturn

from domain.rag import DEFAULT_AMBER_POINTS

ENGLISH_REGIONS = frozenset(
    {
        "North East",
        "North West",
        "Yorkshire and The Humber",
        "East Midlands",
        "West Midlands",
        "East of England",
        "London",
        "South East",
        "South West",
    }
)


@dataclass(frozen=True)
class LocalFigures:
    region: str | None = None
    targets: dict[str, float] = field(default_factory=dict)
    neighbours: dict[str, float] = field(default_factory=dict)
    neighbours_label: str = "Statistical neighbours"
    amber_points: float = DEFAULT_AMBER_POINTS


NONE = LocalFigures()


def _percent(value: Any) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and 0 <= value <= 100
    )


def _figures(
    raw: Any, name: str, keys: Collection[str], fail: Callable[[str], NoReturn]
) -> dict[str, float]:
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        fail(f"{name} must be an object of figure keys to percentages")
    out = {}
    for key, value in raw.items():
        if key not in keys:
            fail(f"{name} names a figure that is not a headline percentage: {key!r}")
        if not _percent(value):
            fail(f"{name}.{key} must be a percentage from 0 to 100")
        out[str(key)] = float(value)
    return out


def parse_local_figures(text: str, where: str, keys: Collection[str]) -> LocalFigures:
    """The council's file `where` (named in errors); `keys` are the figures it may set."""

    def fail(reason: str) -> NoReturn:
        raise ValueError(f"{where}: {reason}")

    try:
        raw = json.loads(text)
    except json.JSONDecodeError as broken:
        raise ValueError(f"{where}: not JSON (line {broken.lineno})") from None
    if not isinstance(raw, dict):
        fail("must be a JSON object")
    unknown = sorted(
        set(raw) - {"region", "targets", "neighbours", "neighbours_label", "amber_points"}
    )
    if unknown:
        fail(f"unknown field {unknown[0]!r}")
    region = raw.get("region")
    if region is not None and region not in ENGLISH_REGIONS:
        fail("region must be one of England's nine regions, as DfE names them")
    amber = raw.get("amber_points", DEFAULT_AMBER_POINTS)
    if not _percent(amber):
        fail("amber_points must be a number of percentage points from 0 to 100")
    label = raw.get("neighbours_label", "Statistical neighbours")
    if not isinstance(label, str) or not label.strip() or len(label) > 80:
        fail("neighbours_label must be text of 1 to 80 characters")
    return LocalFigures(
        region=region,
        targets=_figures(raw.get("targets"), "targets", keys, fail),
        neighbours=_figures(raw.get("neighbours"), "neighbours", keys, fail),
        neighbours_label=label.strip(),
        amber_points=float(amber),
    )
