"""publish holds at most `max_in_flight` unconfirmed sends, whatever the file's size:
kafka-python 3.0 has no buffer-memory bound of its own. A slow broker stands in here
(a unit test of the bound); tests/integration/test_kafka_pipeline.py publishes for real."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from consumers.files.jsonl import read_lines
from consumers.kafka.publisher import PublishSummary, publish_lines
from consumers.kafka.settings import KafkaSettings
from consumers.rejects import RejectsFile
from tests.support.events import raw


class _Future:
    def __init__(self, topic: str) -> None:
        self.topic = topic
        self.callbacks: list[Callable[[Any], None]] = []

    def add_callback(self, fn: Callable[[Any], None]) -> None:
        self.callbacks.append(fn)

    def add_errback(self, fn: Callable[[BaseException], None]) -> None:
        pass


class SlowBroker:
    """Confirms one send every millisecond on its own thread, counting what waits."""

    def __init__(self) -> None:
        self.waiting: list[_Future] = []
        self.lock = threading.Lock()
        self.most_waiting = 0
        self.confirmed = 0
        self._stop = False
        self._thread = threading.Thread(target=self._confirm, daemon=True)
        self._thread.start()

    def send(self, topic: str, key: bytes, value: bytes) -> _Future:
        future = _Future(topic)
        with self.lock:
            self.waiting.append(future)
            self.most_waiting = max(self.most_waiting, len(self.waiting))
        return future

    def _confirm(self) -> None:
        while not self._stop:
            time.sleep(0.001)
            with self.lock:
                future = self.waiting.pop(0) if self.waiting else None
            if future is not None:
                for fn in future.callbacks:
                    fn(future)
                self.confirmed += 1

    def flush(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while self.waiting and time.monotonic() < deadline:
            time.sleep(0.005)
        self._stop = True


def test_sends_wait_for_the_broker_beyond_the_bound(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    events = [
        raw("ReferralReceived", "2025-01-06", family_id=f"F{n}", referral_id="R1", source="2A")
        for n in range(300)
    ]
    path.write_text("".join(json.dumps(e) + "\n" for e in events))
    broker = SlowBroker()
    summary = PublishSummary()
    with RejectsFile(tmp_path / "rejects.jsonl") as rejects:
        publish_lines(
            broker,  # type: ignore[arg-type]
            KafkaSettings(bootstrap_servers="unused"),
            read_lines(path),
            rejects,
            summary,
            max_in_flight=25,
        )
    assert summary.sent == 300 == broker.confirmed
    assert broker.most_waiting <= 25
