"""The garbage collector, tuned for the processes that follow the log all day:
`consume` and `project --follow` (the dashboard server is left as it is: its
collections were not measured).

CPython's full collection walks every object the process holds: the libraries it
imported and the caches it keeps (family heads, folded families, read-model
answers). In a one-minute alert-latency run (5% of the national scale, 1,000
events/s, `consume` with projections on) the consumer made 24 full collections of
200 to 285 ms each, every one of which freed nothing, and each landed whole on an
alert that was waiting: p95 0.73 s, p99 0.97 s, worst 1.6 s.

So once a service has started, what it has loaded is frozen (never walked again)
and the full collections are made rare; the young generations, where the
short-lived cycles die, are still collected often. Memory stays bounded by the
caches' own bounds (the benchmark reports each process's peak).
"""

from __future__ import annotations

import gc

YOUNG = 50_000  # net new objects before a young collection (CPython's default is 700)
MIDDLE = 20  # young collections before a middle one
OLD = 100  # middle collections before a full one is considered

_tuned: list[bool] = []


def for_a_service() -> None:
    """Freeze what is loaded and make full collections rare; once per process."""
    if _tuned:
        return
    _tuned.append(True)
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG, MIDDLE, OLD)
