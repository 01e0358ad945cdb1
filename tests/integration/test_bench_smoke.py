"""The benchmark harness runs end to end at a tiny scale and reports every figure.

Proves `python -m bench` works (services, data, each figure beside its baseline,
the JSON and the Markdown table); it asserts nothing about speed. It uses the
suite's broker when KAFKA_BOOTSTRAP_SERVERS is set, else the harness starts its
own in a private directory, as `make bench` does.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.kafka, pytest.mark.postgres]

FIGURES = (
    "publish",
    "kafka_ingest",
    "file_ingest",
    "rebuild",
    "alert_latency",
    "dashboard",
    "memory",
    "audit",
)
ROWS = (
    "1. Kafka ingest → PostgreSQL",
    "1. Kafka ingest → PostgreSQL, 2 `consume` processes in one group",
    "1. Kafka ingest → PostgreSQL, projections on (`consume`; stored and projected)",
    "1. Kafka ingest → PostgreSQL, 2 `consume --no-project` + `project --follow`",
    "2. File ingest → SQLite",
    "2. File ingest → PostgreSQL",
    "3. Rebuild, PostgreSQL",
    "3. Rebuild, SQLite",
    "4. Alert latency",
    "5. Dashboard: Overview",
    "6. Peak RSS, consumer",
    "6. Peak RSS, dashboard",
    "7. As-at replay, long-lived family",
    "7. As-at replay, whole store",
    "7. Verify, whole store",
)


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, str, str]:
    out = tmp_path_factory.mktemp("bench-results")
    work = tmp_path_factory.mktemp("bench-work")
    argv = [sys.executable, "-m", "bench", "--scale", "tiny", "--out", str(out)]
    argv += ["--work", str(work)]
    servers = os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "").strip()
    if servers:
        argv += ["--kafka", servers]
    else:
        argv += ["--kafka-dir", str(work / "kafka")]
    done = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    (json_path,) = out.glob("*-tiny.json")
    (md_path,) = out.glob("*-tiny.md")
    return json.loads(json_path.read_text()), md_path.read_text(), done.stdout


def test_every_figure_is_measured_with_its_baseline(results: tuple[dict, str, str]) -> None:
    result, _, _ = results
    assert result["notes"] and not [n for n in result["notes"] if "failed" in n], result["notes"]
    figures = result["figures"]
    assert set(FIGURES) <= set(figures), sorted(figures)
    for name in FIGURES:
        assert figures[name], f"{name} is empty"
    ingest = figures["kafka_ingest"]
    assert ingest["consume"]["events"] == ingest["baseline"]["events"] == result["data"]["events"]
    assert ingest["consume"]["rate"] > 0 and ingest["ratio"] > 0
    assert ingest["consume"]["dead_lettered"] == 0
    parallel = ingest["consume_parallel"]  # two processes in one group share the work
    assert parallel["processes"] == 2 and parallel["events"] == result["data"]["events"]
    assert parallel["rate"] > 0 and parallel["dead_lettered"] == 0
    projected = ingest["consume_projected"]  # timed until the read models hold it all
    assert projected["events"] == result["data"]["events"] and projected["rate"] > 0
    assert 0 < projected["stored_seconds"] <= projected["wall_seconds"]
    scaled = ingest["consume_scaled"]  # two storing, one following: also until projected
    assert scaled["events"] == result["data"]["events"] and scaled["processes"] == 2
    assert 0 < scaled["stored_seconds"] <= scaled["wall_seconds"]
    assert scaled["follower_peak_rss_mib"] > 0
    for store in ("sqlite", "postgresql"):
        assert figures["file_ingest"][store]["rate"] > 0
        rebuild = figures["rebuild"][store]
        assert rebuild["families"] == result["data"]["families"]
        assert rebuild["ratio"] > 0 and rebuild["baseline"]["rate"] > 0
    latency = figures["alert_latency"]
    assert latency["missed"] == 0 and latency["probes"] == 5
    assert 0 < latency["p50_seconds"] <= latency["p99_seconds"]
    assert not figures["dashboard"]["failed_pages"], figures["dashboard"]["pages"]
    # Chromium's three rounds: a fresh browser, warm, and after the read models moved.
    assert figures["dashboard"]["slowest_browser_moved_seconds"] > 0, result["notes"]
    assert figures["memory"]["consumer_mib"] > 0 and figures["memory"]["dashboard_mib"] > 0
    assert [v["run"] for v in figures["audit"]["store"]["verify"]] == ["seal", "check"]


def test_machine_and_targets_are_reported(results: tuple[dict, str, str]) -> None:
    result, _, _ = results
    machine = result["machine"]
    assert machine["nproc"] >= 1 and machine["cpu_model"] and machine["python"]
    assert machine["memory_gib"] > 0
    verdicts = {v["figure"]: v["met"] for v in result["targets"]}
    later = {name for name in verdicts if name.endswith("(issue 13)")}
    assert len(verdicts) - len(later) == 8  # issue 7's five targets, per store and per part
    assert {  # and issue 13's for the write path, judged whenever their figures are there
        "Kafka ingest, PostgreSQL, fastest pass (issue 13)",
        "publish, peak memory (issue 13)",
    } <= later
    assert None not in verdicts.values(), result["targets"]


def test_markdown_table_has_every_row_and_is_printed(results: tuple[dict, str, str]) -> None:
    result, markdown, stdout = results
    for row in ROWS:
        assert f"| {row}" in markdown, row
    assert "| target | measured | result |" in markdown
    assert result["date"] in markdown and result["machine"]["cpu_model"] in markdown
    assert markdown.strip() in stdout
