"""What the projector needs from whatever publishes its alerts: the projections' own port.

The projector queues each new alert in the outbox table in the same transaction
as the read models; something else sends what is queued (to Kafka's csc.alerts,
in production). The projector is handed that something, never builds it, so
projections import no Kafka client and a process that only reads (the
dashboard) can run the projector without becoming a producer.
"""

from __future__ import annotations

from typing import Protocol

from store.database import Database


class AlertSink(Protocol):
    """Sends the outbox's queued alerts; one sender at a time per database."""

    def publish_pending(self, db: Database) -> int:
        """Send every queued alert; return how many were sent now (0 when another
        publisher holds the lease)."""
        ...

    def reconcile(self, db: Database) -> int:
        """Mark as published the attempted alerts the destination already holds."""
        ...

    def release(self, db: Database) -> None:
        """Give up the lease now (a clean shutdown), so another publisher need not wait."""
        ...

    def close(self) -> None:
        """Let go of the connection to the destination."""
        ...
