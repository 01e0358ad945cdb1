"""Text that leaves the system safely: spreadsheet cells and dashboard Markdown.

Data recorded about a family (ids, team names, reasons) comes from outside and
may be crafted. Two ways it can turn into something live when shown:

- A spreadsheet opens a cell that begins with `=`, `+`, `-`, `@`, tab or carriage
  return as a formula (OWASP "CSV injection"): `neutralise_cell` prefixes such a
  cell with an apostrophe, which Excel, LibreOffice and Sheets show as text. Every
  exporter (dashboard CSV and Excel, the audit pack's CSV files) goes through it.
- Streamlit renders labels, captions and messages as Markdown: a team named
  `![x](http://host/beacon)` would make the browser fetch an image and a link would
  be live. `markdown_text` backslash-escapes (CommonMark lets any ASCII punctuation
  be escaped) every character that starts an inline construct, so images, links,
  emphasis, code, HTML and entities, Streamlit's `:colour[...]` and `:icon:`
  directives and `$` maths all stay text; newlines become spaces and a leading
  `-`, `+` or `1.` cannot start a list. GitHub-style autolinks (`http://…`,
  `www.…`, `a@b.org`) are found after escapes are resolved, so an invisible
  WORD JOINER (U+2060) goes after every `:` and `www` and before every `@`: the
  text looks the same and no link is made of it. Hyphens,
  quotes and commas inside the text are left as they are, so ids read the same in
  the page source.

Pure functions, so domain is their home: dashboard and audit may both import it.
"""

from __future__ import annotations

import re
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_MARKDOWN_SPECIAL = {ord(c): "\\" + c for c in "\\`*_{}[]()<>#!|~:$&@.=^"}
_LIST_START = re.compile(r"^(\s*)([-+])")
JOINER = "\u2060"  # WORD JOINER: invisible, and breaks an autolink's pattern
_AUTOLINK = re.compile(r"(\\:|(?i:www))|(\\@)")


def neutralise_cell(value: Any) -> Any:
    """The value, as text with a leading apostrophe if a spreadsheet would read it as a
    formula; anything that is not a string (numbers, dates, None) is returned as it is,
    so a negative number stays a number."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def markdown_text(value: object) -> str:
    """`value` as Markdown that renders as exactly its text (newlines kept as spaces)."""
    text = " ".join(str(value).splitlines()).translate(_MARKDOWN_SPECIAL)
    text = _AUTOLINK.sub(lambda m: m[1] + JOINER if m[1] else JOINER + m[2], text)
    return _LIST_START.sub(r"\1\\\2", text)
