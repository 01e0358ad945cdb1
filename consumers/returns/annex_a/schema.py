"""The declared Annex A schema (schema.yml) and matching sheets and headers to it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from consumers.returns.values import CodeTable, normalise

SCHEMA_PATH = Path(__file__).with_name("schema.yml")


@dataclass(frozen=True)
class Column:
    name: str
    headers: tuple[re.Pattern[str], ...]
    type: str  # id | date | code | yes_no | count
    codes: str | None
    required: bool
    feeds: str


@dataclass(frozen=True)
class Ignored:
    headers: tuple[re.Pattern[str], ...]
    why: str


@dataclass(frozen=True)
class ListSpec:
    number: str
    title: str
    sheet: tuple[re.Pattern[str], ...]
    coverage: bool
    key: str
    columns: dict[str, Column]
    ignore: tuple[Ignored, ...]

    @property
    def section(self) -> str:
        return f"list {self.number}"

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns.values() if c.required]


@dataclass
class HeaderMatch:
    """Which column index feeds which field, and what was left out and why."""

    fields: dict[str, int] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)  # field -> header as written
    ignored: dict[str, str] = field(default_factory=dict)  # header as written -> why

    def missing(self, spec: ListSpec) -> list[str]:
        return [name for name in spec.required if name not in self.fields]


def _patterns(items: list[str]) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p) for p in items)


def _flatten(items: list[Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for item in items:
        out.extend(_flatten(item) if isinstance(item, list) else [item])
    return out


@dataclass(frozen=True)
class Schema:
    lists: dict[str, ListSpec]
    codes: dict[str, CodeTable]

    @classmethod
    def load(cls, path: Path = SCHEMA_PATH) -> Schema:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        lists: dict[str, ListSpec] = {}
        for number, spec in data["lists"].items():
            columns = {
                name: Column(
                    name,
                    _patterns(col["headers"]),
                    col["type"],
                    col.get("codes"),
                    bool(col.get("required")),
                    col.get("feeds", ""),
                )
                for name, col in spec["columns"].items()
            }
            ignore = tuple(
                Ignored(_patterns(i["headers"]), i["why"]) for i in _flatten(spec.get("ignore", []))
            )
            lists[str(number)] = ListSpec(
                str(number),
                spec["title"],
                _patterns(spec["sheet"]),
                bool(spec.get("coverage")),
                spec["key"],
                columns,
                ignore,
            )
        codes = {
            name: CodeTable.build(name.replace("_", " "), t) for name, t in data["codes"].items()
        }
        return cls(lists, codes)

    def list_named(self, name: str) -> ListSpec | None:
        """The list a sheet or file name declares, if any."""
        norm = normalise(name)
        for spec in self.lists.values():
            if any(p.search(norm) for p in spec.sheet):
                return spec
        return None

    def match(self, spec: ListSpec, row: tuple[Any, ...]) -> HeaderMatch:
        """Match one row of header cells to the list's declared columns; each
        field takes the first header that matches it."""
        found = HeaderMatch()
        for index, cell in enumerate(row):
            if cell is None or not str(cell).strip():
                continue
            written = " ".join(str(cell).split())
            norm = normalise(cell)
            column = next(
                (
                    c
                    for c in spec.columns.values()
                    if c.name not in found.fields and any(p.search(norm) for p in c.headers)
                ),
                None,
            )
            if column is not None:
                found.fields[column.name] = index
                found.headers[column.name] = written
                continue
            why = next((i.why for i in spec.ignore if any(p.search(norm) for p in i.headers)), None)
            if why is None and any(
                any(p.search(norm) for p in c.headers) for c in spec.columns.values()
            ):
                why = "a second column for a field already read"
            found.ignored[written] = why or "not declared in schema.yml"
        return found

    def header_for(self, spec: ListSpec, row: tuple[Any, ...]) -> HeaderMatch | None:
        """The match when this row is the list's header: the child id and every
        required column are there."""
        found = self.match(spec, row)
        return None if found.missing(spec) else found


@cache
def default_schema() -> Schema:
    return Schema.load()
