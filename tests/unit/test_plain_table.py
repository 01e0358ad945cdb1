"""The family record's plain tables: every cell reads back as its text, none turns live."""

from __future__ import annotations

import math

import pandas as pd

from dashboard.plain_table import cell_text, markdown_table
from tests.support.dashboard_app import read_markdown_table

HOSTILE = [
    "![x](http://host/beacon)",
    "a | b",
    "**bold** _it_ `code` <b>html</b> &amp;",
    "see www.example.org or a@b.org",
    "- a list?",
    "back\\slash",
    "line one\nline two",
]


def test_hostile_cells_read_back_as_their_text_and_make_no_link_image_or_column() -> None:
    frame = pd.DataFrame({"team": HOSTILE, "n": range(len(HOSTILE))})
    text = markdown_table(frame)
    assert len(text.splitlines()) == len(HOSTILE) + 2, "one line per row: no cell breaks a line"
    assert "](" not in text.replace("\\]\\(", ""), "no unescaped link or image"
    back = read_markdown_table(text)
    assert list(back.columns) == ["team", "n"]
    assert list(back["team"]) == [" ".join(h.splitlines()) for h in HOSTILE]
    assert list(back["n"]) == [str(n) for n in range(len(HOSTILE))]


def test_nothing_is_blank_and_a_flag_is_yes_or_no() -> None:
    assert [cell_text(v) for v in (None, math.nan, True, False, 0)] == ["", "", "yes", "no", "0"]
    back = read_markdown_table(markdown_table(pd.DataFrame({"a": [None, "x"], "b": ["y", None]})))
    assert back.values.tolist() == [["", "y"], ["x", ""]]
