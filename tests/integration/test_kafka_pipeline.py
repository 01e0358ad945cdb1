"""publish -> real Kafka -> consume -> event store, on SQLite and PostgreSQL.

Nothing lost: the store ends with exactly the valid events (compared by event id).
Nothing doubled: no event id appears twice in the store's log, even when the same
messages are delivered again. Bad input is kept and explained: bad lines in the
rejects file at `publish`, bad messages on the dead-letter topic at `consume`.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from casejourney.cli import main
from casejourney.container import Container
from consumers.kafka.topics import ALL_TOPICS, source_topics
from domain.contract import parse_event, topic_for
from store.family_store import FamilyStore
from synthetic import generate
from tests.support.events import WORKER, raw
from tests.support.hostile import HOSTILE, SECRET
from tests.support.kafka import (
    KafkaWorld,
    contract_lines,
    dead_letters,
    headers,
    kafka_world,
    last_json,
    produce,
    produce_events,
    read_all,
    stored_event_ids,
)

pytestmark = [pytest.mark.kafka, pytest.mark.timeout(180)]


def run(world: KafkaWorld, monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    """The real CLI in this process, configured only through the environment."""
    for key, value in world.env().items():
        monkeypatch.setenv(key, value)
    return main(list(args))


def bytes_of(event: dict[str, object]) -> bytes:
    return json.dumps(event).encode()


def test_topics_create_makes_every_topic_and_is_idempotent(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with kafka_world(sqlite_url, name="topics") as world:
        # kafka_world created them already: the command finds them all and changes nothing.
        assert run(world, monkeypatch, "topics", "create") == 0
        out = capsys.readouterr().out
        assert sorted(line.split()[1] for line in out.splitlines()) == sorted(
            world.topic(name) for name in ALL_TOPICS
        )
        assert all(line.startswith("exists") for line in out.splitlines())
        for topic in source_topics(world.kafka):
            assert len(read_all(world, topic)) == 0


def test_publish_then_consume_moves_a_generated_data_set(
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    events = list(generate(40, 2, 11))
    decided = next(e for e in events if e["event_type"] == "ReferralDecided")
    # Valid by the contract but contradicting the family (the referral was already
    # decided): recorded like any fact and reported as a finding, never dead-lettered.
    second_decision = {**decided, "event_id": "second-decision", "occurred_at": "2026-03-30"}
    lines = [
        *contract_lines(events),
        json.dumps(second_decision),
        "this is not JSON",
        json.dumps({"event_id": "no-type", "family_id": "F1"}),
    ]
    source = tmp_path / "events.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")

    with kafka_world(database_url, name="e2e") as world:
        assert run(world, monkeypatch, "publish", str(source), "--json") == 1  # 2 rejected
        published = last_json(capsys.readouterr().out)
        assert published["read"] == len(lines)
        assert published["sent"] == len(events) + 1
        assert published["rejected"] == 2 and published["failed"] == 0
        rejects_text = Path(published["rejects_file"]).read_text(encoding="utf-8")
        rejects = [json.loads(line) for line in rejects_text.splitlines()]
        assert [(r["line"], r["event_id"]) for r in rejects] == [
            (len(events) + 2, None),
            (len(events) + 3, "no-type"),
        ]
        expected_by_topic = Counter(world.topic(topic_for(e["event_type"])) for e in events)
        expected_by_topic[world.topic("csc.referrals")] += 1
        assert published["by_topic"] == dict(expected_by_topic)

        # A foreign producer also sends messages the contract refuses.
        valid = raw("ReferralReceived", "2025-01-06", family_id="FX", referral_id="RX", source="6")
        foreign = [
            (world.topic("csc.referrals"), b"FX", b"{broken"),
            (world.topic("csc.care"), b"FX", bytes_of(valid)),  # wrong topic for its type
        ]
        produce(world, foreign)

        assert run(world, monkeypatch, "consume", "--idle-exit", "1", "--json", "--no-project") == 0
        consumed = last_json(capsys.readouterr().out)

        ids = stored_event_ids(world.database_url)
        assert len(ids) == len(set(ids)), "an event was stored twice"
        assert set(ids) == {e["event_id"] for e in events} | {"second-decision"}
        assert consumed["messages"] == len(events) + 1 + len(foreign)
        assert consumed["stored"] == len(events) + 1
        assert consumed["dead_lettered"] == 2

        letters = dead_letters(world)
        reasons = {headers(r).get("event_id", r.value.decode()): headers(r) for r in letters}
        assert set(reasons) == {"{broken", valid["event_id"]}
        assert "not valid JSON" in reasons["{broken"]["reason"]
        assert reasons[valid["event_id"]]["reason"].startswith("ReferralReceived belongs on topic")
        for letter in letters:
            # The original bytes and key, and a pointer back to the original message.
            h = headers(letter)
            origin = [
                r
                for r in read_all(world, h["original_topic"])
                if r.partition == int(h["original_partition"])
                and r.offset == int(h["original_offset"])
            ]
            assert len(origin) == 1
            assert (origin[0].key, origin[0].value) == (letter.key, letter.value)
            assert h["consumer_group"] == world.group

        assert run(world, monkeypatch, "lag", "--json") == 0
        assert json.loads(capsys.readouterr().out)["total"] == 0


def test_poison_messages_of_every_kind_go_to_the_dead_letter_topic(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def referral(event_id: str, referral_id: str, day: str) -> dict[str, object]:
        return raw(
            "ReferralReceived",
            day,
            family_id="FP",
            event_id=event_id,
            referral_id=referral_id,
            source="2A",
        )

    decision = raw(
        "ReferralDecided",
        "2025-02-04",
        family_id="FP",
        event_id="decide-1",
        recorded_by=WORKER,
        referral_id="R1",
        outcome="assessment",
    )
    wrong_types = referral("wrong-types", "R2", "2025-02-05")
    wrong_types["payload"] = {"referral_id": ["R2"], "source": 6}
    unknown_type = {**referral("unknown-type", "R3", "2025-02-05"), "event_type": "CaseFiled"}
    # About as big as a producer may send (1 MiB): with its headers the dead letter is
    # bigger still, which the dead-letter topic must accept.
    oversized = {**referral("oversized", "R4", "2025-02-05"), "padding": ""}
    oversized["padding"] = "x" * (1_048_400 - len(bytes_of(oversized)))
    poisons = {
        "not JSON": (b"FP", b"<referral>R9</referral>", "not valid JSON"),
        "wrong types": (b"FP", bytes_of(wrong_types), "payload.referral_id"),
        "unknown type": (b"FP", bytes_of(unknown_type), "not a known event type"),
        "oversized": (b"FP", bytes_of(oversized), "exceeds the limit"),
        "empty value": (b"FP", b"", "empty message value"),
        "tombstone": (b"FP", None, "empty message value"),
        "missing key": (None, bytes_of(referral("no-key", "R5", "2025-02-06")), "has no key"),
        "other family's key": (b"FQ", bytes_of(referral("key", "R6", "2025-02-06")), "key does"),
        "not UTF-8": (b"FP", b"\xff\xfe\x00{", "not valid UTF-8"),
        # Every shape of the hostile corpus the file ingest refuses, refused here too.
        **{name: (b"FP", data, fragment) for name, data, fragment in HOSTILE},
    }
    topic = None
    with kafka_world(sqlite_url, name="poison") as world:
        topic = world.topic("csc.referrals")
        good = [referral("good-1", "R1", "2025-02-03"), decision]
        messages = [(topic, b"FP", bytes_of(good[0])), (topic, b"FP", bytes_of(good[1]))]
        # Well-formed but contradicting (a second decision): stored, not dead-lettered.
        messages.append((topic, b"FP", bytes_of({**decision, "event_id": "decide-2"})))
        late_good = referral("good-after-poison", "R7", "2025-02-10")
        # All on one partition (one key), poison between good events: order is kept.
        messages += [(topic, key, value) for key, value, _ in poisons.values()]
        messages.append((topic, b"FP", bytes_of(late_good)))
        produce(world, messages)

        assert run(world, monkeypatch, "consume", "--idle-exit", "1", "--json", "--no-project") == 0
        consumed = last_json(capsys.readouterr().out)
        assert consumed["messages"] == len(messages)
        assert consumed["dead_lettered"] == len(poisons)

        assert sorted(stored_event_ids(world.database_url)) == sorted(
            ["good-1", "decide-1", "decide-2", "good-after-poison"]
        )
        letters = dead_letters(world)
        assert len(letters) == len(poisons)
        by_value = {(r.key, r.value): headers(r) for r in letters}
        for name, (key, value, reason_part) in poisons.items():
            sent_value = b"" if key is None and value is None else value
            h = by_value.get((key, sent_value))
            assert h is not None, f"{name}: not on the dead-letter topic"
            assert reason_part in h["reason"], f"{name}: reason {h['reason']!r}"
            assert h["original_topic"] == topic
            assert SECRET not in h["reason"]


def test_an_assessment_arriving_before_its_referral_is_kept_and_linked(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Kafka orders nothing across topics (GUIDE section 4): the assessments topic is
    consumed, and stored, before the referral it belongs to is even published."""
    child = {"family_id": "FR", "child_id": "C1"}
    referral = raw("ReferralReceived", "2025-03-03", referral_id="R1", source="3A", **child)
    decided = raw(
        "ReferralDecided",
        "2025-03-04",
        recorded_by=WORKER,
        referral_id="R1",
        outcome="assessment",
        **child,
    )
    started = raw("AssessmentStarted", "2025-03-05", assessment_id="A1", referral_id="R1", **child)
    completed = raw(
        "AssessmentCompleted",
        "2025-04-01",
        recorded_by=WORKER,
        assessment_id="A1",
        factors=["3A"],
        outcome="cin_plan",
        **child,
    )

    def send(*events: dict[str, object]) -> None:
        produce(
            world,
            [(world.topic(topic_for(str(e["event_type"]))), b"FR", bytes_of(e)) for e in events],
        )

    def consume() -> dict[str, int]:
        args = ("consume", "--idle-exit", "1", "--json", "--no-project")
        assert run(world, monkeypatch, *args) == 0
        return last_json(capsys.readouterr().out)

    with kafka_world(sqlite_url, name="reorder") as world:
        send(started, completed)
        assert consume()["stored"] == 2
        with FamilyStore(world.database_url) as store:
            family = store.get("FR")
            assert family is not None
            assert set(family.state.pending) == {started["event_id"]}

        send(referral, decided)
        result = consume()
        assert (result["stored"], result["dead_lettered"]) == (2, 0)
        with FamilyStore(world.database_url) as store:
            family = store.get("FR")
            assert family is not None
            state = family.state
            assert state.pending == {} and state.violations == {}
            assert state.assessments["A1"]["referral_id"] == "R1"
            assert state.assessments["A1"]["outcome"] == "cin_plan"
            assert "R1" in state.referrals
        assert dead_letters(world) == []


def test_redelivered_messages_are_never_stored_twice(
    database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The window a crash leaves open: the store has a batch, the offsets were not
    committed. Here the store is given the events first, as if by a consumer that
    died right before committing; the next consumer gets them all again."""
    events = list(generate(15, 1, 5))
    with kafka_world(database_url, name="redeliver") as world:
        produce_events(world, events)
        half = len(events) // 2
        with FamilyStore(world.database_url) as store:
            store.record_batch(parse_event(e) for e in events[:half])

        assert run(world, monkeypatch, "consume", "--idle-exit", "1", "--json", "--no-project") == 0
        first = last_json(capsys.readouterr().out)
        assert (first["stored"], first["duplicates"]) == (len(events) - half, half)

        # A replay from the start by another group: every message is a duplicate.
        replay = world.with_group(world.group + "-replay")
        assert (
            run(replay, monkeypatch, "consume", "--idle-exit", "1", "--json", "--no-project") == 0
        )
        second = last_json(capsys.readouterr().out)
        assert (second["stored"], second["duplicates"]) == (0, len(events))

        ids = stored_event_ids(world.database_url)
        assert len(ids) == len(set(ids)) == len(events)
        assert dead_letters(world) == []


def test_consume_brings_the_projections_up_to_date_after_each_batch(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    events = list(generate(20, 2, 12))
    with kafka_world(sqlite_url, name="project") as world:
        produce_events(world, events)
        assert run(world, monkeypatch, "consume", "--idle-exit", "1", "--json") == 0
        assert last_json(capsys.readouterr().out)["stored"] == len(events)
        with Container(world.settings) as container:
            # Nothing left for the projector: consume already ran it after its batches.
            assert container.projector.run_once() == 0


def test_max_messages_stops_after_exactly_that_many_and_lag_shows_the_rest(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    events = list(generate(3, 1, 13))
    with kafka_world(sqlite_url, name="maxmsg") as world:
        produce_events(world, events)
        assert run(world, monkeypatch, "lag", "--json") == 0
        assert json.loads(capsys.readouterr().out)["total"] == len(events)

        assert (
            run(world, monkeypatch, "consume", "--max-messages", "5", "--json", "--no-project") == 0
        )
        assert last_json(capsys.readouterr().out)["messages"] == 5
        assert run(world, monkeypatch, "lag", "--json") == 0
        lag = json.loads(capsys.readouterr().out)
        assert lag["total"] == len(events) - 5
        assert sum(p["committed"] or 0 for p in lag["partitions"]) == 5
        assert len(stored_event_ids(world.database_url)) == 5
