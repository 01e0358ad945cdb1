"""A consume pass run by several processes says so in the table and the verdicts:
a two-process rate must never read as one process's."""

from __future__ import annotations

from bench.report import figure_rows
from bench.targets import judge


def figures(processes: int) -> dict:
    consume = {"rate": 12_000.0, "processes": processes}
    return {"kafka_ingest": {"consume": consume, "baseline": {"rate": 40_000.0}, "ratio": 0.3}}


def test_a_one_process_pass_is_named_plainly() -> None:
    (row, *_), *_ = figure_rows(figures(1))
    assert row == "1. Kafka ingest → PostgreSQL (`consume --no-project`)"
    assert judge("council", figures(1))[0].figure == "Kafka ingest, PostgreSQL"


def test_a_two_process_pass_names_its_processes() -> None:
    (row, *_), *_ = figure_rows(figures(2))
    assert row.endswith(", 2 processes in one group)")
    verdict = judge("national", figures(2))[0]
    assert verdict.figure == "Kafka ingest, PostgreSQL, 2 consumer processes"
    assert verdict.measured == "12,000 events/s, 0.30 of raw" and verdict.met is False


def test_issue_13s_write_path_targets_judge_the_fastest_pass_and_publish_memory() -> None:
    run = figures(1)
    run["kafka_ingest"]["consume_parallel"] = {"rate": 21_000.0, "processes": 2}
    run["kafka_ingest"]["parallel_ratio"] = 0.52
    run["kafka_ingest"]["consume_projected"] = {"rate": 4_999.0, "processes": 1}
    run["publish"] = {"rate": 9_000.0, "peak_rss_mib": 512.0}
    by_name = {v.figure: v for v in judge("national", run)}
    fastest = by_name["Kafka ingest, PostgreSQL, fastest pass (issue 13)"]
    assert fastest.measured == "21,000 events/s, 0.52 of raw" and fastest.met is True
    assert by_name["Kafka ingest, projections on (issue 13)"].met is False  # 1 short of 5,000
    assert by_name["publish, peak memory (issue 13)"].met is True  # at the bound, not over
    run["kafka_ingest"]["parallel_ratio"] = 0.49
    assert {v.figure: v for v in judge("national", run)}[fastest.figure].met is False
