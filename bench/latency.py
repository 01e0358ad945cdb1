"""Figure 4: alert latency, a third referral produced to Kafka until its alert is on
`csc.alerts`, while `casejourney consume` (projections on) carries a steady load.

The consumer resumes its group on the populated store, so it starts at the end of
the topics. A producer thread sends a second synthetic stream (families numbered
after the data set's) at a fixed rate; probe families get two referrals up front,
then, one probe at a time, a third referral, and a listener on `csc.alerts` notes
when the alert with that trigger arrives. Everything is bounded: a fixed number of
probes, a deadline for each, and a cap on background events. Loopback only.
"""

from __future__ import annotations

import json
import math
import statistics
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kafka import KafkaConsumer, KafkaProducer, TopicPartition

from bench.context import Run
from bench.procs import Child, cli
from consumers.kafka.topics import ALERTS
from domain.contract import topic_for

PROBE_TIMEOUT_S = 10.0
WARM_UP_PROBES = 3
GIVE_UP_AFTER_MISSES = 3  # in a row: the consumer is not keeping up, later probes would wait too
PROBE_DATES = ("2025-06-02", "2025-08-04", "2025-10-06")


@dataclass
class Listener:
    """Reads csc.alerts from its end; the arrival time of each trigger's first alert."""

    consumer: KafkaConsumer
    seen: dict[str, float] = field(default_factory=dict)
    stop: threading.Event = field(default_factory=threading.Event)
    cond: threading.Condition = field(default_factory=threading.Condition)

    def run(self) -> None:
        while not self.stop.is_set():
            batch = self.consumer.poll(timeout_ms=100)
            now = time.perf_counter()
            for records in batch.values():
                for record in records:
                    trigger = json.loads(record.value).get("trigger_event_id")
                    with self.cond:
                        self.seen.setdefault(trigger, now)
                        self.cond.notify_all()

    def wait_for(self, trigger: str, timeout: float) -> float | None:
        deadline = time.monotonic() + timeout
        with self.cond:
            while trigger not in self.seen:
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self.cond.wait(left)
            return self.seen[trigger]


class Background:
    """Sends the background stream at `rate` events per second until stopped."""

    def __init__(self, producer: KafkaProducer, path: Path, prefix: str, rate: float) -> None:
        self.producer = producer
        self.path = path
        self.prefix = prefix
        self.rate = rate
        self.stop = threading.Event()
        self.sent = 0
        self.seconds = 0.0
        self.exhausted = False

    def run(self) -> None:
        started = time.perf_counter()
        with self.path.open(encoding="utf-8") as lines:
            for line in lines:
                if self.stop.is_set():
                    break
                due = started + self.sent / self.rate
                pause = due - time.perf_counter()
                if pause > 0:
                    time.sleep(pause)
                event = json.loads(line)
                topic = self.prefix + topic_for(event["event_type"])
                self.producer.send(
                    topic, key=event["family_id"].encode(), value=line.rstrip("\n").encode()
                )
                self.sent += 1
            else:
                self.exhausted = True
        self.producer.flush(timeout=60)
        self.seconds = time.perf_counter() - started


def referral(family: str, number: int) -> dict[str, Any]:
    return {
        "event_id": str(uuid.uuid4()),
        "event_type": "ReferralReceived",
        "family_id": family,
        "child_id": f"{family}-C1",
        "occurred_at": PROBE_DATES[number],
        "payload": {"referral_id": f"{family}-R{number + 1}", "source": "2A"},
    }


def send(producer: KafkaProducer, prefix: str, event: dict[str, Any]) -> None:
    producer.send(
        prefix + topic_for(event["event_type"]),
        key=event["family_id"].encode(),
        value=json.dumps(event).encode(),
    )


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (no interpolation: p99 of 100 values is the 99th)."""
    ordered = sorted(values)
    rank = max(1, math.ceil(share * len(ordered) - 1e-9))
    return ordered[min(rank, len(ordered)) - 1]


def measure(r: Run, url: str, background: Path, group: str) -> dict[str, Any]:
    scale = r.scale
    probes = scale.probes + WARM_UP_PROBES
    families = [f"LAT-{r.topic_prefix.strip('.')}-{k:05d}" for k in range(probes)]
    bootstrap = r.kafka_address
    alerts = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    topic = f"{r.topic_prefix}{ALERTS}"
    parts = [TopicPartition(topic, p) for p in sorted(alerts.partitions_for_topic(topic) or [])]
    alerts.assign(parts)
    alerts.seek_to_end(*parts)
    for tp in parts:
        alerts.position(tp)  # resolve the end now, before anything is produced
    listener = Listener(alerts)
    listening = threading.Thread(target=listener.run, daemon=True)
    listening.start()

    probe_producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=0)
    for family in families:  # the first two referrals of every probe family, up front
        send(probe_producer, r.topic_prefix, referral(family, 0))
        send(probe_producer, r.topic_prefix, referral(family, 1))
    probe_producer.flush()

    consumer = Child(cli("consume", "--json"), r.env(url, group=group), r.log("consume-latency"))
    load = Background(
        KafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=5),
        background,
        r.topic_prefix,
        scale.background_rate,
    )
    loading = threading.Thread(target=load.run, daemon=True)
    latencies: list[float] = []
    missed = in_a_row = 0
    gave_up = False
    try:
        loading.start()
        for k, family in enumerate(families):
            third = referral(family, 2)
            began = time.perf_counter()
            send(probe_producer, r.topic_prefix, third)
            probe_producer.flush()
            timeout = PROBE_TIMEOUT_S * (6 if k == 0 else 1)  # the first waits for group join
            arrived = listener.wait_for(third["event_id"], timeout)
            if k < WARM_UP_PROBES:
                continue
            if arrived is None:
                missed += 1
                in_a_row += 1
                if in_a_row >= GIVE_UP_AFTER_MISSES:
                    gave_up = True
                    break
            else:
                in_a_row = 0
                latencies.append(arrived - began)
            time.sleep(0.05 + 0.2 * (k % 4) / 4)  # probes spread over the poll cycle
    finally:
        load.stop.set()
        loading.join(timeout=120)
        listener.stop.set()
        listening.join(timeout=10)
        done = consumer.stop(timeout=120)
        alerts.close()
        probe_producer.close()
        load.producer.close()
    stats = done.json() or {}
    # More than 1% of probes without an alert: the p99 is not known (reported as None).
    p99 = percentile(latencies, 0.99) if missed * 100 <= len(latencies) + missed else None
    return {
        "probes": len(latencies) + missed,
        "missed": missed,
        "gave_up": gave_up,
        "p50_seconds": statistics.median(latencies) if latencies else None,
        "p95_seconds": percentile(latencies, 0.95) if latencies else None,
        "p99_seconds": p99 if latencies else None,
        "max_seconds": max(latencies) if latencies else None,
        # Produced but not handled when the consumer was stopped: a backlog means it
        # could not keep up with the load, and the latencies grew with it.
        "backlog": load.sent + 3 * len(families) - int(stats.get("messages") or 0),
        "background_target_rate": scale.background_rate,
        "background_sent": load.sent,
        "background_rate": load.sent / load.seconds if load.seconds else 0.0,
        "background_exhausted": load.exhausted,
        "consumer_messages": stats.get("messages"),
        "consumer_stored": stats.get("stored"),
        "consumer_peak_rss_mib": round(done.peak_rss_mib, 1),
    }
