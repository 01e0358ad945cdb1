"""Watching a store fill up from outside the process that fills it.

The poll asks PostgreSQL for the highest notification id (an index lookup, so the
watching costs the measured process nothing worth counting) and confirms the end
with one exact count, since a rolled-back transaction leaves gaps in the ids.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import psycopg

from bench.procs import Child
from projections.schema import PROJECTION
from store.tracking import TABLE as TRACKING_TABLE

POLL_S = 0.25


@dataclass
class Progress:
    first_s: float | None = None  # first events visible, seconds after the child started
    done_s: float | None = None  # all events visible
    seen: int = 0

    def steady_rate(self, events: int) -> float | None:
        """Events per second between the first visible batch and the last."""
        if self.first_s is None or self.done_s is None:
            return None
        if self.done_s <= self.first_s:
            # Everything landed in the first visible batch (small runs): no steady
            # stretch to time, so the rate from the process's start stands in.
            return self.wall_rate(events)
        return events / (self.done_s - self.first_s)

    def wall_rate(self, events: int) -> float | None:
        """Events per second from the process's start (imports and group join included)."""
        return events / self.done_s if self.done_s else None


def watch_store(
    child: Child | list[Child], database_url: str, table: str, target: int, timeout: float
) -> Progress:
    """Wait until the event store holds `target` notifications (or every child exits).

    Times count from the first child's start (they are started together)."""
    children = child if isinstance(child, list) else [child]
    child = children[0]
    progress = Progress()
    deadline = time.monotonic() + timeout
    with psycopg.connect(database_url, autocommit=True) as conn:
        while time.monotonic() < deadline:
            row = conn.execute(f"SELECT coalesce(max(notification_id), 0) FROM {table}").fetchone()
            now = time.perf_counter() - child.started
            top = int(row[0]) if row else 0
            if top and progress.first_s is None:
                progress.first_s = now
            if top >= target:
                count_row = conn.execute(f"SELECT count(*) FROM {table}").fetchone()
                progress.seen = int(count_row[0]) if count_row else 0
                if progress.seen >= target:
                    progress.done_s = now  # when the top id arrived, not after the count
                    return progress
            if not any(c.alive() for c in children):
                break
            time.sleep(POLL_S)
    with psycopg.connect(database_url, autocommit=True) as conn:
        count_row = conn.execute(f"SELECT count(*) FROM {table}").fetchone()
        progress.seen = int(count_row[0]) if count_row else 0
    return progress


def watch_projected(
    children: list[Child], database_url: str, table: str, progress: Progress, timeout: float
) -> bool:
    """After `watch_store`: wait until the read models include the last stored
    notification too, and move `progress.done_s` to then (stored *and* projected).
    False if the children exited or time ran out first."""
    deadline = time.monotonic() + timeout
    with psycopg.connect(database_url, autocommit=True) as conn:
        head_row = conn.execute(f"SELECT max(notification_id) FROM {table}").fetchone()
        head = int(head_row[0]) if head_row and head_row[0] is not None else 0
        while time.monotonic() < deadline:
            row = conn.execute(
                f"SELECT position FROM {TRACKING_TABLE} WHERE name = %s", (PROJECTION,)
            ).fetchone()
            if row and int(row[0]) >= head:
                progress.done_s = time.perf_counter() - children[0].started
                return True
            if not any(c.alive() for c in children):
                return False
            time.sleep(POLL_S / 5)
    return False
