"""Synthetic data for the benchmarks, written to JSON Lines in bounded memory.

`synthetic.generate` sorts every family's events in memory, which at
national scale (~6 M events) would take many gigabytes. This builds the very same
stream (same master seed, same family numbering, same arrival order) chunk by
chunk: each chunk of families is sorted and spilled to a temporary file, and the
files are merged on the generator's own sort key. For a scale small enough to fit
in one chunk it is exactly `generate(families, years, seed)` (the smoke test checks).
"""

from __future__ import annotations

import heapq
import json
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from operator import itemgetter
from pathlib import Path
from random import Random
from typing import IO

from domain.calendar import minus_years
from synthetic import DEFAULT_END, shared_adults
from synthetic.base import SharedAdult
from synthetic.journey import FamilyJourney
from synthetic.ordering import arrivals
from synthetic.vocab import Roster

CHUNK_FAMILIES = 25_000


@dataclass
class DataStats:
    """What a generated file holds: the scale's calibration evidence."""

    families: int = 0
    events: int = 0
    referrals: int = 0
    bytes: int = 0
    seconds: float = 0.0
    by_type: dict[str, int] = field(default_factory=dict)
    events_per_family: dict[str, int] = field(default_factory=dict)  # family -> events

    def referrals_per_year(self, years: int) -> float:
        return self.referrals / years


def window(years: int, end: date | None = None) -> tuple[date, date]:
    end = end or DEFAULT_END
    return minus_years(end, years) + timedelta(days=1), end


@dataclass
class _Chunk:
    """Families first..first+count-1 (0-based, within the stream) and their draws."""

    first: int
    count: int
    seed: int
    years: int
    offset: int  # added to family numbers (a second stream)
    adults: dict[int, list[SharedAdult]]
    master: Random
    by_type: Counter[str]
    per_family: Counter[str]

    def rows(self) -> list[tuple[float, int, int, str]]:
        """(arrival, family index, position, json), sorted as the generator sorts."""
        start, end = window(self.years)
        roster = Roster()
        out: list[tuple[float, int, int, str]] = []
        for index in range(self.first, self.first + self.count):
            rng = Random(self.master.getrandbits(64))
            number = self.offset + index
            shared = tuple(self.adults.get(index, ()))
            journey = FamilyJourney(number + 1, self.seed, rng, start, end, roster, shared)
            for arrival, family_index, position, event in arrivals(
                journey.run(), journey.family_id, number, rng
            ):
                self.by_type[event["event_type"]] += 1
                self.per_family[event["family_id"]] += 1
                text = json.dumps(event, separators=(",", ":"))
                out.append((arrival, family_index, position, text))
        out.sort(key=itemgetter(0, 1, 2))
        return out


def _spill(rows: list[tuple[float, int, int, str]], directory: Path, number: int) -> Path:
    path = directory / f"chunk-{number:04d}.tsv"
    with path.open("w", encoding="utf-8") as out:
        for arrival, family, position, text in rows:
            out.write(f"{arrival!r}\t{family}\t{position}\t{text}\n")
    return path


def _read_spill(handle: IO[str]) -> Iterator[tuple[float, int, int, str]]:
    for line in handle:
        arrival, family, position, text = line.rstrip("\n").split("\t", 3)
        yield float(arrival), int(family), int(position), text


def iter_lines(
    families: int,
    years: int,
    seed: int,
    *,
    offset: int = 0,
    shared: bool = True,
    chunk: int = CHUNK_FAMILIES,
    by_type: Counter[str] | None = None,
    per_family: Counter[str] | None = None,
) -> Iterator[str]:
    """JSON text of each event, in the generator's recording order.

    `offset` numbers the families from offset+1, for a second stream whose ids
    never meet the first's (its shared adults are left out for the same reason:
    their person ids are numbered by household). The counters, when given, are
    filled as families are drawn.
    """
    adults = shared_adults(families, seed) if shared and offset == 0 else {}
    master = Random(seed)
    by_type = Counter() if by_type is None else by_type
    per_family = Counter() if per_family is None else per_family

    def part(first: int) -> _Chunk:
        count = min(chunk, families - first)
        return _Chunk(first, count, seed, years, offset, adults, master, by_type, per_family)

    if families <= chunk:
        for *_, text in part(0).rows():
            yield text
        return
    with tempfile.TemporaryDirectory(prefix="cj-bench-gen-") as tmp:
        paths = []
        for number, first in enumerate(range(0, families, chunk)):
            rows = part(first).rows()
            paths.append(_spill(rows, Path(tmp), number))
            del rows
        handles = [path.open(encoding="utf-8") for path in paths]
        try:
            for *_, text in heapq.merge(*(_read_spill(h) for h in handles)):
                yield text
        finally:
            for handle in handles:
                handle.close()


def write_jsonl(
    path: Path, families: int, years: int, seed: int, *, offset: int = 0, shared: bool = True
) -> DataStats:
    """Write the stream to `path` and count what it holds."""
    started = time.perf_counter()
    stats = DataStats(families=families)
    by_type: Counter[str] = Counter()
    per_family: Counter[str] = Counter()
    lines = iter_lines(
        families, years, seed, offset=offset, shared=shared, by_type=by_type, per_family=per_family
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        for text in lines:
            out.write(text)
            out.write("\n")
            stats.events += 1
            stats.bytes += len(text) + 1
    stats.by_type = dict(sorted(by_type.items()))
    stats.referrals = by_type.get("ReferralReceived", 0)
    stats.events_per_family = dict(per_family.most_common(3))
    stats.seconds = round(time.perf_counter() - started, 3)
    return stats
