"""DfE's published England and regional figures, read from the dated file shipped beside
this module (`national_figures.json`), so a figure on screen always names its source.

The numbers are DfE's, not ours: they change once a year when the Children in need
release comes out, and then only the file changes (with its `published` and `url`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from typing import Any

FILE = "national_figures.json"


@dataclass(frozen=True)
class NationalFigure:
    """One measure as DfE published it: percentages (22.6 means 22.6%)."""

    key: str  # the indicator it sets in context (projections' figure key)
    measure: str
    dataset: str
    url: str
    england: float
    year: str
    regions: dict[str, float] = field(default_factory=dict)
    previous: tuple[str, float] | None = None  # (year, England) a year earlier
    derived: str = ""  # how it was worked out from the published table, when it was
    counts: tuple[int, int] | None = None  # England's numerator and denominator
    child_level: float | None = None  # the same counted once per child, where published


@dataclass(frozen=True)
class Publication:
    publisher: str
    publication: str
    published: str  # ISO date of the release
    url: str
    year: str
    figures: dict[str, NationalFigure]


def _figure(key: str, raw: dict[str, Any], year: str) -> NationalFigure:
    previous = raw.get("previous")
    return NationalFigure(
        key=key,
        measure=str(raw["measure"]),
        dataset=str(raw["dataset"]),
        url=str(raw["url"]),
        england=float(raw["england"]),
        year=year,
        regions={str(k): float(v) for k, v in (raw.get("regions") or {}).items()},
        previous=(str(previous["year"]), float(previous["england"])) if previous else None,
        derived=str(raw.get("derived") or ""),
        counts=(int(raw["numerator"]), int(raw["denominator"])) if "numerator" in raw else None,
        child_level=float(raw["child_level"]) if "child_level" in raw else None,
    )


def parse(text: str) -> Publication:
    """The shipped file's content; a KeyError or ValueError names what is missing."""
    raw = json.loads(text)
    year = str(raw["year"])
    return Publication(
        publisher=str(raw["publisher"]),
        publication=str(raw["publication"]),
        published=str(raw["published"]),
        url=str(raw["url"]),
        year=year,
        figures={k: _figure(k, v, year) for k, v in raw["figures"].items()},
    )


@cache
def national_figures() -> Publication:
    """The shipped release, read once per process."""
    return parse(files("domain").joinpath(FILE).read_text(encoding="utf-8"))
