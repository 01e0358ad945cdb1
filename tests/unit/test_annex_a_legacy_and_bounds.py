"""Legacy .xls workbooks are read like .xlsx; any workbook is read within bounds
(a zip bomb or a sheet of millions of cells is refused with a clear error)."""

from __future__ import annotations

import resource
import time
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
import xlwt

from consumers.returns.annex_a import workbook
from consumers.returns.annex_a.workbook import read_annex_a
from tests.unit.test_annex_a_workbooks import LIST3, LIST7, write_workbook


def write_xls(path: Path) -> Path:
    """A real Excel 97-2003 workbook (BIFF8), as Ofsted's Annex A template is."""
    book = xlwt.Workbook()
    as_date = xlwt.easyxf(num_format_str="DD/MM/YYYY")
    cover = book.add_sheet("Cover")
    cover.write(0, 0, "Annex A return (synthetic)")
    sheet = book.add_sheet("List 3")
    sheet.write(0, 0, "Annex A - List 3: Referrals")
    for col, header in enumerate(LIST3):
        sheet.write(2, col, header)
    rows = [
        [9001.0, "Female", "", datetime(2016, 4, 2), datetime(2024, 1, 8), "2A", "No", 2.0, ""],
        ["9002", "Male", "", "", "03/03/2024", "Police", "Yes", 0.0, ""],
    ]
    for r, row in enumerate(rows, start=3):
        for col, value in enumerate(row):
            if isinstance(value, datetime):
                sheet.write(r, col, value, as_date)
            else:
                sheet.write(r, col, value)
    plans = book.add_sheet("List 7")
    for col, header in enumerate(LIST7):
        plans.write(0, col, header)
    for col, value in enumerate([9001, "01/02/2024", "Neglect", "", "", 1]):
        plans.write(1, col, value)
    book.save(str(path))
    return path


def test_a_legacy_xls_reads_like_an_xlsx(tmp_path: Path) -> None:
    source = read_annex_a(write_xls(tmp_path / "annex.xls"))
    assert source.error is None
    referrals = [r for r in source.records if r.section == "list 3"]
    assert [(r.child_id, r.values["referral_date"], r.where.row) for r in referrals] == [
        ("9001", date(2024, 1, 8), 4),
        ("9002", date(2024, 3, 3), 5),
    ]
    first = referrals[0]
    assert first.values["birth_date"] == date(2016, 4, 2)
    assert first.values["prior_referrals"] == 2 and first.values["sex"] == "F"
    assert referrals[1].values["referral_source"] == "6" and referrals[1].values["referral_nfa"]
    (plan,) = [r for r in source.records if r.section == "list 7"]
    assert plan.values["previous_plans"] == 1
    assert source.recognition["ignored_sheets"] == {"Cover": "no declared list matches its name"}


def test_a_file_that_is_not_really_xls_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "fake.xls"
    path.write_bytes(b"not a compound document")
    source = read_annex_a(path)
    assert source.error is not None and source.records == []


def test_a_zip_bomb_is_refused_before_it_inflates(tmp_path: Path) -> None:
    good = write_workbook(tmp_path / "good.xlsx", {"List 3": [LIST3]})
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(bomb, "w") as target:
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        padding = zipfile.ZipInfo("xl/media/padding.bin")
        padding.compress_type = zipfile.ZIP_DEFLATED
        with target.open(padding, "w", force_zip64=True) as handle:  # under 1 MB on disk
            block = b"\0" * (1 << 20)
            for _ in range(300):  # 300 MB, past the 256 MB bound
                handle.write(block)
    assert bomb.stat().st_size < 4 * 2**20
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.monotonic()
    result = read_annex_a(bomb)
    assert result.error == "refused: it would unpack to more than 256 MB"
    assert time.monotonic() - started < 5
    grown_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert grown_kb < 100 * 1024  # nothing inflated


def test_a_sheet_past_the_cell_bound_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(workbook, "MAX_CELLS", 50)
    rows = [[i, "F", "", "", "01/02/2024", "2A", "No", 0, ""] for i in range(1, 20)]
    source = read_annex_a(write_workbook(tmp_path / "big.xlsx", {"List 3": [LIST3, *rows]}))
    assert source.error == "refused: a sheet holds more than 50 cells"
    assert source.records == []
