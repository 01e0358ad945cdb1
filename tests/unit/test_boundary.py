"""The door: every hostile shape is refused with a reason that names it and never
quotes the record; nothing it lets through breaks a bound later stages rely on."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from consumers.files.jsonl import decode, read_lines
from domain.contract import ContractError, parse_event
from domain.json_text import decode_json
from domain.limits import MAX_RECORD_BYTES
from tests.support.hostile import GOOD, HOSTILE, SECRET, referral


@pytest.mark.parametrize(("name", "data", "fragment"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_each_hostile_record_is_refused_for_its_reason(
    name: str, data: bytes, fragment: str
) -> None:
    event, reason, event_id = decode(data)
    assert event is None
    assert reason is not None and fragment in reason
    assert SECRET not in reason and "Jane" not in reason
    if event_id is not None:
        assert event_id.isprintable() and "\n" not in event_id


def test_the_event_id_of_a_forged_line_is_not_shown() -> None:
    bad = json.dumps(referral("e1\nrejected e2: all good")).encode()
    assert decode(bad)[2] is None


def test_a_byte_order_mark_is_tolerated() -> None:
    data = "\ufeff".encode() + json.dumps(GOOD[0]).encode()
    event, reason, _ = decode(data)
    assert reason is None and event is not None and event.event_id == "good-1"


def test_size_limit_is_in_bytes() -> None:
    with pytest.raises(ContractError, match="exceeds the limit"):
        decode_json(b" " * (MAX_RECORD_BYTES + 1))


def test_business_time_may_be_up_to_a_year_ahead() -> None:
    record = referral("f1", occurred_at="2027-06-01")
    assert parse_event(record, today=date(2026, 12, 1)).event_id == "f1"
    with pytest.raises(ContractError, match="future"):
        parse_event(record, today=date(2026, 1, 1))


def test_leap_day_and_the_range_edges() -> None:
    assert parse_event(referral("d1", occurred_at="2024-02-29")).business_date == date(2024, 2, 29)
    assert parse_event(referral("d2", occurred_at="1900-01-01")).event_id == "d2"
    with pytest.raises(ContractError):
        parse_event(referral("d3", occurred_at="2023-02-29"))


def test_free_text_keeps_line_breaks_and_tabs() -> None:
    event = parse_event(referral("t1", note="first line\nsecond\tline"))
    assert event.extra["note"] == "first line\nsecond\tline"


def test_a_file_of_hostile_lines_keeps_every_good_line(tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    with path.open("wb") as out:
        out.write("\ufeff".encode() + json.dumps(GOOD[0]).encode() + b"\n")
        for _, data, _ in HOSTILE:
            out.write(data.replace(b"\n", b"\\n") + b"\n")
        out.write(json.dumps(GOOD[1]).encode() + b"\n")
    lines = list(read_lines(path))
    assert [line.event.event_id for line in lines if line.event] == ["good-1", "good-2"]
    assert len([line for line in lines if line.event is None]) == len(HOSTILE)


def test_an_oversized_line_is_kept_in_part_and_never_held_whole(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    limit = 1_000
    with path.open("wb") as out:
        out.write(b'{"event_id": "big", "x": "' + b"y" * 50_000 + b'"}\n')
        out.write(json.dumps(GOOD[0]).encode() + b"\n")
    big, good = list(read_lines(path, max_bytes=limit))
    assert big.event is None and big.reason is not None and "exceeds the limit" in big.reason
    assert len(big.text) == limit
    assert good.event is not None and good.number == 2
