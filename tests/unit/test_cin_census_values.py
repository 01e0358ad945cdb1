"""Cell values as real returns hold them: each kind of mess read to one clean value."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from consumers.returns.annex_a.schema import default_schema
from consumers.returns.values import ValueProblem, normalise, parse_count, parse_date, parse_id

JAN_3 = date(2024, 1, 3)


@pytest.mark.parametrize(
    "value",
    [
        datetime(2024, 1, 3, 0, 0),
        JAN_3,
        45294,  # Excel serial number
        45294.0,
        "45294",
        "03/01/2024",
        "3/1/24",
        "2024-01-03",
        "2024-01-03T00:00:00",
        "03/01/2024 00:00",
        "03-01-2024",
        "03.01.2024",
        "3-Jan-24",
        "3-jan-2024",
        "3 January 2024",
        " 03/01/2024 ",
        "20240103",
        20240103,
    ],
)
def test_every_date_shape_reads_as_the_same_day(value: object) -> None:
    assert parse_date(value) == JAN_3


def test_plausible_serials_read_at_both_ends_and_a_time_of_day_is_dropped() -> None:
    assert parse_date(18_264) == date(1950, 1, 1)
    assert parse_date(73_050) == date(2099, 12, 31)
    assert parse_date(45294.75) == JAN_3  # 6 pm on 3 January 2024


@pytest.mark.parametrize("value", [None, "", "  ", "N/A", "-"])
def test_blank_dates_are_none(value: object) -> None:
    assert parse_date(value) is None


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("31/02/2024", "is not a date"),
        ("soon", "is not a date"),
        (True, "is true/false, not a date"),
        (9_999_999, "is not an Excel date from 1950 to 2099"),
        (17.5, "is a fractional number, not a date"),  # never 1900-01-17
        ("17.5", "is a fractional number, not a date"),
        (17, "is not an Excel date from 1950 to 2099"),
        ("3", "is not an Excel date from 1950 to 2099"),
        (18_263, "is not an Excel date from 1950 to 2099"),  # 31 December 1949
        ("01/01/1850", "is a date outside 1900-2100"),
        (datetime(1850, 1, 1), "is a date outside 1900-2100"),
    ],
)
def test_impossible_dates_are_refused_with_a_reason_that_never_quotes_them(
    value: object, reason: str
) -> None:
    """The whole reason is fixed: the value is in no part of it (the rejects file's
    raw row keeps it)."""
    with pytest.raises(ValueProblem) as refused:
        parse_date(value)
    assert str(refused.value) == reason


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1234, "1234"),
        (1234.0, "1234"),
        ("1234.0", "1234"),
        (" 1234 ", "1234"),
        ("\u00a01234\u00a0", "1234"),
        ("AB-12", "AB-12"),
        ("", None),
        (None, None),
    ],
)
def test_ids_lose_trailing_zero_decimals_and_stray_spaces(value: object, expected: str) -> None:
    assert parse_id(value) == expected


def test_fractional_and_overlong_ids_are_refused() -> None:
    with pytest.raises(ValueProblem, match="fractional"):
        parse_id(12.5)
    with pytest.raises(ValueProblem, match="64 characters"):
        parse_id("x" * 65)


def test_normalise_ignores_case_spacing_and_punctuation() -> None:
    assert normalise("  Referral   NFA? ") == "referral nfa"
    assert normalise("List_3 Referrals") == "list 3 referrals"
    assert normalise("Child's Legal Status") == normalise("CHILD\u2019S  LEGAL-STATUS")


@pytest.mark.parametrize(
    ("table", "value", "code"),
    [
        ("referral_source", "a) 1A: Individual", "1A"),
        ("referral_source", "1a", "1A"),
        ("referral_source", "Police", "6"),
        ("referral_source", 6.0, "6"),
        ("referral_source", "School nurse", "3C"),
        ("referral_source", "SCHOOLS", "2A"),
        ("referral_source", "LA services - early help", "5D"),
        ("referral_source", "OTHER LEGAL AGENCY - courts", "7"),
        ("referral_source", "10: Unknown", "10"),
        ("sex", "a) Male", "M"),
        ("sex", "Female", "F"),
        ("sex", "c) Not stated/recorded", "U"),
        ("primary_need", "N1 - Abuse or neglect", "N1"),
        ("primary_need", "Family in acute stress", "N4"),
        ("closure_reason", "RC8 - Case closed after assessment, no further action", "RC8"),
        ("closure_reason", "Case closed after assessment, referred to early help", "RC9"),
        ("closure_reason", "Services ceased", "RC7"),
        ("abuse_category", "a) Neglect", "NEG"),
        ("abuse_category", "e) Multiple/not recommended", "MUL"),
        ("legal_status", "C1: ICO", "C1"),
        ("legal_status", "Interim care order", "C1"),
        ("legal_status", "V2: Single period under S20", "V2"),
        ("yes_no", "a) Yes", "yes"),
        ("yes_no", "N", "no"),
        ("yes_no", "Unknown", None),
    ],
)
def test_code_labels_from_templates_and_free_typing_read_as_codes(
    table: str, value: object, code: str | None
) -> None:
    assert default_schema().codes[table].match(value) == code


def test_an_unknown_code_is_refused_naming_the_list() -> None:
    with pytest.raises(ValueProblem) as refused:
        default_schema().codes["referral_source"].match("Zq Hostile")
    assert str(refused.value) == "is not a known referral source code"


@pytest.mark.parametrize("value", ["twelve", "-3", "4 or 5", "1e3"])
def test_a_count_that_is_not_a_whole_number_is_refused_without_quoting_it(value: str) -> None:
    with pytest.raises(ValueProblem) as refused:
        parse_count(value)
    assert str(refused.value) == "is not a whole number"
