"""The `import` command's own output says, per list, how many rows were kept whole,
kept with dropped fields and rejected, and names each dropped field (where, which,
why), not only the summary JSON."""

from __future__ import annotations

from pathlib import Path

import pytest

from casejourney.commands.imports import SHOWN_DROPPED, dropped_lines
from consumers.returns.summary import FileReport
from tests.integration.test_import_annex_a import run
from tests.unit.test_annex_a_workbooks import LIST4, LIST6, LIST7, write_workbook

SUPPORT = "Was the child assessed as requiring LA children's social care support?"


def test_the_output_has_each_lists_counts_and_each_dropped_field(
    tmp_path: Path,
    sqlite_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = write_workbook(
        tmp_path / "a.xlsx",
        {
            "List 4": [
                LIST4,
                [31, "02/01/2024", "20/02/2024", "c) Not recorded yet", ""],
                [32, "03/01/2024", "21/02/2024", "a) Yes", ""],
            ],
            "List 6": [LIST6, [31, "01/01/2024", "N99", "", "", ""]],
            "List 7": [LIST7, [31, "01/02/2024", "Not a category", "", "", ""]],
        },
    )
    assert run(sqlite_url, monkeypatch, "import", "annex-a", str(path)) == 1
    out = capsys.readouterr().out
    assert "  list 4: rows 2, kept whole 1, kept with dropped fields 1, rows rejected 0," in out
    assert "  list 6: rows 1, kept whole 0, kept with dropped fields 1, rows rejected 0," in out
    assert "  list 7: rows 1, kept whole 0, kept with dropped fields 0, rows rejected 1," in out
    assert "  2 fields dropped, their rows kept:" in out
    assert f"    dropped: list 4 a.xlsx [List 4] row 2: {SUPPORT} (" in out
    assert "    dropped: list 6 a.xlsx [List 6] row 2: Primary Need Code (" in out


def test_a_long_list_of_dropped_fields_is_cut_and_says_where_the_rest_are() -> None:
    report = FileReport("a.xlsx", "annex-a")
    finding = {"section": "list 6", "where": "a.xlsx [List 6] row 2", "field": "F", "reason": "r"}
    report.dropped = [finding] * (SHOWN_DROPPED + 3)
    lines = dropped_lines(report)
    assert lines[0] == f"  {SHOWN_DROPPED + 3} fields dropped, their rows kept:"
    assert len(lines) == 1 + SHOWN_DROPPED + 1
    assert lines[-1] == "    ... and 3 more in the summary JSON"
    assert dropped_lines(FileReport("b.xlsx", "annex-a")) == []


def test_a_row_refused_after_a_field_was_dropped_counts_as_rejected_only(
    tmp_path: Path,
    sqlite_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # The unknown need is dropped, and then the closure date has no reason: refused.
    row = [33, "01/01/2024", "N99", "01/03/2024", "", ""]
    path = write_workbook(tmp_path / "a.xlsx", {"List 6": [LIST6, row]})
    assert run(sqlite_url, monkeypatch, "import", "annex-a", str(path)) == 1
    out = capsys.readouterr().out
    assert "  list 6: rows 1, kept whole 0, kept with dropped fields 0, rows rejected 1," in out
    assert "dropped:" not in out
