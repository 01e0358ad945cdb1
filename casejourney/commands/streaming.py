"""Kafka subcommands: topics create, publish, consume, lag.

The work is in consumers/; this module parses options, prints summaries and turns
SIGINT/SIGTERM into a clean stop of the consumer.
"""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
import threading
import time
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from types import FrameType
from typing import IO, Any

from kafka.errors import KafkaError

from casejourney import collector
from casejourney.commands.arguments import JSON_HELP, positive
from casejourney.commands.output import count
from casejourney.container import Container
from consumers.files.jsonl import read_lines
from consumers.kafka.clients import make_admin, make_producer
from consumers.kafka.lag import group_lag, lag_json
from consumers.kafka.messages import MAX_MESSAGE_BYTES
from consumers.kafka.publisher import PublishSummary, publish_lines
from consumers.kafka.topics import DEAD_LETTER, create_topics, missing_topics, source_topics
from consumers.rejects import RejectsFile, default_rejects_path

Handler = Callable[[argparse.Namespace, Container], int]

PUBLISH_DELIVERY_MS = 600_000


def _reports_unreachable(handler: Handler) -> Handler:
    """A broker that cannot be reached or refuses us: say so in one line, no traceback."""

    @wraps(handler)
    def run(args: argparse.Namespace, container: Container) -> int:
        if not getattr(args, "verbose", False):
            # kafka-python warns about routine rebalances and coordinator moves;
            # keep its errors (a broker that does not answer) and our own warnings.
            logging.getLogger("kafka").setLevel(logging.ERROR)
        try:
            return handler(args, container)
        except KafkaError as error:
            servers = container.settings.kafka.bootstrap_servers
            print(
                f"casejourney: Kafka at {servers}: {type(error).__name__}: {error} "
                "(check KAFKA_BOOTSTRAP_SERVERS and the KAFKA_SECURITY_/SASL_/SSL_ settings)",
                file=sys.stderr,
            )
            return 2

    return run


def register(sub: Any) -> None:
    p = sub.add_parser("topics", help="manage the Kafka topics")
    topics_sub = p.add_subparsers(dest="topics_command", required=True, metavar="ACTION")
    c = topics_sub.add_parser("create", help="create the source, alert and dead-letter topics")
    c.set_defaults(handler=_reports_unreachable(topics_create))

    p = sub.add_parser("publish", help="send contract JSON Lines to their Kafka topics")
    p.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="JSON Lines files")
    p.add_argument("--rejects", type=Path, help="rejects file (default: beside each input)")
    p.add_argument(
        "--max-message-bytes",
        type=positive,
        default=MAX_MESSAGE_BYTES,
        help=f"a larger line is rejected, not sent (default {MAX_MESSAGE_BYTES:,})",
    )
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.set_defaults(handler=_reports_unreachable(publish))

    p = sub.add_parser("consume", help="record events from Kafka in the store (a group member)")
    p.add_argument("--max-messages", type=int, help="stop after handling this many messages")
    p.add_argument(
        "--idle-exit",
        type=float,
        metavar="SECONDS",
        help="stop when nothing arrived for SECONDS and every assigned partition is done",
    )
    p.add_argument("--no-project", action="store_true", help="do not run projections")
    p.add_argument(
        "--max-message-bytes",
        type=positive,
        default=MAX_MESSAGE_BYTES,
        help=f"a larger message is dead-lettered, not stored (default {MAX_MESSAGE_BYTES:,})",
    )
    p.add_argument(
        "--session-timeout-ms",
        type=positive,
        default=10_000,
        help="how long the group waits for a silent member before rebalancing (default 10000)",
    )
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.set_defaults(handler=_reports_unreachable(consume))

    p = sub.add_parser("lag", help="the consumer group's lag per topic and partition")
    p.add_argument("--json", action="store_true", help=JSON_HELP)
    p.set_defaults(handler=_reports_unreachable(lag))


# --- topics ---------------------------------------------------------------------------


def topics_create(args: argparse.Namespace, container: Container) -> int:
    kafka = container.settings.kafka
    admin = make_admin(kafka, "casejourney-topics")
    try:
        result = create_topics(admin, kafka)
    finally:
        admin.close()
    for name in result.created:
        print(f"created {name} ({kafka.partitions} partitions)")
    for name in result.existing:
        print(f"exists  {name}")
    return 0


def _require_topics(container: Container, names: list[str]) -> None:
    admin = make_admin(container.settings.kafka, "casejourney-check")
    try:
        missing = missing_topics(admin, names)
    finally:
        admin.close()
    if missing:
        raise ValueError(
            f"missing Kafka topics {', '.join(missing)}: run `casejourney topics create` first"
        )


# --- publish --------------------------------------------------------------------------


class Progress:
    """A progress bar on a terminal, a line every few seconds otherwise (logs, CI)."""

    def __init__(self, total: int, label: str, stream: IO[str] | None = None) -> None:
        self.total = max(total, 1)
        self.label = label
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.every = 0.2 if self.tty else 5.0
        self.shown = 0.0
        self.started = time.monotonic()

    def update_from(self, summary: PublishSummary) -> None:
        self.update(summary.read)

    def update(self, done: int, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self.shown < self.every:
            return
        self.shown = now
        share = min(done / self.total, 1.0)
        rate = done / max(now - self.started, 1e-6)
        text = f"{self.label}: {done}/{self.total} lines ({share:4.0%}, {rate:,.0f}/s)"
        if self.tty:
            filled = int(share * 30)
            bar = "#" * filled + "-" * (30 - filled)
            self.stream.write(f"\r[{bar}] {text}")
            if force:
                self.stream.write("\n")
        else:
            self.stream.write(text + "\n")
        self.stream.flush()


def count_lines(path: Path) -> int:
    lines, last = 0, b"\n"
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            lines += chunk.count(b"\n")
            last = chunk[-1:]
    return lines + (last != b"\n")


def publish(args: argparse.Namespace, container: Container) -> int:
    kafka = container.settings.kafka
    for path in args.paths:
        if not path.is_file():
            raise FileNotFoundError(f"no such file: {path}")
    _require_topics(container, source_topics(kafka))
    # A bulk load may outrun the broker for minutes (a national file is millions of
    # lines): batches wait up to ten minutes for delivery rather than the client's
    # two, which lost a quarter of a million messages (kept as rejects) on a
    # broker that fell silent for over two minutes in the national benchmark.
    producer = make_producer(kafka, "casejourney-publish", delivery_timeout_ms=PUBLISH_DELIVERY_MS)
    summaries: list[PublishSummary] = []
    try:
        for path in args.paths:
            rejects_path = args.rejects if args.rejects and len(args.paths) == 1 else None
            if args.rejects and len(args.paths) > 1:
                rejects_path = args.rejects.with_name(f"{path.name}.{args.rejects.name}")
            rejects_path = rejects_path or default_rejects_path(path)
            summary = PublishSummary()
            rejects = RejectsFile(rejects_path, sys.stderr)
            progress = Progress(count_lines(path), str(path))
            try:
                publish_lines(
                    producer,
                    kafka,
                    read_lines(path),
                    rejects,
                    summary,
                    args.max_message_bytes,
                    progress.update_from,
                )
            except KafkaError as error:
                print(
                    f"casejourney: {path}: the broker did not confirm every message "
                    f"({type(error).__name__}); publish the file again (the consumer "
                    "skips events the store already has)",
                    file=sys.stderr,
                )
                return 1
            finally:
                rejects.close()
                progress.update(summary.read, force=True)
            summary.rejects_file = rejects.written()
            summaries.append(summary)
            _print_publish(path, summary, args.json)
    finally:
        producer.close(timeout=30)
    bad = sum(s.rejected + s.failed for s in summaries)
    return 1 if bad else 0


def _print_publish(path: Path, summary: PublishSummary, as_json: bool) -> None:
    if as_json:
        print(json.dumps({"file": str(path), **summary.to_json()}))
        return
    print(
        f"{path}: read {count(summary.read)}, sent {count(summary.sent)}, "
        f"rejected {count(summary.rejected)}, failed {count(summary.failed)}"
        + (f" (see {summary.rejects_file})" if summary.rejects_file else "")
    )
    for topic, sent in summary.by_topic.items():
        print(f"  {topic}: {count(sent)}")


# --- consume --------------------------------------------------------------------------


def consume(args: argparse.Namespace, container: Container) -> int:
    from consumers.kafka.stream import StreamConsumer

    settings = container.settings
    kafka = settings.kafka
    _require_topics(container, [*source_topics(kafka), kafka.topic(DEAD_LETTER)])
    after_batch = None
    if not args.no_project and hasattr(container, "projector"):
        after_batch = container.projector.run_once
    consumer = StreamConsumer(
        container.store,
        kafka,
        batch_size=settings.batch_size,
        max_message_bytes=args.max_message_bytes,
        session_timeout_ms=args.session_timeout_ms,
        after_batch=after_batch,
        project_interval=settings.project_interval,
        catch_up_events=settings.catch_up_events,
    )
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        if stop.is_set():  # a second signal: abandon the batch, commit nothing
            raise KeyboardInterrupt
        stop.set()  # finish the batch in hand, commit it, leave the group

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    collector.for_a_service()  # a full collection would land on a waiting alert
    try:
        stats = consumer.run(stop, args.max_messages, args.idle_exit)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        consumer.close()
    if args.json:
        print(json.dumps({"group": kafka.group_id, **stats.to_json()}))
    else:
        rate = stats.messages / stats.seconds if stats.seconds else 0.0
        print(
            f"consumed {count(stats.messages)} messages in {stats.seconds:.1f} s ({rate:,.0f}/s): "
            f"stored {count(stats.stored)}, duplicates {count(stats.duplicates)}, "
            f"dead-lettered {count(stats.dead_lettered)} (to {kafka.topic(DEAD_LETTER)})"
        )
    return 0


# --- lag ------------------------------------------------------------------------------


def lag(args: argparse.Namespace, container: Container) -> int:
    kafka = container.settings.kafka
    rows = group_lag(kafka)
    if args.json:
        print(json.dumps(lag_json(rows, kafka.group_id), indent=2))
        return 0
    print(f"group {kafka.group_id}")
    print(f"{'topic':<32} {'partition':>9} {'committed':>10} {'end':>10} {'lag':>8}")
    for row in rows:
        committed = "-" if row.committed is None else str(row.committed)
        print(f"{row.topic:<32} {row.partition:>9} {committed:>10} {row.end:>10} {row.lag:>8}")
    print(f"{'total':<32} {'':>9} {'':>10} {'':>10} {sum(r.lag for r in rows):>8}")
    return 0
