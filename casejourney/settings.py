"""Settings read from the environment, in one place, so every part agrees.

The same variable names are used by the CLI, the tests and docker-compose.yml.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

from consumers.kafka.settings import KafkaSettings, kafka_client_options
from domain.local_figures import NONE as NO_LOCAL_FIGURES
from domain.local_figures import LocalFigures, parse_local_figures
from domain.rag import BETTER
from domain.retention import RetentionSchedule
from domain.rules.severity import LEVELS, Severities
from domain.rules.thresholds import Thresholds
from projections.access import AccessPolicy
from projections.batching import BATCH_FAMILIES, CACHE_EVENTS, CACHE_FAMILIES
from store.cipher_key import KEY_VARIABLE, checked_cipher_key
from store.family_store import BATCH_EVENTS


def default_database_url() -> str:
    data_dir = Path(platformdirs.user_data_dir("casejourney", appauthor=False))
    return f"sqlite:///{data_dir / 'casejourney.db'}"


@dataclass(frozen=True)
class AlertSettings(Thresholds):
    """Alert thresholds and windows; GUIDE's defaults, each overridable by
    CASEJOURNEY_<FIELD> (e.g. CASEJOURNEY_PLO_TARGET_WEEKS=20)."""

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> AlertSettings:
        values = {}
        for name in cls.__dataclass_fields__:
            raw = (env.get(f"CASEJOURNEY_{name.upper()}") or "").strip()
            if raw:
                try:
                    values[name] = int(raw)
                except ValueError:
                    raise ValueError(f"CASEJOURNEY_{name.upper()} must be a whole number") from None
        return cls(**values)


def severities_from_env(env: Mapping[str, str]) -> Severities:
    """CASEJOURNEY_ALERT_SEVERITY_<KIND>=high|medium|low for any kind; the rest keep
    their defaults (domain.rules.severity)."""
    values = {}
    for name in Severities.__dataclass_fields__:
        variable = f"CASEJOURNEY_ALERT_SEVERITY_{name.upper()}"
        raw = (env.get(variable) or "").strip().lower()
        if raw:
            if raw not in LEVELS:
                raise ValueError(f"{variable} must be one of {', '.join(LEVELS)}")
            values[name] = raw
    return Severities(**values)


SIGN_IN_REQUIRED = ("metadata_url", "client_id", "client_secret", "redirect_uri", "cookie_secret")


@dataclass(frozen=True)
class SignInSettings:
    """OpenID Connect sign-in for the dashboard (CASEJOURNEY_OIDC_*): the identity
    provider's metadata URL, the client registered there, where it sends users back
    (the dashboard's /oauth2callback) and the secret that signs the identity cookie.
    All five or none: none means a dashboard on loopback only."""

    metadata_url: str = ""
    client_id: str = ""
    client_secret: str = field(default="", repr=False)
    redirect_uri: str = ""
    cookie_secret: str = field(default="", repr=False)
    user_claim: str = "preferred_username"
    roles_claim: str = "groups"
    teams_claim: str = "teams"
    qualified_claim: str = "qualified"
    # Claim value -> role, e.g. "cj-practice-lead=practice_lead,<Entra app role>=auditor".
    role_map: tuple[tuple[str, str], ...] = ()

    @property
    def configured(self) -> bool:
        return all(getattr(self, name) for name in SIGN_IN_REQUIRED)

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> SignInSettings:
        def get(name: str, default: str = "") -> str:
            return (env.get(f"CASEJOURNEY_OIDC_{name}") or default).strip()

        found = cls(
            metadata_url=get("METADATA_URL"),
            client_id=get("CLIENT_ID"),
            client_secret=get("CLIENT_SECRET"),
            redirect_uri=get("REDIRECT_URI"),
            cookie_secret=get("COOKIE_SECRET"),
            user_claim=get("USER_CLAIM", cls.user_claim),
            roles_claim=get("ROLES_CLAIM", cls.roles_claim),
            teams_claim=get("TEAMS_CLAIM", cls.teams_claim),
            qualified_claim=get("QUALIFIED_CLAIM", cls.qualified_claim),
            role_map=parse_role_map(get("ROLE_MAP")),
        )
        given = [n for n in SIGN_IN_REQUIRED if getattr(found, n)]
        if given and len(given) != len(SIGN_IN_REQUIRED):
            missing = ", ".join(
                f"CASEJOURNEY_OIDC_{n.upper()}" for n in SIGN_IN_REQUIRED if n not in given
            )
            raise ValueError(f"sign-in is half configured: set {missing} too (or none of them)")
        if found.configured and len(found.cookie_secret) < 32:
            raise ValueError("CASEJOURNEY_OIDC_COOKIE_SECRET must be at least 32 characters")
        return found


def parse_role_map(text: str) -> tuple[tuple[str, str], ...]:
    """'claim-value=role,other=role' into pairs; a role must be one of ours."""
    from projections.access import ROLES

    pairs = []
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        value, sep, role = item.rpartition("=")
        if not sep or not value.strip() or role.strip() not in ROLES:
            raise ValueError(
                "CASEJOURNEY_OIDC_ROLE_MAP entries are CLAIM_VALUE=ROLE, ROLE one of "
                + ", ".join(ROLES)
            )
        pairs.append((value.strip(), role.strip()))
    return tuple(pairs)


def _restricted(path: str) -> dict[str, frozenset[str]]:
    """CASEJOURNEY_RESTRICTED_FAMILIES: a JSON file {family_id: [user ids named on it]}."""
    import json

    if not path:
        return {}
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not all(isinstance(v, list) for v in data.values()):
        raise ValueError("CASEJOURNEY_RESTRICTED_FAMILIES must name a JSON object of lists")
    return {str(k): frozenset(str(u) for u in v) for k, v in data.items()}


def _staff(path: str) -> dict[str, dict[str, object]]:
    """CASEJOURNEY_STAFF_REGISTER: a JSON file {user id: {"qualified": bool, "teams": [..],
    "roles": [..]}}; what it says overrides the identity claims."""
    import json

    if not path:
        return {}
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise ValueError("CASEJOURNEY_STAFF_REGISTER must name a JSON object of objects")
    return {str(k): dict(v) for k, v in data.items()}


def _local_figures(path: str) -> LocalFigures:
    """CASEJOURNEY_LOCAL_FIGURES: the council's region, targets and statistical neighbours
    (domain.local_figures says the format); unset, the figures carry DfE's context only."""
    if not path:
        return NO_LOCAL_FIGURES
    percentages = [key for key, better in BETTER.items() if better]
    text = Path(path).read_text(encoding="utf-8")
    return parse_local_figures(text, f"CASEJOURNEY_LOCAL_FIGURES ({path})", percentages)


def _retention(env: Mapping[str, str]) -> RetentionSchedule:
    """CASEJOURNEY_RETENTION_IN_NEED_YEARS (25) and _IN_CARE_YEARS (75): years from birth."""
    values = {}
    for name in RetentionSchedule.__dataclass_fields__:
        variable = f"CASEJOURNEY_RETENTION_{name.upper()}"
        raw = (env.get(variable) or "").strip()
        if raw:
            if not raw.isdigit() or not 1 <= int(raw) <= 150:
                raise ValueError(f"{variable} must be a whole number of years from 1 to 150")
            values[name] = int(raw)
    return RetentionSchedule(**values)


def _local_user(env: Mapping[str, str]) -> str:
    import getpass

    given = (env.get("CASEJOURNEY_LOCAL_USER") or "").strip()
    if given:
        return given
    try:
        return f"local:{getpass.getuser()}"
    except (KeyError, OSError):
        return "local"


@dataclass(frozen=True)
class Settings:
    database_url: str = field(default_factory=default_database_url)
    kafka: KafkaSettings = field(default_factory=KafkaSettings)
    alerts: AlertSettings = field(default_factory=AlertSettings)
    severity: Severities = field(default_factory=Severities)
    batch_size: int = BATCH_EVENTS
    aggregate_cache_size: int = 10_000
    # Seconds between projection runs inside `consume` (alerts wait at most this long).
    project_interval: float = 0.25
    # Far behind the topics, `consume` projects once per this many stored events.
    catch_up_events: int = 10_000
    # The most notifications and families one projection batch takes: the families
    # bound its memory (each touched family's history and rows are held at once).
    project_batch: int = 100_000
    project_batch_families: int = BATCH_FAMILIES
    # The families (and their events) a projector keeps folded, with their rows,
    # between batches: a family found here is extended by its new events alone.
    project_cache_families: int = CACHE_FAMILIES
    project_cache_events: int = CACHE_EVENTS
    sign_in: SignInSettings = field(default_factory=SignInSettings)
    access: AccessPolicy = field(default_factory=AccessPolicy)
    # Who the dashboard's operator is when no sign-in is configured (loopback only).
    local_user: str = "local"
    # The council's own context for the headline figures (CASEJOURNEY_LOCAL_FIGURES).
    local_figures: LocalFigures = NO_LOCAL_FIGURES
    # CASEJOURNEY_CIPHER_KEY: encryption at rest of the event store (store.cipher_key).
    cipher_key: str | None = field(default=None, repr=False)
    retention: RetentionSchedule = field(default_factory=RetentionSchedule)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        passthrough = kafka_client_options(env)
        kafka = KafkaSettings(
            bootstrap_servers=env.get("KAFKA_BOOTSTRAP_SERVERS") or None,
            group_id=env.get("CASEJOURNEY_KAFKA_GROUP", "casejourney"),
            topic_prefix=env.get("CASEJOURNEY_TOPIC_PREFIX", ""),
            partitions=int(env.get("CASEJOURNEY_TOPIC_PARTITIONS", "3")),
            replication_factor=int(env.get("CASEJOURNEY_TOPIC_REPLICATION", "1")),
            client_options=passthrough,
        )
        sign_in = SignInSettings.from_env(env)
        access = AccessPolicy(
            user_claim=sign_in.user_claim,
            roles_claim=sign_in.roles_claim,
            teams_claim=sign_in.teams_claim,
            qualified_claim=sign_in.qualified_claim,
            role_map=dict(sign_in.role_map),
            restricted=_restricted((env.get("CASEJOURNEY_RESTRICTED_FAMILIES") or "").strip()),
            staff=_staff((env.get("CASEJOURNEY_STAFF_REGISTER") or "").strip()),
        )
        return cls(
            sign_in=sign_in,
            access=access,
            local_user=_local_user(env),
            local_figures=_local_figures((env.get("CASEJOURNEY_LOCAL_FIGURES") or "").strip()),
            cipher_key=checked_cipher_key(key)
            if (key := env.get(KEY_VARIABLE, "").strip())
            else None,
            database_url=env.get("CASEJOURNEY_DATABASE_URL") or default_database_url(),
            kafka=kafka,
            alerts=AlertSettings.from_env(env),
            retention=_retention(env),
            severity=severities_from_env(env),
            # Unset variables fall back to the field defaults above: stated once.
            batch_size=int(env.get("CASEJOURNEY_BATCH_SIZE", cls.batch_size)),
            aggregate_cache_size=int(
                env.get("CASEJOURNEY_AGGREGATE_CACHE", cls.aggregate_cache_size)
            ),
            project_interval=float(env.get("CASEJOURNEY_PROJECT_INTERVAL", cls.project_interval)),
            catch_up_events=int(env.get("CASEJOURNEY_CATCH_UP_EVENTS", cls.catch_up_events)),
            project_batch=int(env.get("CASEJOURNEY_PROJECT_BATCH", cls.project_batch)),
            project_batch_families=int(
                env.get("CASEJOURNEY_PROJECT_BATCH_FAMILIES", cls.project_batch_families)
            ),
            project_cache_families=int(
                env.get("CASEJOURNEY_PROJECT_CACHE_FAMILIES", cls.project_cache_families)
            ),
            project_cache_events=int(
                env.get("CASEJOURNEY_PROJECT_CACHE_EVENTS", cls.project_cache_events)
            ),
        )
