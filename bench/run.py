"""The benchmark run: services up, data generated, every figure measured, results written.

    python -m bench --scale council            # or: make bench SCALE=council
    python -m bench --scale national --fraction 0.1

Each figure is measured in its own child process beside its baseline, in this order:
publish, raw Kafka baseline, `consume` (store only, then with projections), file
ingest (SQLite, PostgreSQL), rebuild and raw read (PostgreSQL, SQLite), dashboard,
as-at and verify, and last alert latency (it adds events to the store). A figure
that fails is reported with its error and the run goes on.
"""

from __future__ import annotations

import argparse
import shutil
import signal
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import audit, dashboard, file_ingest, kafka_ingest, latency, rebuild, report
from bench.context import PARTITIONS, Run
from bench.machine import describe
from bench.procs import ROOT, stop_all
from bench.scales import SCALES
from bench.services import DEFAULT_KAFKA_DIR, Kafka, Postgres
from bench.synth import write_jsonl
from bench.targets import judge

FIGURES = ("ingest", "file", "rebuild", "dashboard", "audit", "latency")
BACKGROUND_EVENTS_PER_FAMILY = 16  # one-year window, measured


def parse(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    p.add_argument("--scale", choices=sorted(SCALES), default="council")
    p.add_argument("--fraction", type=float, default=1.0, help="run this share of the families")
    p.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    p.add_argument("--work", type=Path, help="working directory (default: a temporary one)")
    p.add_argument("--keep", action="store_true", help="keep the working directory")
    p.add_argument("--kafka", metavar="HOST:PORT", help="use this broker instead of starting one")
    p.add_argument("--kafka-dir", default=DEFAULT_KAFKA_DIR, help="state dir of the own broker")
    p.add_argument("--only", help=f"comma-separated subset of {','.join(FIGURES)}")
    p.add_argument("--no-sqlite", action="store_true", help="leave out the SQLite store")
    return p.parse_args(argv)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv: list[str] | None = None) -> int:
    # SIGTERM, and SIGINT even where a background shell ignored it, unwind through the
    # `finally` blocks: children stopped, PostgreSQL and the own broker shut down.
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGINT, _interrupt)
    args = parse(argv)
    scale = SCALES[args.scale]
    if args.fraction != 1.0:
        scale = scale.part(args.fraction)
    only = set(args.only.split(",")) if args.only else set(FIGURES)
    unknown = only - set(FIGURES)
    if unknown:
        print(f"bench: unknown figures {sorted(unknown)}", file=sys.stderr)
        return 2
    work = args.work or Path(tempfile.mkdtemp(prefix=f"cj-bench-{scale.name}-"))
    work.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    try:
        with Postgres() as pg, Kafka(args.kafka, args.kafka_dir) as kafka:
            assert kafka.address is not None
            prefix = f"bench{int(time.time())}."
            r = Run(scale, work, pg, kafka.address, prefix)
            try:
                result = measure(r, only, sqlite=scale.sqlite and not args.no_sqlite)
            finally:
                stop_all()
            result["machine"] = describe(Postgres.binary(), Kafka.version())
            if only != set(FIGURES):
                result["only"] = sorted(only)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    result["seconds"] = round(time.perf_counter() - started, 1)
    json_path, md_path = report.write(result, args.out)
    print(report.markdown(result))
    print(f"bench: wrote {json_path} and {md_path} in {result['seconds']:.0f} s", flush=True)
    return 0


def step(r: Run, name: str, action: Callable[[], Any]) -> Any:
    """Run one measurement; a failure is noted (with its error) and the run goes on.

    The machine's load average before and after is kept beside each step: a figure
    taken while other work shared the two cores says so.
    """
    began = time.perf_counter()
    load_before = load_average()
    print(f"bench: {name} ...", flush=True)
    try:
        value = action()
    except Exception as error:
        traceback.print_exc()
        r.note(f"{name} failed: {type(error).__name__}: {str(error)[:400]}")
        return None
    seconds = time.perf_counter() - began
    load_after = load_average()
    r.steps[name] = {"seconds": round(seconds, 1), "load": [load_before, load_after]}
    print(f"bench: {name} done in {seconds:.1f} s (load {load_before} -> {load_after})", flush=True)
    return value


def load_average() -> float:
    """The one-minute load average (0.0 where /proc is not there)."""
    try:
        return float(Path("/proc/loadavg").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 0.0


def generate(r: Run) -> Path:
    scale = r.scale
    r.stats = write_jsonl(r.data, scale.families, scale.years, scale.seed)
    background = r.work / "background.jsonl"
    events = scale.background_rate * (30 + 1.2 * scale.probes)
    families = max(scale.background_families, int(events / BACKGROUND_EVENTS_PER_FAMILY))
    write_jsonl(background, families, 1, scale.seed + 1000, offset=scale.families, shared=False)
    return background


def measure(r: Run, only: set[str], sqlite: bool = True) -> dict[str, Any]:
    scale = r.scale
    background = generate(r)
    data = {
        "families": r.stats.families,
        "events": r.stats.events,
        "referrals": r.stats.referrals,
        "referrals_per_year": r.stats.referrals / scale.years,
        "bytes": r.stats.bytes,
        "generate_seconds": r.stats.seconds,
        "by_type": r.stats.by_type,
        "partitions": PARTITIONS,
        "longest_families": r.stats.events_per_family,
    }
    r.note(
        f"generated {r.stats.events:,} events, {r.stats.referrals:,} referrals, "
        f"{r.stats.families:,} families in {r.stats.seconds:.0f} s"
    )
    f = r.figures
    store_url: str | None = None
    peaks: list[float] = []
    if "ingest" in only or "latency" in only:
        f["publish"] = step(r, "publish", lambda: kafka_ingest.publish(r))
    if "ingest" in only:
        raw = step(r, "raw Kafka baseline", lambda: kafka_ingest.raw_baseline(r))
        n = scale.consumers
        got = step(
            r,
            "consume (store only" + (f", {n} processes)" if n > 1 else ")"),
            lambda: kafka_ingest.consume(r, "kafka_store", "store", False, n),
        )
        if got:
            store_url, consume = got
            peaks.append(consume["peak_rss_mib"])
            f["kafka_ingest"] = {"consume": consume, "baseline": raw}
            if raw:
                f["kafka_ingest"]["ratio"] = consume["rate"] / raw["rate"]
        if scale.parallel_consumers > 1:
            n = scale.parallel_consumers
            _another_pass(r, peaks, raw, f"consume ({n} processes, store only)", "parallel", n)
        if scale.projected_pass:
            _another_pass(r, peaks, raw, "consume (projections on)", "projected", 1)
        if scale.projected_pass and scale.parallel_consumers > 1:
            n = scale.parallel_consumers
            label = f"consume ({n} processes, store only) + project --follow"
            _another_pass(r, peaks, raw, label, "scaled", n)
    sqlite_url = None
    if not sqlite and ({"file", "rebuild"} & only):
        r.note("the SQLite store is not measured in this run (PostgreSQL only)")
    # The later figures read a filled PostgreSQL store: without the Kafka pass, the
    # file ingest fills it (so `--only dashboard` works on its own).
    needs_store = bool({"rebuild", "dashboard", "audit", "latency"} & only)
    if "file" in only or "rebuild" in only or (store_url is None and needs_store):
        f.setdefault("file_ingest", {})
        sqlite_too = sqlite and ("file" in only or "rebuild" in only)
        got = step(r, "file ingest (SQLite)", lambda: file_ingest.sqlite(r)) if sqlite_too else None
        if got:
            sqlite_url, f["file_ingest"]["sqlite"] = got
        file_pg = "file" in only and scale.file_ingest_postgres
        if "file" in only and not file_pg and store_url is not None:
            r.note(
                "file ingest into PostgreSQL not measured at this scale (the Kafka pass "
                "filled the store; the council scale measures it)"
            )
        if file_pg or store_url is None:
            got = step(r, "file ingest (PostgreSQL)", lambda: file_ingest.postgres(r))
            if got:
                f["file_ingest"]["postgresql"] = got[1]
                store_url = store_url or got[0]
    if store_url is None:
        r.note("no PostgreSQL store was filled; later figures skipped")
        return _result(r, data)
    if {"rebuild", "dashboard", "audit", "latency"} & only:
        # The read models the dashboard and the alerts read come from this rebuild.
        f["rebuild"] = {}
        got = step(r, "rebuild (PostgreSQL)", lambda: rebuild.rebuild(r, store_url, "postgresql"))
        if got:
            f["rebuild"]["postgresql"] = got
        if sqlite_url and "rebuild" in only:
            got = step(r, "rebuild (SQLite)", lambda: rebuild.rebuild(r, sqlite_url, "sqlite"))
            if got:
                f["rebuild"]["sqlite"] = got
    if "dashboard" in only:
        family = audit.long_family(r)
        f["dashboard"] = step(r, "dashboard", lambda: dashboard.measure(r, store_url, family))
    if "audit" in only:
        f["audit"] = step(r, "as-at and verify", lambda: audit.measure(r, store_url))
    if "latency" in only:
        if "ingest" not in only:
            r.note("alert latency needs the ingest figures' consumer group; skipped")
        else:
            f["alert_latency"] = step(
                r, "alert latency", lambda: latency.measure(r, store_url, background, "store")
            )
            if f["alert_latency"]:
                peaks.append(f["alert_latency"]["consumer_peak_rss_mib"])
    dash = f.get("dashboard") or {}
    f["memory"] = {
        "consumer_mib": max(peaks) if peaks else None,
        # The Streamlit server when the browser run took place, else the AppTest process.
        "dashboard_mib": dash.get("server_peak_rss_mib") or dash.get("peak_rss_mib"),
        "dashboard_apptest_mib": dash.get("peak_rss_mib"),
    }
    return _result(r, data)


def _another_pass(
    r: Run, peaks: list[float], raw: dict[str, Any] | None, label: str, kind: str, processes: int
) -> None:
    """One more consume of the same messages into a fresh store, kept beside the first
    as `consume_<kind>` with its ratio to the same raw baseline."""
    got = step(
        r,
        label,
        lambda: kafka_ingest.consume(
            r, f"kafka_{kind}", kind, kind == "projected", processes, follower=kind == "scaled"
        ),
    )
    ingest = r.figures.get("kafka_ingest")
    if got and ingest is not None:
        peaks.append(got[1]["peak_rss_mib"])
        ingest[f"consume_{kind}"] = got[1]
        if raw:
            ingest[f"{kind}_ratio"] = got[1]["rate"] / raw["rate"]


def _result(r: Run, data: dict[str, Any]) -> dict[str, Any]:
    scale = r.scale
    return {
        "date": datetime.now(UTC).date().isoformat(),
        "scale": {
            "name": scale.name,
            "families": scale.families,
            "years": scale.years,
            "seed": scale.seed,
            "fraction": scale.fraction,
        },
        "data": data,
        "figures": r.figures,
        "steps": r.steps,
        "targets": [v.to_json() for v in judge(scale.name, r.figures)],
        "notes": r.notes,
    }
