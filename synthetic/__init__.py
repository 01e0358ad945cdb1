"""Synthetic case journeys in the event contract (GUIDE section 4).

`generate(families, years, seed)` yields contract JSON objects for a made-up
local authority: families referred over the period, their children's
assessments, section 47s, CP plans, pre-proceedings, care proceedings and
connected-person placements, with supervision, allocation, linked adults and a
few corrections. It exists so that demos, load tests and calibration checks
run on data shaped like the real thing without touching real records: every
id and every piece of free text is invented and bland.

Output is deterministic for a seed (one `random.Random(seed)`, no clock), every
event passes `domain.contract.parse_event`, and each family's events, fed in
output order to `domain.family.Family`, never break an invariant. The output
order is recording order, not business order (see `ordering`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from operator import itemgetter
from pathlib import Path
from random import Random
from typing import Any

from domain.calendar import minus_years
from synthetic.base import SharedAdult
from synthetic.journey import FamilyJourney
from synthetic.ordering import Arrival, arrivals
from synthetic.vocab import Roster

__all__ = ["DEFAULT_END", "generate", "write_jsonl"]

# A fixed end (the close of a reporting year) so output never depends on today.
DEFAULT_END = date(2026, 3, 31)
SHARED_ADULT_SHARE = 0.05  # pairs of households sharing an adult, per family


def shared_adults(families: int, seed: int) -> dict[int, list[SharedAdult]]:
    """Adults linked to two households: a parent or partner who moves between them.

    Drawn from a generator of its own so that each family's journey depends only
    on the seed and its own index.
    """
    rng = Random(f"{seed}/shared-adults")
    shared: dict[int, list[SharedAdult]] = {}
    if families < 2:
        return shared
    for number in range(1, max(1, round(families * SHARED_ADULT_SHARE)) + 1):
        home = rng.randrange(families)
        guest = rng.randrange(families - 1)
        guest += guest >= home
        person_id = f"P-{home + 1:06d}-S{number}"
        shared.setdefault(home, []).append(
            SharedAdult(person_id, rng.choice(("father", "partner")), True)
        )
        shared.setdefault(guest, []).append(
            SharedAdult(person_id, rng.choice(("partner", "step_parent")), False)
        )
    return shared


def generate(
    families: int, years: int, seed: int, end: date | None = None
) -> Iterator[dict[str, Any]]:
    """Contract events for `families` families over `years` years up to `end`,
    in recording order."""
    if families < 0:
        raise ValueError("families must not be negative")
    if years < 1:
        raise ValueError("years must be at least 1")
    end = end or DEFAULT_END
    start = minus_years(end, years) + timedelta(days=1)
    return _generate(families, start, end, seed)


def _generate(families: int, start: date, end: date, seed: int) -> Iterator[dict[str, Any]]:
    roster = Roster()
    shared = shared_adults(families, seed)
    master = Random(seed)
    pending: list[Arrival] = []
    for index in range(families):
        rng = Random(master.getrandbits(64))
        journey = FamilyJourney(
            index + 1, seed, rng, start, end, roster, tuple(shared.get(index, ()))
        )
        pending.extend(arrivals(journey.run(), journey.family_id, index, rng))
    pending.sort(key=itemgetter(0, 1, 2))
    for *_, event in pending:
        yield event


def write_jsonl(events: Iterable[dict[str, Any]], path: Path) -> int:
    """Write one JSON object per line; returns how many were written."""
    count = 0
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        for event in events:
            out.write(json.dumps(event, separators=(",", ":")))
            out.write("\n")
            count += 1
    return count
