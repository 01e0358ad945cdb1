"""Who may see what: the signed-in viewer, their roles, and the families in their scope.

The scope is applied where the read models are read (`Scope.clause`, added to the
queries' WHERE), never by hiding widgets: a practice lead's list, search, network
and family page hold only families allocated to their teams, whatever the page asks.

Roles come from the identity provider's claims, mapped in configuration
(`AccessPolicy.role_map`): practitioner and practice lead see the families allocated
to their teams; service manager, front door, auditor and administrator see every
family; a performance lead sees figures and lists but opens no family page (unless
also a practitioner). A restricted family (a staff member's or a relative's, an
adoption) is seen only by the users named on it, whatever their role.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

PRACTITIONER = "practitioner"
PRACTICE_LEAD = "practice_lead"
SERVICE_MANAGER = "service_manager"
FRONT_DOOR = "front_door"
PERFORMANCE_LEAD = "performance_lead"
AUDITOR = "auditor"
ADMINISTRATOR = "administrator"
ROLES = (
    PRACTITIONER,
    PRACTICE_LEAD,
    SERVICE_MANAGER,
    FRONT_DOOR,
    PERFORMANCE_LEAD,
    AUDITOR,
    ADMINISTRATOR,
)
TEAM_ROLES = frozenset({PRACTITIONER, PRACTICE_LEAD})
ALL_FAMILIES = frozenset({SERVICE_MANAGER, FRONT_DOOR, AUDITOR, ADMINISTRATOR, PERFORMANCE_LEAD})
FAMILY_PAGES = frozenset({PRACTITIONER, PRACTICE_LEAD, SERVICE_MANAGER, FRONT_DOOR, AUDITOR})
FAMILY_PAGES_ALL = FAMILY_PAGES | {ADMINISTRATOR}
ACKNOWLEDGERS = frozenset({PRACTITIONER, PRACTICE_LEAD, SERVICE_MANAGER, FRONT_DOOR})
ACCESS_LOG_READERS = frozenset({AUDITOR, ADMINISTRATOR})


@dataclass(frozen=True)
class Scope:
    """The families a viewer may read: hashable, so a cached read is keyed on it.

    `teams` None: every team. `hidden`: restricted families not naming the viewer.
    `family_pages`: whether a family's own record (page, audit replay) may be opened."""

    teams: frozenset[str] | None = None
    hidden: frozenset[str] = frozenset()
    family_pages: bool = True

    def clause(self, column: str = "family_id") -> tuple[str, list[Any]]:
        """SQL (with `?` parameters) true of the rows whose `column` is a family in scope."""
        parts: list[str] = []
        params: list[Any] = []
        if self.teams is not None:
            if not self.teams:
                return "1 = 0", []
            chosen = sorted(self.teams)
            marks = ", ".join("?" for _ in chosen)
            parts.append(
                f"{column} IN (SELECT family_id FROM rm_families WHERE team IN ({marks}) "
                f"UNION SELECT family_id FROM rm_children WHERE team IN ({marks}))"
            )
            params += chosen * 2
        if self.hidden:
            hidden = sorted(self.hidden)
            parts.append(f"{column} NOT IN ({', '.join('?' for _ in hidden)})")
            params += hidden
        return (" AND ".join(parts) or "1 = 1"), params

    @property
    def unlimited(self) -> bool:
        return self.teams is None and not self.hidden


EVERYTHING = Scope()


@dataclass(frozen=True)
class Viewer:
    """Who is looking: a user id from the identity provider (or the local operator),
    their roles and teams, and whether they are a qualified social worker."""

    user_id: str
    roles: frozenset[str]
    teams: frozenset[str] = frozenset()
    qualified: bool = False
    signed_in: bool = True
    hidden: frozenset[str] = frozenset()  # restricted families not naming this user

    @property
    def role(self) -> str:
        """The roles as one word for a record: sorted, joined by '+'."""
        return "+".join(sorted(self.roles)) or "none"

    @property
    def scope(self) -> Scope:
        teams = None if self.roles & ALL_FAMILIES else frozenset(self.teams)
        pages = bool(self.roles & FAMILY_PAGES_ALL)
        return Scope(teams=teams, hidden=self.hidden, family_pages=pages)

    @property
    def may_acknowledge(self) -> bool:
        return bool(self.roles & ACKNOWLEDGERS)

    @property
    def may_read_access_log(self) -> bool:
        return bool(self.roles & ACCESS_LOG_READERS)

    @property
    def may_audit(self) -> bool:
        """The Audit page (a family replayed as known at a moment)."""
        return self.scope.family_pages


def _strings(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, Iterable):
        return [str(v).strip() for v in value if str(v).strip()]
    return [str(value)]


def _truthy(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in {"true", "1", "yes"}


@dataclass(frozen=True)
class AccessPolicy:
    """How claims become a Viewer: which claims hold the user, roles, teams and
    qualification, how claim values map to roles, who is named on restricted families,
    and (optionally) a staff register that overrides teams and qualification."""

    user_claim: str = "preferred_username"
    roles_claim: str = "groups"
    teams_claim: str = "teams"
    qualified_claim: str = "qualified"
    role_map: Mapping[str, str] = field(default_factory=dict)
    restricted: Mapping[str, frozenset[str]] = field(default_factory=dict)
    staff: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    def roles_of(self, values: Sequence[str]) -> frozenset[str]:
        """Claim values mapped to roles: through the map, or a value naming a role itself."""
        out = set()
        for value in values:
            mapped = self.role_map.get(value, value)
            if mapped in ROLES:
                out.add(mapped)
        return frozenset(out)

    def hidden_from(self, user_id: str) -> frozenset[str]:
        return frozenset(f for f, users in self.restricted.items() if user_id not in users)

    def viewer(self, claims: Mapping[str, Any]) -> Viewer | None:
        """The viewer the claims describe; None when they name no user."""
        user_id = str(claims.get(self.user_claim) or "").strip()
        if not user_id:
            return None
        register = self.staff.get(user_id, {})
        teams = register.get("teams", claims.get(self.teams_claim))
        qualified = register.get("qualified", claims.get(self.qualified_claim, False))
        return Viewer(
            user_id=user_id,
            roles=self.roles_of(_strings(claims.get(self.roles_claim))),
            teams=frozenset(_strings(teams)),
            qualified=_truthy(qualified),
            hidden=self.hidden_from(user_id),
        )

    def local_viewer(self, user_id: str) -> Viewer:
        """The operator of a dashboard with no sign-in (loopback only): every family but
        the restricted ones not naming them, as a service manager (or the roles the staff
        register gives them); qualification only from the staff register. The access
        log is read with `casejourney access-log` there."""
        register = self.staff.get(user_id, {})
        roles = self.roles_of(_strings(register.get("roles"))) or frozenset({SERVICE_MANAGER})
        return Viewer(
            user_id=user_id,
            roles=roles,
            teams=frozenset(_strings(register.get("teams"))),
            qualified=_truthy(register.get("qualified", False)),
            signed_in=False,
            hidden=self.hidden_from(user_id),
        )
