"""The CLI's number formats and tables, at their edges (casejourney/commands/output.py)."""

from __future__ import annotations

from casejourney.commands.output import count, number, plural, rate, table


def test_a_whole_median_prints_as_a_whole_number_beside_a_half() -> None:
    # `8` beside `13.0` was the complaint: grouped medians are floats when even.
    assert [number(8), number(13.0), number(12.5), number(0), number(None)] == [
        "8",
        "13",
        "12.5",
        "0",
        "-",
    ]
    assert number(12.25) == "12.2" and number(1234.0) == "1,234"


def test_rates_are_percentages_with_one_decimal_and_nothing_to_divide_is_na() -> None:
    assert [rate(0.1739), rate(0.0), rate(1.0), rate(0.00049), rate(None)] == [
        "17.4%",
        "0.0%",
        "100.0%",
        "0.0%",
        "n/a",
    ]


def test_counts_are_whole_numbers_with_thousands_separated() -> None:
    assert [count(0), count(7347), count(None)] == ["0", "7,347", "-"]
    assert plural(1, "step") == "1 step" and plural(0, "step") == "0 steps"
    assert plural(2, "family", "families") == "2 families"


def test_a_table_heads_its_columns_and_marks_missing_values() -> None:
    assert table(["family", "team", "n"], [["F1", None, 3], ["F-long", "", 10]]) == [
        "family  team  n",
        "F1      -     3",
        "F-long  -     10",
    ]
    assert table(["only"], []) == ["only"]
