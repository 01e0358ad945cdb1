"""What the dashboard is handed: the one object it reads and records through.

The dashboard never opens a store, a database or a Kafka client of its own. The
composition root (casejourney) builds a `DashboardSource` and passes it to
`dashboard.app.run`: the read models with the configured thresholds bound, and
the few things the pages need from the event store itself (acknowledging an
alert, the Audit page's family as known at a moment, and its tamper check).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any, Protocol

from domain.contract import ContractEvent
from domain.local_figures import LocalFigures
from domain.state import Record
from projections.access import AccessPolicy, Scope, Viewer
from projections.read_models import ReadModels


class RecordedEvent(Protocol):
    """One event as it reached the store: when, what, and who recorded it."""

    @property
    def recorded_at(self) -> datetime: ...
    @property
    def occurred_at(self) -> str: ...
    @property
    def event_type(self) -> str: ...
    @property
    def event_id(self) -> str: ...
    @property
    def child_id(self) -> str | None: ...
    @property
    def worker_id(self) -> str | None: ...
    @property
    def qualified(self) -> bool | None: ...
    @property
    def what(self) -> str: ...  # a payload summary without free text


@dataclass(frozen=True)
class FamilyThen:
    """A family exactly as the store held it at a moment (not from read models)."""

    heading: str  # which moment this is, and how many events were recorded since
    known: int  # events recorded by the moment
    total: int  # events recorded now
    records: list[Record]  # the family's records as known then, for the rules to read
    recorded_since: Sequence[RecordedEvent]  # what reached the store after the moment


class Problem(Protocol):
    @property
    def problem(self) -> str: ...
    @property
    def version(self) -> int | None: ...
    @property
    def notification_id(self) -> int | None: ...
    @property
    def detail(self) -> str: ...


class Verification(Protocol):
    """A family's stored events checked against their hash chain and the seal."""

    @property
    def ok(self) -> bool: ...
    @property
    def events(self) -> int: ...
    @property
    def sealed_now(self) -> int: ...  # the log position the seal covers (0: none yet)
    @property
    def findings(self) -> Sequence[Problem]: ...


class DashboardSource(Protocol):
    @property
    def signs_in(self) -> bool:
        """True when sign-in (OpenID Connect, st.login) is configured; False: loopback only."""
        ...

    @property
    def access(self) -> AccessPolicy:
        """How identity claims become a viewer (roles, teams, restricted families)."""
        ...

    @property
    def local_user(self) -> str:
        """Who the operator is when no sign-in is configured."""
        ...

    def log_access(
        self,
        viewer: Viewer,
        page: str,
        action: str,
        *,
        family_id: str | None = None,
        list_name: str | None = None,
        outcome: str = "allowed",
    ) -> None:
        """Append one record to the access log (who, role, when, what, which page)."""
        ...

    def access_records(self, *, family_id: str | None = None) -> list[dict[str, Any]]:
        """The access log's records (for an auditor: who looked at this family)."""
        ...

    @property
    def read_models(self) -> ReadModels:
        """The read models, with the thresholds every figure and flag uses."""
        ...

    @property
    def local_figures(self) -> LocalFigures:
        """The council's region, targets and statistical neighbours for the figures."""
        ...

    @property
    def local_zone(self) -> tzinfo:
        """The zone an auditor means by a day or a time without an offset (UK time)."""
        ...

    def head(self) -> int:
        """The last position of the store's event log (how far projecting could go)."""
        ...

    def acknowledge(self, event: ContractEvent) -> str:
        """Record an AlertAcknowledged event and project it: 'stored', 'duplicate' (already
        acknowledged by this worker) or why it was not recorded."""
        ...

    def family_as_at(self, family_id: str, moment: datetime, scope: Scope) -> FamilyThen | None:
        """The family as the store held it at `moment`; None: no such family, or one the
        scope does not reach (the source checks, not only the page that asks)."""
        ...

    def verify_family(self, family_id: str, scope: Scope) -> Verification | None:
        """The family's hash-chain check; None when the scope does not reach it."""
        ...

    def parse_moment(self, text: str) -> datetime:
        """An aware datetime for what an auditor typed (ISO 8601; no offset: UK time).
        Raises ValueError, with a message to show, for anything else."""
        ...
