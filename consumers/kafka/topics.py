"""The broker's topics: the six contract source topics, alerts and dead letters.

Names come from the contract (domain.contract) with the configured prefix, so a
test or a second environment can share one broker without sharing topics.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kafka.admin import KafkaAdminClient
from kafka.errors import TopicAlreadyExistsError, for_code

from casejourney.settings import DEFAULT_TOPICS, KafkaSettings
from domain.contract import SOURCE_TOPICS

ALERTS = DEFAULT_TOPICS["alerts"]
DEAD_LETTER = DEFAULT_TOPICS["dead-letter"]
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


@dataclass
class TopicsResult:
    created: list[str] = field(default_factory=list)
    existing: list[str] = field(default_factory=list)


def create_topics(admin: KafkaAdminClient, kafka: KafkaSettings) -> TopicsResult:
    """Create whichever topics are missing; existing ones are left exactly as they are."""
    result = TopicsResult()
    present = set(admin.list_topics())
    wanted = all_topics(kafka)
    missing = [name for name in wanted if name not in present]
    result.existing = [name for name in wanted if name in present]
    if not missing:
        return result
    spec = {"num_partitions": kafka.partitions, "replication_factor": kafka.replication_factor}
    specs = {name: dict(spec) for name in missing}
    dead_letter = kafka.topic(DEAD_LETTER)
    if dead_letter in specs:
        specs[dead_letter]["configs"] = {"max.message.bytes": str(DEAD_LETTER_MAX_BYTES)}
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
