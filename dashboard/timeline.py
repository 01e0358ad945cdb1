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


def journey_spans(tables: Mapping[str, Sequence[Row]], today: date) -> list[Span]:
    """Every referral, assessment, enquiry, plan, PLO episode, proceedings and placement."""
    spans: list[Span] = []

    def bar(child_id: str, lane: str, ref: str, start: Any, ended: Any, label: str) -> None:
        first, last = _day(start), _day(ended)
        if first is None:
            return
        end = max(today, first) if last is None else last
        spans.append(Span(child_id, lane, ref, first, end, last is None, label))

    for r in tables.get("referrals", ()):
        outcome = r.get("outcome") or "not yet decided"
        label = f"referral {r['referral_id']}: source {r['source']}, {outcome}"
        if r.get("re_referral"):
            label += f" (re-referral; {r['count_12m']} in 12 months)"
        spans.append(
            Span(
                r["child_id"],
                "Referral",
                r["referral_id"],
                _day(r["received_on"]) or today,
                None,
                not r.get("closed_on"),
                label,
            )
        )
    for t in tables.get("timeliness", ()):
        days = f", {t['working_days']} working days" if t.get("working_days") is not None else ""
        if t["kind"] == "assessment":
            label = f"assessment {t['subject_id']}: referral to completion{days}"
            bar(t["child_id"], "Assessment", t["subject_id"], t["start_on"], t["done_on"], label)
        elif t["kind"] == "icpc":
            label = f"section 47 {t['subject_id']}: strategy discussion to ICPC{days}"
            bar(t["child_id"], "Section 47", t["subject_id"], t["start_on"], t["done_on"], label)
    for p in tables.get("cp_plans", ()):
        label = f"CP plan {p['plan_id']} ({p['category']}), {p.get('reviews') or 0} reviews"
        if p.get("repeat"):
            label += ", a repeat plan"
        bar(p["child_id"], "CP plan", p["plan_id"], p["started_on"], p.get("ended_on"), label)
    for plo in tables.get("plo", ()):
        label = f"pre-proceedings {plo['plo_id']}: {plo.get('outcome') or 'open'}"
        for child_id in _children(plo["child_ids"]):
            bar(
                child_id,
                "Pre-proceedings",
                plo["plo_id"],
                plo["started_on"],
                plo.get("ended_on"),
                label,
            )
    for pr in tables.get("proceedings", ()):
        label = f"care proceedings {pr['proceedings_id']}: {pr.get('court_order') or 'open'}"
        for child_id in _children(pr["child_ids"]):
            bar(
                child_id,
                "Proceedings",
                pr["proceedings_id"],
                pr["issued_on"],
                pr.get("concluded_on"),
                label,
            )
    for pl in tables.get("placements", ()):
        status = "approved" if pl.get("approved_on") else f"temporary, expires {pl['expires_on']}"
        label = f"connected-person placement {pl['placement_id']}: {status}"
        bar(
            pl["child_id"],
            "Placement",
            pl["placement_id"],
            pl["started_on"],
            pl.get("ended_on"),
            label,
        )
    return sorted(spans, key=lambda s: (s.child_id, LANES.index(s.lane), s.start, s.ref))
