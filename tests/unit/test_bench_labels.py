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
