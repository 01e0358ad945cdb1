"""Figure 1: Kafka ingest by `casejourney consume` against kafka-python + COPY.

The data set is published once (`casejourney publish`, itself timed); then each
reader gets a fresh database and its own consumer group, so each reads exactly the
same messages from the start of the same topics. Rates are "steady": from the
first batch visible in the database to the last, which leaves out interpreter start
and group join (a few seconds that would otherwise flatter the fast baseline's
ratio); the wall rate including them is kept in the JSON.
"""

from __future__ import annotations

from typing import Any

from bench.context import Run
from bench.procs import Child, cli, module, run
from bench.watch import watch_projected, watch_store
from domain.contract import SOURCE_TOPICS

GIVE_UP_S = 4 * 3600


def create_topics(r: Run) -> None:
    done = run(cli("topics", "create"), r.env("sqlite:///:memory:"), r.log("topics"))
    if done.returncode != 0:
        raise RuntimeError(f"topics create failed: {done.stderr.strip()[-1500:]}")


def publish(r: Run) -> dict[str, Any]:
    """Publish the data set to the source topics; the publisher's own rate."""
    create_topics(r)
    done = run(
        cli("publish", str(r.data), "--json", "--rejects", str(r.work / "publish-rejects.jsonl")),
        r.env("sqlite:///:memory:"),
        r.log("publish"),
    )
    summary = done.json() or {}
    if done.returncode != 0 or summary.get("sent") != r.stats.events:
        raise RuntimeError(f"publish did not send every event: {summary} {done.stderr[-1500:]}")
    return {
        "events": r.stats.events,
        "seconds": round(done.seconds, 2),
        "rate": r.stats.events / done.seconds,
        "peak_rss_mib": round(done.peak_rss_mib, 1),
        "cpu_seconds": round(done.cpu_seconds, 1),
    }


def raw_baseline(r: Run) -> dict[str, Any]:
    url = r.postgres.database("raw_kafka")
    topics = [f"{r.topic_prefix}{name}" for name in SOURCE_TOPICS]
    done = run(
        module(
            "bench.raw_consume",
            url,
            r.kafka_address,
            f"{r.topic_prefix}bench-raw",
            str(r.stats.events),
            *topics,
        ),
        r.env(url),
        r.log("raw-consume"),
        timeout=GIVE_UP_S,
    )
    out = done.json() or {}
    if done.returncode != 0 or out.get("written") != r.stats.events:
        raise RuntimeError(f"raw baseline read {out} of {r.stats.events}: {done.stderr[-1500:]}")
    steady = r.stats.events / (out["done_s"] - out["first_s"])
    return {
        "events": out["written"],
        "rate": steady,
        "wall_seconds": round(done.seconds, 2),
        "wall_rate": r.stats.events / done.seconds,
        "peak_rss_mib": round(done.peak_rss_mib, 1),
        "cpu_seconds": round(done.cpu_seconds, 1),
    }


def consume(
    r: Run, database: str, group: str, project: bool, processes: int = 1, follower: bool = False
) -> tuple[str, dict[str, Any]]:
    """`casejourney consume` into a fresh database until every event is stored.

    With `processes` > 1, that many consumers join one group and share the
    partitions: how a council would scale ingest out on the same machine. With
    `follower`, the consumers store only and one `project --follow` beside them
    projects: the same work as projections on, spread over processes.
    """
    url = r.postgres.database(database)
    # One notification per event plus one Family.Created per family.
    target = r.stats.events + r.stats.families
    table = events_table(url)
    argv = cli("consume", "--idle-exit", "2", "--json")
    if not project:
        argv.append("--no-project")
    env = r.env(url, group=group)
    children = [
        Child(argv, env, r.log(f"consume-{database}" + (f"-{n}" if processes > 1 else "")))
        for n in range(processes)
    ]
    if follower:
        children.append(Child(cli("project", "--follow"), env, r.log(f"follow-{database}")))
    progress = watch_store(children, url, table, target, GIVE_UP_S)
    stored_s = progress.done_s
    # With projections on, the pass is done when the read models hold every event
    # too: storing fast while the projection falls behind is not the figure.
    projected = (
        not (project or follower)
        or progress.done_s is None
        or watch_projected(children, url, table, progress, GIVE_UP_S)
    )
    # Everything is stored (and its offsets committed right after each batch): stop it
    # now rather than wait out --idle-exit, which stays only as a safety net.
    done = [child.stop(timeout=300) for child in children]
    stats = [d.json() or {} for d in done]
    stored = sum(s.get("stored") or 0 for s in stats)
    if progress.done_s is None or stored != r.stats.events or not projected:
        raise RuntimeError(
            f"consume stored {stored} of {r.stats.events} "
            f"(store holds {progress.seen}): {done[0].stderr[-1500:]}"
        )
    return url, {
        "events": r.stats.events,
        "processes": processes,
        "rate": progress.steady_rate(r.stats.events),
        "wall_seconds": round(progress.done_s, 2),
        # When the last event was stored; with projections on, `wall_seconds` is when
        # the read models held it as well.
        "stored_seconds": round(stored_s or 0.0, 2),
        "wall_rate": progress.wall_rate(r.stats.events),
        "peak_rss_mib": round(max(d.peak_rss_mib for d in done), 1),
        **({"follower_peak_rss_mib": round(done[-1].peak_rss_mib, 1)} if follower else {}),
        "cpu_seconds": round(sum(d.cpu_seconds for d in done), 1),
        "dead_lettered": sum(s.get("dead_lettered") or 0 for s in stats),
        "duplicates": sum(s.get("duplicates") or 0 for s in stats),
        "batches": sum(s.get("batches") or 0 for s in stats),
    }


def events_table(url: str) -> str:
    """Create the event store's tables (so the watcher can query them at once) and
    return the events table's qualified name."""
    from store.family_store import FamilyStore

    with FamilyStore(url) as store:
        recorder: Any = store.recorder
        return f'"{recorder.datastore.schema}"."{recorder.events_table_name}"'
