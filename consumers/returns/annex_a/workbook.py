"""Reading Annex A workbooks (.xlsx, streamed) and lists saved as CSV into records.

Sheets are recognised by name, the header row by its cells (title and blank rows
above it are skipped), and every cell through the declared column types. What
was recognised and what was ignored is kept in `SourceFile.recognition`.
"""

from __future__ import annotations

import csv
import zipfile
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException
from python_calamine import CalamineWorkbook

from consumers.returns.annex_a.lists import SECTIONS, link_record, map_record
from consumers.returns.annex_a.schema import HeaderMatch, ListSpec, Schema, default_schema
from consumers.returns.facts import Record, Reject, Where
from consumers.returns.source_file import SourceFile
from consumers.returns.values import (
    BLANK,
    EXCEL_1900,
    ValueProblem,
    drop_pair,
    is_blank,
    parse_count,
    parse_date,
    parse_id,
    parse_yes_no,
)

SOURCE = "annex-a"
HEADER_SCAN = 30  # rows searched for the header below title and blank rows
# Bounds for any workbook, checked before and while it is read: a real Annex A is a
# few MB and tens of thousands of cells; a zip bomb is refused before it inflates.
MAX_UNZIPPED_BYTES = 256 * 1024 * 1024
MAX_CELLS = 5_000_000
MAX_XLS_BYTES = 64 * 1024 * 1024  # a legacy .xls is read whole


class WorkbookTooLarge(ValueError):
    """A workbook past the bounds: refused as a whole, with the bound it broke."""


def _check_zip(path: Path) -> None:
    with zipfile.ZipFile(path) as archive:
        total = sum(info.file_size for info in archive.infolist())
    if total > MAX_UNZIPPED_BYTES:
        raise WorkbookTooLarge(
            f"refused: it would unpack to more than {MAX_UNZIPPED_BYTES // 2**20} MB"
        )


def _bounded(rows: Iterable[tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
    """The rows, refusing the sheet once it holds more than MAX_CELLS cells."""
    cells = 0
    for row in rows:
        cells += len(row)
        if cells > MAX_CELLS:
            raise WorkbookTooLarge(f"refused: a sheet holds more than {MAX_CELLS:,} cells")
        yield row


def read_annex_a(path: Path, schema: Schema | None = None, as_of: date | None = None) -> SourceFile:
    """Read one workbook or CSV file; a file that cannot be read gets `error`."""
    schema = schema or default_schema()
    out = SourceFile(SOURCE, path.name, SECTIONS, map_record, link_record)
    out.recognition = {"sheets": [], "ignored_sheets": {}}
    suffix = path.suffix.lower()
    try:
        if suffix in {".xlsx", ".xlsm"}:
            _check_zip(path)
            _read_workbook(path, schema, out)
        elif suffix == ".xls":
            _read_legacy(path, schema, out)
        elif suffix in {".csv", ".txt"}:
            _read_csv(path, schema, out)
        else:
            out.error = "not an .xlsx or .xls workbook or a .csv file"
    except WorkbookTooLarge as error:
        out.error = str(error)
    except (InvalidFileException, zipfile.BadZipFile, KeyError) as error:
        out.error = f"not a readable .xlsx workbook ({type(error).__name__})"
    except (OSError, csv.Error) as error:
        out.error = f"cannot be read ({type(error).__name__})"
    except Exception as error:  # a DTD, a broken part: this file is refused, not the run
        out.error = f"not a readable workbook ({type(error).__name__})"
    if out.error is not None:  # no half file: its absences would read as retractions
        out.records.clear()
        out.rejects.clear()
    _finish(out, schema, as_of)
    return out


def _read_workbook(path: Path, schema: Schema, out: SourceFile) -> None:
    book = load_workbook(path, read_only=True, data_only=True)
    try:
        epoch = getattr(book, "epoch", EXCEL_1900)
        for sheet in book.worksheets:
            spec = schema.list_named(sheet.title)
            if spec is None:
                out.recognition["ignored_sheets"][sheet.title] = "no declared list matches its name"
                continue
            sheet.reset_dimensions()  # some writers record wrong dimensions
            rows = _bounded(sheet.iter_rows(values_only=True))
            _read_table(rows, sheet.title, [spec], schema, out, epoch)
    finally:
        book.close()


def _read_legacy(path: Path, schema: Schema, out: SourceFile) -> None:
    """A legacy .xls (Excel 97-2003, as Ofsted's own Annex A template was), read with
    calamine; dates arrive as dates, other numbers as floats, blanks as ''."""
    if path.stat().st_size > MAX_XLS_BYTES:
        raise WorkbookTooLarge(f"refused: an .xls larger than {MAX_XLS_BYTES // 2**20} MB")
    book = CalamineWorkbook.from_path(str(path))
    for name in book.sheet_names:
        spec = schema.list_named(name)
        if spec is None:
            out.recognition["ignored_sheets"][name] = "no declared list matches its name"
            continue
        data = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        rows = _bounded(tuple(None if c == "" else c for c in row) for row in data)
        _read_table(rows, name, [spec], schema, out, EXCEL_1900)


def _encoding(path: Path) -> str:
    """UTF-8 (with or without a byte-order mark), else Windows-1252, as Excel
    saves CSV on Windows."""
    try:
        with path.open(encoding="utf-8-sig") as handle:
            for _ in handle:
                pass
        return "utf-8-sig"
    except UnicodeDecodeError:
        return "cp1252"


def _read_csv(path: Path, schema: Schema, out: SourceFile) -> None:
    encoding = _encoding(path)
    with path.open(newline="", encoding=encoding) as handle:
        sample = handle.read(8192)
        handle.seek(0)
        try:
            dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t|")
        except csv.Error:
            dialect = csv.excel
        named = schema.list_named(path.stem)
        specs = [named] if named else list(schema.lists.values())
        rows = (tuple(row) for row in csv.reader(handle, dialect))
        _read_table(rows, path.name, specs, schema, out, EXCEL_1900)


def _find_header(
    rows: Iterator[tuple[Any, ...]], specs: list[ListSpec], schema: Schema
) -> tuple[int, ListSpec, HeaderMatch] | str:
    """The header row (number, list, match), or why none was found."""
    for number, row in enumerate(rows, start=1):
        if number > HEADER_SCAN:
            break
        fits = [(s, m) for s in specs if (m := schema.header_for(s, row)) is not None]
        if len(fits) > 1:
            best = max(len(m.fields) for _, m in fits)
            fits = [(s, m) for s, m in fits if len(m.fields) == best]
        if len(fits) == 1:
            return number, fits[0][0], fits[0][1]
        if len(fits) > 1:
            names = ", ".join(s.section for s, _ in fits)
            return f"row {number} fits {names} alike: name the file or sheet after its list"
    if len(specs) == 1:
        needed = ", ".join(specs[0].required)
        return f"no header row with columns for {needed} in the first {HEADER_SCAN} rows"
    return f"no header row of a declared list in the first {HEADER_SCAN} rows"


def _read_table(
    rows: Iterable[tuple[Any, ...]],
    sheet: str,
    specs: list[ListSpec],
    schema: Schema,
    out: SourceFile,
    epoch: datetime,
) -> None:
    stream = iter(rows)
    found = _find_header(stream, specs, schema)
    if isinstance(found, str):
        section = specs[0].section if len(specs) == 1 else "unrecognised"
        out.rejects.append(Reject(Where(out.file, sheet), section, found))
        return
    header_row, spec, match = found
    out.recognition["sheets"].append(
        {
            "sheet": sheet,
            "list": spec.number,
            "title": spec.title,
            "header_row": header_row,
            "columns": {match.headers[f]: f for f in match.fields},
            "ignored": match.ignored,
            "not_found": [c for c in spec.columns if c not in match.fields],
        }
    )
    for number, row in enumerate(stream, start=header_row + 1):
        if all(is_blank(cell) for cell in row):
            continue
        _read_row(row, number, sheet, spec, match, schema, out, epoch)


def _parse(value: Any, kind: str, codes: str | None, schema: Schema, epoch: datetime) -> Any:
    if kind == "id":
        return parse_id(value)
    if kind == "date":
        return parse_date(value, epoch)
    if kind == "count":
        return parse_count(value)
    if kind == "yes_no":
        return parse_yes_no(value, schema.codes["yes_no"])
    assert codes is not None
    return schema.codes[codes].match(value)


def _read_row(
    row: tuple[Any, ...],
    number: int,
    sheet: str,
    spec: ListSpec,
    match: HeaderMatch,
    schema: Schema,
    out: SourceFile,
    epoch: datetime,
) -> None:
    values: dict[str, Any] = {}
    raw: dict[str, str] = {}  # only the columns read: never names from other columns
    problems: list[str] = []
    dropped: list[tuple[str, str]] = []
    for name, index in match.fields.items():
        cell = row[index] if index < len(row) else None
        header = match.headers[name]
        raw[header] = "" if cell is None else str(cell)
        column = spec.columns[name]
        try:
            values[name] = _parse(cell, column.type, column.codes, schema, epoch)
        except ValueProblem as problem:
            if name in _essential(spec):
                problems.append(f"{header} {problem}")
            else:  # an optional answer that cannot be read: drop it, keep the row
                values[name] = None
                dropped.append((header, str(problem)))
            continue
        if values[name] is None and column.required:
            if name in _essential(spec):
                problems.append(f"{header} {BLANK}")
            else:
                dropped.append((header, BLANK))
    for pair in PAIRS.get(spec.number, ()):
        if all(name in match.fields for name in pair):
            first, second = ((match.headers[name], values[name]) for name in pair)
            if drop_pair(first, second, dropped):
                values.update(dict.fromkeys(pair))
    where = Where(out.file, sheet, number)
    child = values.get("child_id")
    if problems:
        out.rejects.append(Reject(where, spec.section, "; ".join(problems), raw, None, child))
        return
    assert isinstance(child, str)  # a required id column: present when nothing is wrong
    out.records.append(Record(SOURCE, spec.section, where, child, values, raw, dropped))


# Beside the anchor (child id and the list's key date), the fields without which a
# row states no event at all: a plan needs its category, a care row its legal status.
ESSENTIAL: dict[str, frozenset[str]] = {
    "7": frozenset({"category"}),
    "8": frozenset({"legal_status"}),
}


# Fields that state one fact together: either unreadable, both are dropped
# (List 6: the closure needs its date and its reason; the episode stays open).
PAIRS: dict[str, tuple[tuple[str, str], ...]] = {"6": (("cin_closure", "closure_reason"),)}


def _essential(spec: ListSpec) -> frozenset[str]:
    """The fields whose problem rejects the row; any other is dropped with a finding."""
    return frozenset({"child_id", spec.key}) | ESSENTIAL.get(spec.number, frozenset())


def _finish(out: SourceFile, schema: Schema, as_of: date | None) -> None:
    """The date the file speaks for, each event list's covered period, and which
    children each list reports on."""
    dates = [
        v
        for r in out.records
        for k, v in r.values.items()
        if isinstance(v, date) and k != "birth_date"
    ]
    # A mistyped future date must not make this file outrank every later one.
    out.as_of = as_of or (min(max(dates), date.today()) if dates else None)
    for spec in schema.lists.values():
        mine = [r for r in out.records if r.section == spec.section]
        out.presence[spec.section] = {r.child_id for r in mine}
        if spec.coverage and mine:
            keys = [r.values[spec.key] for r in mine]
            out.coverage[spec.section] = (min(keys), max(keys))
