"""docker-compose.yml cannot run here (no Docker), so it is held to the code instead:
it parses, its services are the ones users are told about, and every setting it
gives casejourney is one the code actually reads, pointing at the services it has."""

from __future__ import annotations

import base64
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
import yaml

from casejourney.cli import build_parser
from casejourney.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
SERVICES: dict[str, Any] = COMPOSE["services"]
OURS = ("topics", "consumer", "dashboard")  # the services running the casejourney image
INTERPOLATION = re.compile(r"\$\{([A-Z0-9_]+)(?::([-?])([^}]*))?\}")
# What a user must set (`${NAME:?why}`: compose refuses to start without it), as a test
# stands in for them: long enough for any secret's minimum.
USER_SET = "set-by-the-user-" + "x" * 32


def _resolve(match: re.Match[str]) -> str:
    kind, text = match.group(2), match.group(3) or ""
    return USER_SET if kind == "?" else text


class ReadRecorder(dict[str, str]):
    """An environment that remembers which variables were asked for."""

    def __init__(self, values: dict[str, str]) -> None:
        super().__init__(values)
        self.asked: set[str] = set()

    def get(self, key: str, default: Any = None) -> Any:  # type: ignore[override]
        self.asked.add(key)
        return super().get(key, default)

    def __getitem__(self, key: str) -> str:
        self.asked.add(key)
        return super().__getitem__(key)


def resolved_env(service: str) -> dict[str, str]:
    """The service's environment as compose gives it when the user sets nothing."""
    env = SERVICES[service].get("environment") or {}
    assert isinstance(env, dict), f"{service}: environment must be a mapping"
    return {key: INTERPOLATION.sub(_resolve, str(value)) for key, value in env.items()}


def test_the_services_users_are_told_about() -> None:
    assert set(SERVICES) == {"kafka", "postgres", *OURS}
    assert set(COMPOSE["volumes"]) == {"kafka-data", "postgres-data"}
    kafka_version = re.search(
        r"<kafka.version>(.+)</kafka.version>",
        (ROOT / "infra" / "kafka" / "pom.xml").read_text(encoding="utf-8"),
    )
    assert kafka_version is not None
    # The same Kafka release as the development broker the tests run against.
    assert SERVICES["kafka"]["image"] == f"apache/kafka:{kafka_version.group(1)}"
    assert SERVICES["postgres"]["image"].startswith("postgres:")
    for name in ("kafka", "postgres", "dashboard"):
        assert SERVICES[name]["healthcheck"]["test"], f"{name} has no health check"
    for name in OURS:
        assert SERVICES[name]["build"] == "."
        assert SERVICES[name]["image"] == SERVICES["consumer"]["image"]
    assert (ROOT / "Dockerfile").is_file()


def test_the_kafka_service_is_a_single_kraft_node_reachable_as_kafka_9092() -> None:
    env = resolved_env("kafka")
    assert env["KAFKA_PROCESS_ROLES"] == "broker,controller"
    assert "PLAINTEXT://kafka:9092" in env["KAFKA_ADVERTISED_LISTENERS"].split(",")
    assert env["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false"  # `topics create` makes them
    assert len(base64.urlsafe_b64decode(env["CLUSTER_ID"] + "==")) == 16
    assert any(v.endswith(":/var/lib/kafka/data") for v in SERVICES["kafka"]["volumes"])


@pytest.mark.parametrize("service", OURS)
def test_every_casejourney_variable_in_compose_is_one_the_code_reads(service: str) -> None:
    env = resolved_env(service)
    ours = {k for k in env if k.startswith(("CASEJOURNEY_", "KAFKA_"))}
    recorder = ReadRecorder(env)
    Settings.from_env(recorder)
    assert ours - recorder.asked == set(), "compose sets variables casejourney never reads"
    assert {
        "CASEJOURNEY_DATABASE_URL",
        "KAFKA_BOOTSTRAP_SERVERS",
        "CASEJOURNEY_KAFKA_GROUP",
        "CASEJOURNEY_TOPIC_PREFIX",
    } <= ours


@pytest.mark.parametrize("service", OURS)
def test_the_settings_point_at_the_compose_services(service: str) -> None:
    settings = Settings.from_env(resolved_env(service))
    assert settings.kafka.bootstrap_servers == "kafka:9092"
    assert settings.kafka.client_options == {}  # plaintext to the bundled broker
    database = urlparse(settings.database_url)
    postgres = resolved_env("postgres")
    assert database.scheme == "postgresql" and database.hostname == "postgres"
    assert database.path.lstrip("/") == postgres["POSTGRES_DB"]
    assert database.username == postgres["POSTGRES_USER"]
    assert database.password == postgres["POSTGRES_PASSWORD"]
    depends = SERVICES[service]["depends_on"]
    assert all(name in SERVICES for name in depends)


def test_the_casejourney_commands_exist() -> None:
    parser = build_parser()
    assert SERVICES["topics"]["command"] == ["casejourney", "topics", "create"]
    assert SERVICES["consumer"]["command"] == ["casejourney", "consume"]
    for name in ("topics", "consumer"):
        parser.parse_args(SERVICES[name]["command"][1:])  # exits (fails) if unknown
    # Served beyond its container: on every address, which casejourney allows only with
    # sign-in, and compose will not start it without the sign-in variables.
    dashboard = SERVICES["dashboard"]["command"]
    assert dashboard == ["casejourney", "dashboard", "--address", "0.0.0.0", "--port", "8501"]
    parser.parse_args(dashboard[1:])
    required = {
        m.group(1)
        for m in INTERPOLATION.finditer(str(SERVICES["dashboard"]["environment"]))
        if m.group(2) == "?"
    }
    assert {
        "CASEJOURNEY_OIDC_METADATA_URL",
        "CASEJOURNEY_OIDC_CLIENT_ID",
        "CASEJOURNEY_OIDC_CLIENT_SECRET",
        "CASEJOURNEY_OIDC_COOKIE_SECRET",
    } <= required
    assert Settings.from_env(resolved_env("dashboard")).sign_in.configured
    consumer_deps = SERVICES["consumer"]["depends_on"]
    assert consumer_deps["topics"]["condition"] == "service_completed_successfully"
    assert consumer_deps["kafka"]["condition"] == "service_healthy"
    assert consumer_deps["postgres"]["condition"] == "service_healthy"


def test_the_image_holds_every_package_the_project_installs() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    include = re.search(r"include = \[([^\]]*)\]", pyproject)
    assert include is not None
    packages = [p.strip().strip('"').rstrip("*") for p in include.group(1).split(",")]
    for package in packages:
        assert f"COPY {package} ./{package}" in dockerfile, f"{package} missing from the image"


def test_no_password_has_a_default() -> None:
    """A password with a default is a password everyone knows: compose must refuse to
    start until the user sets one (`${VAR:?message}`)."""
    text = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    for match in INTERPOLATION.finditer(text):
        if re.search(r"PASSWORD|SECRET|KEY$", match.group(1)) and match.group(2) == ":-":
            assert match.group(3) == "", f"{match.group(1)} has a default: {match.group(3)!r}"
    assert "${POSTGRES_PASSWORD:?" in text and "POSTGRES_PASSWORD:-" not in text
    postgres = resolved_env("postgres")
    assert postgres["POSTGRES_PASSWORD"] == USER_SET
    url = urlparse(resolved_env("consumer")["CASEJOURNEY_DATABASE_URL"])
    assert url.password == USER_SET
