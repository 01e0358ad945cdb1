"""Cell values as real returns hold them: messy ids, dates and code labels.

Each parser returns a clean value, None for a blank, or raises `ValueProblem`
whose message says what is wrong and never what the value was: a "code" column
can hold a name typed in the wrong cell, so no value is quoted. The caller names
the record and field; the value itself stays only in the rejects file's raw row.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

EXCEL_1900 = datetime(1899, 12, 30)
# The plausible Excel serials: 1 January 1950 to 1 January 2100. A smaller number in
# a date column is a count or a typo, not a day in 1900 (17.5 is not 17 January 1900).
SERIAL_MIN = 18_264  # 1950-01-01
SERIAL_MAX = 73_051  # 2100-01-01
_BLANKS = frozenset({"", "n/a", "na", "null", "none", "-"})
_SPACES = re.compile(r"[\s\u00a0\u200b\ufeff]+")
_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")
_INTEGRAL = re.compile(r"^(\d+)\.0+$")
_TIME_TAIL = re.compile(r"[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?$")

# Day first always: English returns never write month first.
DATE_FORMATS: tuple[str, ...] = (
    "%Y-%m-%d",
    "%d/%m/%Y",
    "%d/%m/%y",
    "%d-%m-%Y",
    "%d-%m-%y",
    "%d.%m.%Y",
    "%d.%m.%y",
    "%Y/%m/%d",
    "%d-%b-%y",
    "%d-%b-%Y",
    "%d %b %y",
    "%d %b %Y",
    "%d-%B-%Y",
    "%d %B %Y",
    "%d %B %y",
    "%Y%m%d",
)


class ValueProblem(ValueError):
    """A value that cannot be read; the message is safe to log."""


BLANK = "is blank"  # the finding for a blank field the record should have had


@lru_cache(maxsize=4096)
def _normalise(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def normalise(text: Any) -> str:
    """Lower case, every run of punctuation or space one space: how headers,
    sheet names and code labels are compared, so 'Referral NFA?' and
    'referral_nfa' read alike."""
    return re.sub(r"[^a-z0-9]+", " ", str(text).lower()).strip()


def is_blank(value: Any) -> bool:
    if value is None:
        return True
    return isinstance(value, str) and _SPACES.sub(" ", value).strip().lower() in _BLANKS


def _text(value: Any) -> str:
    return _SPACES.sub(" ", str(value)).strip()


def parse_id(value: Any) -> str | None:
    """An id from a cell: numbers lose a trailing '.0', text loses stray spaces."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise ValueProblem("is true/false, not an id")
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueProblem("is a fractional number, not an id")
        value = int(value)
    text = _text(value)
    whole = _INTEGRAL.match(text)
    if whole:
        text = whole.group(1)
    if len(text) > 64:
        raise ValueProblem("is longer than 64 characters")
    return text


def _from_serial(serial: float, epoch: datetime) -> date:
    """A day from an Excel serial in the plausible range; a fraction is a time of day
    only on such a serial (a small fractional number is refused, never truncated)."""
    if epoch == EXCEL_1900:
        low, high = SERIAL_MIN, SERIAL_MAX
    else:  # the 1904 system counts 1,462 days fewer
        low, high = SERIAL_MIN - 1_462, SERIAL_MAX - 1_462
    if not low <= serial < high:
        if serial != int(serial):
            raise ValueProblem("is a fractional number, not a date")
        raise ValueProblem("is not an Excel date from 1950 to 2099")
    return (epoch + timedelta(days=int(serial))).date()


def _sane(day: date) -> date:
    if not 1900 <= day.year <= 2100:
        raise ValueProblem("is a date outside 1900-2100")
    return day


def parse_date(value: Any, epoch: datetime = EXCEL_1900) -> date | None:
    """A date from a cell: a datetime, an Excel serial number, or text in any of
    `DATE_FORMATS` (a time of day after it is dropped)."""
    if is_blank(value):
        return None
    if isinstance(value, datetime):
        return _sane(value.date())
    if isinstance(value, date):
        return _sane(value)
    if isinstance(value, bool):
        raise ValueProblem("is true/false, not a date")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    found = _date_text(str(value), epoch)
    if isinstance(found, str):
        raise ValueProblem(found)
    return found


@lru_cache(maxsize=65_536)
def _date_text(value: str, epoch: datetime) -> date | str:
    """A date from text, or the reason it is not one (cached: returns repeat dates)."""
    text = _TIME_TAIL.sub("", _text(value))
    try:
        if _NUMBER.match(text) and not (len(text) == 8 and text.isdigit()):
            return _sane(_from_serial(float(text), epoch))
        for fmt in DATE_FORMATS:
            try:
                day = datetime.strptime(text, fmt).date()
            except ValueError:
                continue
            return _sane(day)
    except ValueProblem as problem:
        return str(problem)
    return "is not a date"


def anchor(name: str, parse: Callable[[], Any]) -> Any:
    """A value its record cannot be without: blank or unreadable, the record is
    refused with a reason naming the field (never quoting the value)."""
    try:
        value = parse()
    except ValueProblem as problem:
        raise ValueProblem(f"{name} {problem}") from None
    if value is None:
        raise ValueProblem(f"{name} {BLANK}")
    return value


def drop_pair(
    first: tuple[str, Any], second: tuple[str, Any], dropped: list[tuple[str, str]]
) -> bool:
    """Two fields that state one fact (a closure date and its reason), each given
    as (name, value): when either could not be read (a finding in `dropped`), the
    other is dropped beside it with a finding, and True says the fact is not
    recorded; the record is kept rather than refused for one unreadable answer."""
    names = {first[0], second[0]}
    unread = sorted({name for name, why in dropped if why != BLANK} & names)
    if not unread:
        return False
    for name, value in (first, second):
        if name not in unread and value is not None:
            dropped.append((name, f"is left out with the unreadable {unread[0]}"))
    return True


MAX_COUNT = 999  # domain.contract.MAX_STATED_COUNT


def parse_count(value: Any) -> int | None:
    """A count a return states ('Number of ...'): a whole number from 0 to 999."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise ValueProblem("is true/false, not a count")
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueProblem("is a fractional number, not a count")
        value = int(value)
    text = _text(value)
    whole = _INTEGRAL.match(text)
    if whole:
        text = whole.group(1)
    if not text.isdigit() or not text.isascii():
        raise ValueProblem("is not a whole number")
    if int(text) > MAX_COUNT:
        raise ValueProblem(f"is more than {MAX_COUNT}")
    return int(text)


@dataclass(frozen=True)
class CodeTable:
    """A controlled list: each code with the label patterns that mean it.

    A value is matched first by its leading token being the code itself
    ('1A: Individual', 'RC8 - closed'), then with a template enumerator such as
    'a) ' removed, then against the declared patterns in order.
    """

    name: str
    patterns: Mapping[str, Sequence[re.Pattern[str]]]
    _memo: dict[Any, str | ValueProblem | None] = field(
        default_factory=dict, compare=False, repr=False
    )

    @classmethod
    def build(cls, name: str, table: Mapping[str, Sequence[str]]) -> CodeTable:
        return cls(name, {str(code): [re.compile(p) for p in pats] for code, pats in table.items()})

    def match(self, value: Any) -> str | None:
        """The code, None for a blank (or a value declared as 'unknown')."""
        key = (type(value), value)
        if key not in self._memo:
            try:
                self._memo[key] = self._match(value)
            except ValueProblem as problem:
                self._memo[key] = problem
        found = self._memo[key]
        if isinstance(found, ValueProblem):
            raise ValueProblem(str(found))
        return found

    def _match(self, value: Any) -> str | None:
        if is_blank(value):
            return None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        norm = normalise(value)
        forms = [norm]
        stripped = re.sub(r"^[a-z][0-9]? ", "", norm)
        if stripped != norm:
            forms.append(stripped)
        by_token = {normalise(code): code for code in self.patterns}
        for form in forms:
            token = form.split(" ", 1)[0] if form else ""
            if token in by_token:
                return self._known(by_token[token], value)
        for form in forms:
            for code, patterns in self.patterns.items():
                if any(p.search(form) for p in patterns):
                    return self._known(code, value)
        raise ValueProblem(f"is not a known {self.name} code")

    @staticmethod
    def _known(code: str, value: Any) -> str | None:
        return None if code == "unknown" else code


def parse_yes_no(value: Any, table: CodeTable) -> bool | None:
    code = table.match(value)
    return None if code is None else code == "yes"
