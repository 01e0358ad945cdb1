"""The dashboard's source, built from a Container: what `dashboard.app.run` is handed.

The dashboard reads only through a `dashboard.port.DashboardSource`; this is the
one the composition root makes. It is built with `publish_alerts=False`, so the
Streamlit process never becomes a Kafka producer: an acknowledgement it projects
queues any alert in the outbox, and the process that publishes sends it.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, tzinfo
from functools import cached_property
from typing import Any

from audit import api as audit
from audit.moments import LOCAL, parse_moment
from casejourney.container import Container
from casejourney.settings import Settings
from dashboard.port import FamilyThen, Verification
from domain.contract import ContractEvent
from domain.local_figures import LocalFigures
from projections.access import AccessPolicy, Scope, Viewer
from projections.read_models import ReadModels
from store.access_log import AccessLog
from store.family_store import FamilyStore


def record_acknowledgement(store: FamilyStore, event: ContractEvent) -> str:
    """Record it; 'stored', 'duplicate' (already acknowledged by this worker) or the reason."""
    result = store.record_batch([event])
    if result.stored:
        return "stored"
    if result.duplicates:
        return "duplicate"
    return result.rejected[0][1] if result.rejected else "not recorded"


class ContainerSource:
    """A DashboardSource over a Container's store, projector and read models."""

    def __init__(self, container: Container) -> None:
        self.container = container
        self._lock = threading.Lock()  # one acknowledgement recorded and projected at a time

    @classmethod
    def from_settings(cls, settings: Settings) -> ContainerSource:
        return cls(Container(settings, publish_alerts=False))

    @property
    def signs_in(self) -> bool:
        return self.container.settings.sign_in.configured

    @property
    def access(self) -> AccessPolicy:
        return self.container.settings.access

    @property
    def local_user(self) -> str:
        return self.container.settings.local_user

    @cached_property
    def access_log(self) -> AccessLog:
        return AccessLog(self.container.settings.database_url)

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
        self.access_log.append(
            user_id=viewer.user_id,
            role=viewer.role,
            page=page,
            action=action,
            family_id=family_id,
            list_name=list_name,
            outcome=outcome,
        )

    def access_records(self, *, family_id: str | None = None) -> list[dict[str, Any]]:
        return self.access_log.records(family_id=family_id, limit=500)

    @property
    def read_models(self) -> ReadModels:
        return self.container.read_models

    @property
    def local_figures(self) -> LocalFigures:
        return self.container.settings.local_figures

    @property
    def local_zone(self) -> tzinfo:
        return LOCAL

    def head(self) -> int:
        return int(self.container.store.max_notification_id())

    def acknowledge(self, event: ContractEvent) -> str:
        with self._lock:
            outcome = record_acknowledgement(self.container.store, event)
            self.container.projector.run_once()
        return outcome

    def _reaches(self, family_id: str, scope: Scope) -> bool:
        """Whether the scope may replay this family from the store. A family the read
        models do not hold yet is reachable only by an unlimited scope (an auditor):
        nothing says which team it belongs to."""
        access = self.read_models.family_access(family_id, scope=scope)
        if access == "missing":
            return scope.unlimited and scope.family_pages
        return access == "allowed"

    def family_as_at(self, family_id: str, moment: datetime, scope: Scope) -> FamilyThen | None:
        if not self._reaches(family_id, scope):
            return None
        store = self.container.store
        view = audit.family_as_at(store, family_id, as_at=moment)
        if view is None:
            return None
        later = audit.diff(store, family_id, moment, max(moment, datetime.now(UTC)))
        return FamilyThen(
            heading=audit.past_heading(view),
            known=view.version,
            total=view.current_version,
            records=view.family.records if view.family is not None else [],
            recorded_since=later.events if later else [],
        )

    def verify_family(self, family_id: str, scope: Scope) -> Verification | None:
        if not self._reaches(family_id, scope):
            return None
        return audit.verify_family(self.container.store, family_id)

    def parse_moment(self, text: str) -> datetime:
        return parse_moment(text)

    def close(self) -> None:
        if "access_log" in self.__dict__:
            self.access_log.close()
        self.container.close()
