"""One rejects writer for file lines and return rows: same shape, same console line,
never the content on the console."""

from __future__ import annotations

import io
import json
from pathlib import Path

from consumers.files.jsonl import Line, RejectedLine
from consumers.rejects import RejectsFile, default_rejects_path
from consumers.returns.facts import Reject, Where


def test_nothing_rejected_writes_no_file(tmp_path: Path) -> None:
    path = default_rejects_path(tmp_path / "events.jsonl")
    assert path.name == "events.jsonl.rejects.jsonl"
    with RejectsFile(path, io.StringIO()) as rejects:
        pass
    assert not path.exists() and rejects.written() is None


def test_lines_and_return_rows_share_one_file_shape(tmp_path: Path) -> None:
    path = tmp_path / "out" / "rejects.jsonl"
    console = io.StringIO()
    line = Line("events.jsonl", 7, '{"note": "Sam, 4"}', None, "missing event_id")
    row = Reject(Where("annex.xlsx", "List 3", 12), "list 3", "bad date", {"dob": "Sam"}, "E1")
    with RejectsFile(path, console) as rejects:
        rejects.write(RejectedLine(line, line.reason or "invalid"))
        rejects.write(row)
    records = [json.loads(text) for text in path.read_text().splitlines()]
    assert [set(r) >= {"file", "line", "event_id", "reason", "raw"} for r in records] == [
        True,
        True,
    ]
    assert records[0]["raw"] == line.text and records[1]["raw"] == {"dob": "Sam"}
    assert console.getvalue().splitlines() == [
        "rejected events.jsonl:7: missing event_id",
        "rejected annex.xlsx [List 3] row 12 event_id=E1: bad date",
    ]
    assert "Sam" not in console.getvalue()
    assert rejects.count == 2 and rejects.written() == str(path)
