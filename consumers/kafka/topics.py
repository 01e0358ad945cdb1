"""The broker's topics: the six contract source topics, alerts and dead letters.

The one definition of every topic name. The source topics are the contract's
(domain.contract gives each event type its topic); alerts (GUIDE section 4) and
dead letters are named here. On the broker each carries the configured prefix, so
a test or a second environment can share one broker without sharing topics.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kafka.admin import KafkaAdminClient
from kafka.errors import TopicAlreadyExistsError, for_code

from consumers.kafka.settings import KafkaSettings
from domain.contract import SOURCE_TOPICS

ALERTS = "csc.alerts"
DEAD_LETTER = "csc.dead-letter"
ALL_TOPICS: tuple[str, ...] = (*SOURCE_TOPICS, ALERTS, DEAD_LETTER)

# A dead letter is a source message (up to the broker's limit, 1 MB by default) plus
# headers, so the dead-letter topic must take more than a source topic can hold;
# otherwise the largest poison messages could never be parked and would block.
DEAD_LETTER_MAX_BYTES = 4 * 1024 * 1024


def source_topics(kafka: KafkaSettings) -> list[str]:
    """The broker names of the topics sources publish to (and `consume` reads)."""
    return [kafka.topic(name) for name in SOURCE_TOPICS]


def all_topics(kafka: KafkaSettings) -> list[str]:
    return [kafka.topic(name) for name in ALL_TOPICS]


def source_topic_names(kafka: KafkaSettings) -> dict[str, str]:
    """Each contract source topic (e.g. 'csc.referrals') and its broker name."""
    return {name: kafka.topic(name) for name in SOURCE_TOPICS}


def topic_spec(kafka: KafkaSettings, broker_name: str) -> dict[str, Any]:
    """How a topic is created: the configured partitions and replication, and room
    for dead letters on the dead-letter topic."""
    spec: dict[str, Any] = {
        "num_partitions": kafka.partitions,
        "replication_factor": kafka.replication_factor,
    }
    if broker_name == kafka.topic(DEAD_LETTER):
        spec["configs"] = {"max.message.bytes": str(DEAD_LETTER_MAX_BYTES)}
    return spec


@dataclass
class TopicsResult:
    created: list[str] = field(default_factory=list)
    existing: list[str] = field(default_factory=list)


def create_topics(
    admin: KafkaAdminClient, kafka: KafkaSettings, wanted: list[str] | None = None
) -> TopicsResult:
    """Create whichever of `wanted` (broker names; default: every topic) are missing;
    existing ones are left exactly as they are."""
    result = TopicsResult()
    present = set(admin.list_topics())
    wanted = all_topics(kafka) if wanted is None else wanted
    missing = [name for name in wanted if name not in present]
    result.existing = [name for name in wanted if name in present]
    if not missing:
        return result
    specs = {name: topic_spec(kafka, name) for name in missing}
    response = admin.create_topics(specs, raise_errors=False, wait_for_metadata=False)
    ready: list[str] = []
    for topic in response["topics"]:
        error = for_code(topic["error_code"])
        if topic["error_code"] == 0:
            result.created.append(topic["name"])
            ready.append(topic["name"])
        elif error is TopicAlreadyExistsError:  # another process created it meanwhile
            result.existing.append(topic["name"])
        else:
            message = topic.get("error_message") or error.__name__
            raise RuntimeError(f"could not create topic {topic['name']}: {message}")
    admin.wait_for_topics(ready, timeout_ms=30_000)
    return result


def missing_topics(admin: KafkaAdminClient, names: list[str]) -> list[str]:
    present = set(admin.list_topics())
    return [name for name in names if name not in present]
