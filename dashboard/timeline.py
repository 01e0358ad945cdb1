"""A child's journey as lanes of bars and points, from the family's read-model rows.

Built from the same rows the lists use (referrals, the timeliness clocks, CP
plans, PLO episodes, proceedings, placements), so the timeline can never
disagree with the tables beside it. Work still open runs to `today` and is
marked open rather than given an invented end.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from domain import codes
from domain.uk_dates import uk_date
from domain.vocabulary import code_words

Row = Mapping[str, Any]

# Lane order on the chart: the journey reads top to bottom.
LANES: tuple[str, ...] = (
    "Referral",
    "Assessment",
    "Section 47",
    "CP plan",
    "Pre-proceedings",
    "Proceedings",
    "Placement",
)


@dataclass(frozen=True)
class Span:
    child_id: str
    lane: str
    ref: str
    start: date
    end: date | None  # None: a point (referrals)
    open: bool
    label: str


def _day(value: Any) -> date | None:
    if value is None or value == "":
        return None
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _children(value: Any) -> list[str]:
    if isinstance(value, list | tuple):
        return list(value)
    return [c for c in str(value or "").split(",") if c]


class _Spans(list[Span]):
    """The spans built so far; `bar` adds work that has a start and maybe an end."""

    def __init__(self, today: date) -> None:
        super().__init__()
        self.today = today

    def bar(self, child_id: str, lane: str, ref: str, start: Any, ended: Any, label: str) -> None:
        first, last = _day(start), _day(ended)
        if first is None:
            return
        end = max(self.today, first) if last is None else last
        self.append(Span(child_id, lane, ref, first, end, last is None, label))


def _referrals(spans: _Spans, rows: Sequence[Row]) -> None:
    for r in rows:
        outcome = code_words(codes.OUTCOME_LABELS, r.get("outcome")) or "not yet decided"
        source = codes.REFERRAL_SOURCE_LABELS.get(str(r["source"]), str(r["source"]))
        label = f"referral from {source} ({r['source']}): {outcome}"
        if r.get("re_referral"):
            label += f" (re-referral; {r['count_12m']} in 12 months)"
        received = _day(r["received_on"]) or spans.today
        spans.append(
            Span(
                r["child_id"],
                "Referral",
                r["referral_id"],
                received,
                None,
                not r.get("closed_on"),
                label,
            )
        )


def _clocks(spans: _Spans, rows: Sequence[Row]) -> None:
    """Assessments (referral to completion) and section 47 enquiries (strategy to ICPC)."""
    lanes = {
        "assessment": ("Assessment", "assessment: referral to completion"),
        "icpc": ("Section 47", "section 47: strategy discussion to ICPC"),
    }
    for t in rows:
        if t["kind"] not in lanes:
            continue
        lane, words = lanes[t["kind"]]
        days = f", {t['working_days']} working days" if t.get("working_days") is not None else ""
        label = words + days
        spans.bar(t["child_id"], lane, t["subject_id"], t["start_on"], t["done_on"], label)


def _family_work(spans: _Spans, tables: Mapping[str, Sequence[Row]]) -> None:
    """PLO episodes and proceedings: family-level, drawn on each child they name."""
    for plo in tables.get("plo", ()):
        label = f"pre-proceedings: {code_words(codes.OUTCOME_LABELS, plo.get('outcome')) or 'open'}"
        for child_id in _children(plo["child_ids"]):
            spans.bar(
                child_id,
                "Pre-proceedings",
                plo["plo_id"],
                plo["started_on"],
                plo.get("ended_on"),
                label,
            )
    for pr in tables.get("proceedings", ()):
        order = code_words(codes.COURT_ORDER_LABELS, pr.get("court_order")) or "open"
        label = f"care proceedings: {order}"
        for child_id in _children(pr["child_ids"]):
            spans.bar(
                child_id,
                "Proceedings",
                pr["proceedings_id"],
                pr["issued_on"],
                pr.get("concluded_on"),
                label,
            )


def journey_spans(tables: Mapping[str, Sequence[Row]], today: date) -> list[Span]:
    """Every referral, assessment, enquiry, plan, PLO episode, proceedings and placement."""
    spans = _Spans(today)
    _referrals(spans, tables.get("referrals", ()))
    _clocks(spans, tables.get("timeliness", ()))
    for p in tables.get("cp_plans", ()):
        category = codes.ABUSE_CATEGORY_LABELS.get(str(p["category"]), str(p["category"]))
        label = f"CP plan ({category}), {p.get('reviews') or 0} reviews"
        if p.get("repeat"):
            label += ", a repeat plan"
        spans.bar(p["child_id"], "CP plan", p["plan_id"], p["started_on"], p.get("ended_on"), label)
    _family_work(spans, tables)
    for pl in tables.get("placements", ()):
        expires = uk_date(pl["expires_on"])
        status = "approved" if pl.get("approved_on") else f"temporary, expires {expires}"
        label = f"connected-person placement: {status}"
        spans.bar(
            pl["child_id"],
            "Placement",
            pl["placement_id"],
            pl["started_on"],
            pl.get("ended_on"),
            label,
        )
    return sorted(spans, key=lambda s: (s.child_id, LANES.index(s.lane), s.start, s.ref))
