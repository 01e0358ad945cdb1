"""The journey timeline as plain HTML the server lays out: no charting library.

A family's page and the Audit replay each drew this chart with plotly, whose
layout pass was the largest single cost of opening a family in the browser
(`python -m bench.dashboard_browser`, council scale); an SVG through Markdown
cost as much again in parsing. The timeline is read, not explored: lanes, bars,
points, a today line and a legend. So it is a handful of positioned boxes
(`st.html`, sanitised, no script), each mark with its words and dates as a
tooltip, the lanes' names real text a screen reader reads and axe can check.
Every piece of text from the data is HTML-escaped, so an id or label stays text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from html import escape

from dashboard.timeline import LANES, Span
from domain.uk_dates import uk_date

LANE_COLOURS: dict[str, str] = {
    "Referral": "#1f77b4",
    "Assessment": "#17becf",
    "Section 47": "#ff7f0e",
    "CP plan": "#d62728",
    "Pre-proceedings": "#9467bd",
    "Proceedings": "#8c564b",
    "Placement": "#2ca02c",
}
TODAY_COLOUR = "#555"
# Streamlit's body colour on white: 12.6:1 (WCAG AA asks 4.5:1 for text).
TEXT_COLOUR = "#31333F"
GRID_COLOUR = "#E6E6EA"
HATCHED = "hatched: still open"
HATCH = "repeating-linear-gradient(45deg, transparent 0 3px, rgba(255,255,255,0.75) 3px 5px)"
CHAR_EM = 0.55  # an average character, in em, for the width of the lanes' names

STYLE = f"""<style>
.cj-tl {{ color: {TEXT_COLOUR}; font-size: 0.85rem; line-height: 1.2; padding-top: 1.2rem; }}
.cj-tl .plot {{ position: relative; padding-bottom: 1.6rem; }}
.cj-tl .lane {{ display: flex; height: 1.75rem; align-items: center; }}
.cj-tl .name {{ flex: none; text-align: right; padding-right: 0.5rem; white-space: nowrap;
  overflow: hidden; text-overflow: ellipsis; }}
.cj-tl .track, .cj-tl .grid {{ position: relative; flex: 1; height: 100%; }}
.cj-tl .grid {{ position: absolute; top: 0; bottom: 0; right: 1.5rem; height: auto; }}
.cj-tl .track {{ margin-right: 1.5rem; }}
.cj-tl .tick {{ position: absolute; top: 0; bottom: 1.6rem; border-left: 1px solid {GRID_COLOUR}; }}
.cj-tl .tick span {{ position: absolute; bottom: -1.4rem; transform: translateX(-50%);
  white-space: nowrap; }}
.cj-tl .axis {{ position: absolute; left: 0; right: 0; bottom: 1.6rem;
  border-top: 1px solid {TEXT_COLOUR}; }}
.cj-tl .today {{ position: absolute; top: -1.1rem; bottom: 1.6rem;
  border-left: 1px dashed {TODAY_COLOUR}; }}
.cj-tl .today span {{ position: absolute; top: -0.1rem; transform: translateX(-50%); }}
.cj-tl .bar {{ position: absolute; top: 0.4rem; height: 0.95rem; min-width: 2px; }}
.cj-tl .point {{ position: absolute; top: 0.5rem; width: 0.7rem; height: 0.7rem;
  margin-left: -0.35rem; transform: rotate(45deg); }}
.cj-tl .open {{ background-image: {HATCH}; }}
.cj-tl .legend {{ display: flex; flex-wrap: wrap; gap: 0.3rem 1.2rem; margin-top: 0.3rem; }}
.cj-tl .key {{ display: inline-block; width: 0.9rem; height: 0.75rem; margin-right: 0.35rem;
  vertical-align: -0.1rem; }}
.cj-tl .key.point {{ position: static; width: 0.6rem; height: 0.6rem; margin: 0 0.5rem 0 0.15rem; }}
.cj-tl .key.line {{ height: 0; border-top: 2px dotted {TODAY_COLOUR}; vertical-align: 0.2rem; }}
</style>"""


def _text(value: object) -> str:
    return escape(str(value), quote=True)


def tick_months(first: date, last: date) -> int:
    """Months between the axis's dates: 12 (a year), 3 or 1 as the span shortens."""
    months = (last.year - first.year) * 12 + last.month - first.month
    return 1 if months <= 8 else 3 if months <= 30 else 12


def ticks(first: date, last: date) -> list[date]:
    """1 January of each year, or the first of every few months when the span is short."""
    step = tick_months(first, last)
    day = date(first.year, (first.month - 1) // step * step + 1, 1)  # on the quarter, the year
    found: list[date] = []
    while day <= last:
        if day >= first:
            found.append(day)
        month = day.month - 1 + step
        day = date(day.year + month // 12, month % 12 + 1, 1)
    return found


def mark_title(s: Span) -> str:
    """A mark's tooltip: what it is, when, and what came of it."""
    if s.end is None:
        return f"{s.lane}, {uk_date(s.start)}: {s.label}"
    until = "still open" if s.open else uk_date(s.end)
    return f"{s.lane}, {uk_date(s.start)} to {until}: {s.label}"


class _Scale:
    def __init__(self, first: date, last: date) -> None:
        self.first, self.days = first, max((last - first).days, 1)

    def at(self, day: date) -> float:
        """Percent of the track's width."""
        return 100 * (day - self.first).days / self.days


def _mark(s: Span, scale: _Scale) -> str:
    colour = LANE_COLOURS[s.lane]
    title = _text(mark_title(s))
    left = scale.at(s.start)
    if s.end is None:
        style = f"left:{left:.2f}%;background:{colour}"
        return f'<div class="point" style="{style}" title="{title}"></div>'
    width = scale.at(s.end + timedelta(days=1)) - left
    kind = "bar open" if s.open else "bar"
    style = f"left:{left:.2f}%;width:{width:.2f}%;background-color:{colour}"
    return f'<div class="{kind}" style="{style}" title="{title}"></div>'


def _legend(kinds: Sequence[str], hatched: bool, today: date) -> str:
    entries = [
        f'<span class="entry"><span class="key{" point" if kind == "Referral" else ""}" '
        f'style="background-color:{LANE_COLOURS[kind]}"></span>{_text(kind)}</span>'
        for kind in kinds
    ]
    if hatched:
        entries.append(
            '<span class="entry"><span class="key open" style="background-color:#777"></span>'
            f"{HATCHED}</span>"
        )
    entries.append(
        f'<span class="entry"><span class="key line"></span>today ({uk_date(today)})</span>'
    )
    return f'<div class="legend">{"".join(entries)}</div>'


def timeline_html(
    spans: Sequence[Span], today: date, labels: Mapping[str, str] | None = None
) -> str:
    """One lane per child and kind of work: referrals as diamonds, the rest as bars.

    Children are named by `labels` ("Child 2, girl, 7"; their ids without). The axis
    runs from a month before the first event to a month after `today` (a dashed line,
    labelled), so a lone referral still sits on a readable calendar. Every kind of
    mark has its legend entry, the hatching of open work included.
    """
    names = labels or {}
    order = {lane: n for n, lane in enumerate(LANES)}
    children = list(dict.fromkeys(str(names.get(s.child_id, s.child_id)) for s in spans))
    by_lane: dict[tuple[str, str], list[Span]] = {}
    for s in spans:
        by_lane.setdefault((str(names.get(s.child_id, s.child_id)), s.lane), []).append(s)
    lanes = sorted(by_lane, key=lambda k: (children.index(k[0]), order[k[1]]))
    lane_names = [f"{child} · {lane}" for child, lane in lanes]
    name_em = min(22.0, CHAR_EM * max((len(n) for n in lane_names), default=10) + 1)
    first = min((s.start for s in spans), default=today) - timedelta(days=31)
    last = today + timedelta(days=31)
    scale = _Scale(first, last)
    yearly = tick_months(first, last) == 12
    grid = "".join(
        f'<div class="tick" style="left:{scale.at(t):.2f}%">'
        f'<span class="date">{t.year if yearly else f"{t:%b %Y}"}</span></div>'
        for t in ticks(first, last)
    )
    today_mark = (
        f'<div class="today" style="left:{scale.at(today):.2f}%">'
        '<span class="label">today</span></div>'
    )
    rows = "".join(
        f'<div class="lane"><div class="name" style="width:{name_em:.1f}em">{_text(name)}</div>'
        f'<div class="track">{"".join(_mark(s, scale) for s in by_lane[key])}</div></div>'
        for name, key in zip(lane_names, lanes, strict=True)
    )
    overlay = (
        f'<div class="grid" style="left:{name_em:.1f}em">{grid}<div class="axis"></div>'
        f"{today_mark}</div>"
    )
    kinds = [k for k in LANES if any(s.lane == k for s in spans)]
    hatched = any(s.open and s.end for s in spans)
    summary = (
        f"Timeline of {len(children)} children's work, {uk_date(first)} to {uk_date(last)}; "
        "the chronology below lists every event."
    )
    return (
        f'{STYLE}<div class="cj-tl" role="figure" aria-label="{_text(summary)}">'
        f'<div class="plot">{overlay}{rows}</div>'
        f"{_legend(kinds, hatched, today)}</div>"
    )
