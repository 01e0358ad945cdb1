"""As-at replay timings, inside one process so the figure is the replay, not start-up.

    python -m bench.audit_probe DATABASE_URL LONG_FAMILY_ID FAMILIES SAMPLE

For the long-lived family: `family_as_at` at the recording moment of its middle
event, and the family-chain check `verify` makes, each repeated, the median kept.
For the store: `family_as_at` of families FAM-000001.. at that same moment, all of
them when FAMILIES <= SAMPLE, else an even sample of SAMPLE families whose time is
scaled up (and flagged as such). Prints one JSON line.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from typing import Any

from audit.api import family_as_at
from audit.chains import FamilyChains
from domain.family import family_uuid
from store.family_store import FamilyStore

REPEATS = 5


def middle_moment(store: FamilyStore, family_id: str) -> tuple[Any, int]:
    events = list(store.recorder.select_events(family_uuid(family_id)))
    if not events:
        raise SystemExit(f"no family {family_id} in the store")
    middle = events[len(events) // 2]
    family = store.app.mapper.to_domain_event(middle)
    return family.timestamp, len(events)


def verify_family(store: FamilyStore, family_id: str) -> tuple[float, int]:
    """The family-chain check `verify` makes, for one family's stream: (seconds, findings)."""
    started = time.perf_counter()
    uuid = family_uuid(family_id)
    chains = FamilyChains()
    findings = 0
    for stored in store.recorder.select_events(uuid):
        event = store.app.mapper.to_domain_event(stored)
        findings += len(chains.check(0, uuid, stored.originator_version, event))
    return time.perf_counter() - started, findings


def main(argv: list[str]) -> int:
    url, long_id, families_text, sample_text = argv
    families, sample = int(families_text), int(sample_text)
    with FamilyStore(url) as store:
        moment, versions = middle_moment(store, long_id)
        times = []
        for _ in range(REPEATS):
            started = time.perf_counter()
            view = family_as_at(store, long_id, moment, None)
            times.append(time.perf_counter() - started)
        assert view is not None and view.family is not None
        checks = [verify_family(store, long_id) for _ in range(REPEATS)]
        if any(found for _, found in checks):
            raise SystemExit(f"family chain check found problems in {long_id}")
        step = max(1, families // sample) if families > sample else 1
        numbers = range(1, families + 1, step)
        started = time.perf_counter()
        replayed = 0
        for number in numbers:
            if family_as_at(store, f"FAM-{number:06d}", moment, None) is not None:
                replayed += 1
        seconds = time.perf_counter() - started
    print(
        json.dumps(
            {
                "long_family": long_id,
                "long_family_events": versions,
                "long_family_version_shown": view.version,
                "long_family_seconds": statistics.median(times),
                "long_family_verify_seconds": statistics.median(t for t, _ in checks),
                "store_families": families,
                "store_replayed": replayed,
                "store_seconds_measured": seconds,
                "store_seconds": seconds * families / max(replayed, 1),
                "store_sampled": replayed < families,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
