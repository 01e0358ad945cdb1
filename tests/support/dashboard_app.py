"""Where AppTest finds the dashboard (the entry script the composition root owns, and
each page's script as AppTest.switch_page takes it), and how a test reads the plain
tables a page draws as Markdown."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest

from dashboard.navigation import VIEWS
from domain.safe_text import JOINER

APP = Path(__file__).resolve().parents[2] / "casejourney" / "dashboard_app.py"


def page_path(file: str) -> str:
    """A page under dashboard/views, absolute (the entry script lives elsewhere)."""
    return str(VIEWS / file)


_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")  # a backslash before ASCII punctuation


def read_markdown_table(text: str) -> pd.DataFrame:
    """A table dashboard.plain_table drew, read back as the page shows its text: the
    escapes and the invisible word joiners markdown_text adds are taken out again."""

    def cells(line: str) -> list[str]:
        inner = line.strip()[2:-2]
        parts = re.split(r"(?<!\\) \| ", inner)
        return [_ESCAPED.sub(r"\1", p).replace(JOINER, "").strip() for p in parts]

    head, _rule, *body = text.splitlines()
    return pd.DataFrame([cells(line) for line in body], columns=cells(head))


def plain_tables(at: AppTest) -> list[pd.DataFrame]:
    """Every plain table on the page, in page order."""
    return [read_markdown_table(m.value) for m in at.markdown if m.value.startswith("| ")]
