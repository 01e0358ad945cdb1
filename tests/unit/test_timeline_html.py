"""The journey timeline as HTML: lanes named by child, marks with their words, a legend
for every kind of mark, today labelled, and data that stays text."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser

from dashboard.timeline import Span, journey_spans
from dashboard.timeline_html import HATCHED, mark_title, ticks, timeline_html
from tests.support.rich_tables import RICH_LABELS, rich_tables

TODAY = date(2025, 1, 1)


@dataclass
class Parsed(HTMLParser):
    """Each element's classes and title, and the text inside each class of element."""

    marks: list[dict[str, str]] = field(default_factory=list)
    texts: dict[str, list[str]] = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)
    _open: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        self.tags.append(tag)
        self._open.append(found.get("class", ""))
        if "title" in found:
            self.marks.append(found)

    def handle_endtag(self, tag: str) -> None:
        if self._open:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        if self._open and data.strip():
            self.texts.setdefault(self._open[-1], []).append(data.strip())


def parsed(html: str) -> Parsed:
    page = Parsed()
    page.feed(html)
    return page


def test_lanes_are_named_by_child_and_kind_never_by_id() -> None:
    page = parsed(timeline_html(journey_spans(rich_tables(), TODAY), TODAY, RICH_LABELS))
    names = page.texts["name"]
    assert "Child 1, girl, 9 · Referral" in names and "Child 2, boy, 6 · Pre-proceedings" in names
    assert not [n for n in names if "C1" in n or "C2" in n]
    child_one = [n for n in names if n.startswith("Child 1")]
    assert child_one[0].endswith("Referral"), "a child's lanes read in journey order"


def test_referrals_are_points_and_the_rest_bars_each_with_its_words_and_dates() -> None:
    spans = journey_spans(rich_tables(), TODAY)
    page = parsed(timeline_html(spans, TODAY, RICH_LABELS))
    kinds = {m["title"].split(",")[0]: m["class"] for m in page.marks}
    assert kinds["Referral"] == "point"
    assert kinds["CP plan"].startswith("bar") and kinds["Placement"].startswith("bar")
    assert len(page.marks) == len(spans), "one mark per span"
    titles = " ".join(m["title"] for m in page.marks)
    assert "referral from school (2A): assessment" in titles
    assert "CP1" not in titles and "R1" not in titles  # ids are not the words


def test_open_work_is_hatched_and_says_still_open_and_the_legend_says_so() -> None:
    spans = journey_spans(rich_tables(), TODAY)
    page = parsed(timeline_html(spans, TODAY, RICH_LABELS))
    open_marks = [m for m in page.marks if "open" in m["class"].split()]
    assert open_marks and all("still open" in m["title"] for m in open_marks)
    legend = page.texts["entry"]
    assert HATCHED in legend and "today (1 Jan 2025)" in legend
    assert {s.lane for s in spans} <= set(legend)
    closed = [s for s in spans if not (s.open and s.end)]
    assert HATCHED not in parsed(timeline_html(closed, TODAY, RICH_LABELS)).texts["entry"]


def test_today_is_labelled_and_the_axis_runs_a_month_either_side() -> None:
    page = parsed(timeline_html(journey_spans(rich_tables(), TODAY), TODAY, RICH_LABELS))
    assert page.texts["label"] == ["today"]
    assert ticks(date(2023, 11, 15), date(2025, 2, 1))[0] == date(2024, 1, 1)
    assert ticks(date(2024, 11, 15), date(2025, 2, 1)) == [
        date(2024, 12, 1),
        date(2025, 1, 1),
        date(2025, 2, 1),
    ]
    assert ticks(date(2016, 3, 1), date(2025, 2, 1))[:2] == [date(2017, 1, 1), date(2018, 1, 1)]


def test_dates_under_the_lanes_say_the_year_only_when_ticks_are_a_year_apart() -> None:
    # 30 months of axis (quarters, though more than 900 days), then 45 (years).
    for start, label in ((date(2022, 9, 1), "Jan 2023"), (date(2021, 6, 1), "2022")):
        span = Span("C1", "CP plan", "P1", start, TODAY, False, "plan")
        dates = parsed(timeline_html([span], TODAY)).texts["date"]
        assert label in dates and len(set(dates)) == len(dates), dates


def test_a_lone_referral_still_sits_on_a_calendar() -> None:
    lone = [Span("C1", "Referral", "R1", TODAY, None, True, "referral")]
    page = parsed(timeline_html(lone, TODAY))
    assert page.texts["name"] == ["C1 · Referral"], "no label: the id stands in"
    assert [m["title"] for m in page.marks] == [mark_title(lone[0])]
    assert page.texts["date"], "dates under the lane"


def test_crafted_text_stays_text() -> None:
    crafted = [
        Span("C1", "CP plan", "P1", TODAY, TODAY, False, '<img src=x onerror="alert(1)">'),
    ]
    html = timeline_html(crafted, TODAY, {"C1": "<script>alert(1)</script>"})
    page = parsed(html)
    assert "script" not in page.tags and "img" not in page.tags
    assert page.texts["name"] == ["<script>alert(1)</script> · CP plan"]
    assert '<img src=x onerror="alert(1)">' in page.marks[0]["title"]
