"""One family's current state as two tables: its children, and the work still open.

Built from read-model rows (the Family explorer) or from the same rows derived
from the family as known at a past moment (the Audit page), so "now" and
"then" are shown in exactly the same shape.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from domain.uk_dates import uk_date
from domain.vocabulary import who_text

Row = Mapping[str, Any]
WORK_COLUMNS = ["open work", "children", "since", "due", "ref"]


def children_frame(rows: Sequence[Row], labels: Mapping[str, str]) -> pd.DataFrame:
    """One row per child, by position (the order of `labels`, domain.vocabulary's
    child_labels); the child ids are in `child_ids_frame`."""
    place = {child_id: n for n, child_id in enumerate(labels)}
    out = [
        {
            "child": labels.get(r["child_id"], r["child_id"]),
            "born": r.get("birth_year") or uk_date(r.get("birth_date")),
            "referrals": r.get("referrals") or 0,
            "last referral": uk_date(r.get("last_referral_on")),
            "CP plans": r.get("cp_plans") or 0,
            "on a CP plan now": "yes" if r.get("open_plan_id") else "no",
            "allocated to": who_text(r.get("worker_id"), r.get("role"), r.get("qualified"))
            if r.get("worker_id")
            else "not allocated",
            "team": r.get("team") or "",
        }
        for r in sorted(rows, key=lambda r: place.get(r["child_id"], len(place)))
    ]
    return pd.DataFrame(out)


def child_ids_frame(labels: Mapping[str, str]) -> pd.DataFrame:
    """The ids behind the labels, for the page's details control."""
    return pd.DataFrame([{"child": label, "child id": cid} for cid, label in labels.items()])


def _children(value: Any, labels: Mapping[str, str]) -> str:
    ids = (
        value if isinstance(value, list | tuple) else [c for c in str(value or "").split(",") if c]
    )
    return "; ".join(labels.get(c, c) for c in ids)


def open_work_frame(tables: Mapping[str, Sequence[Row]], labels: Mapping[str, str]) -> pd.DataFrame:
    """Assessments, enquiries, plans, PLO, proceedings, placements and actions not yet closed."""
    work: list[tuple[str, Any, Any, Any, Any]] = []
    for t in tables.get("timeliness", ()):
        if not t.get("done_on") and t["kind"] in {"assessment", "icpc"}:
            what = "assessment" if t["kind"] == "assessment" else "section 47 (awaiting ICPC)"
            work.append((what, t["child_id"], t["start_on"], t["due_on"], t["subject_id"]))
    for p in tables.get("cp_plans", ()):
        if not p.get("ended_on"):
            work.append(("CP plan", p["child_id"], p["started_on"], "", p["plan_id"]))
    for plo in tables.get("plo", ()):
        if not plo.get("ended_on"):
            due = plo.get("next_review_due") or ""
            work.append(
                ("pre-proceedings", plo["child_ids"], plo["started_on"], due, plo["plo_id"])
            )
    for pr in tables.get("proceedings", ()):
        if not pr.get("concluded_on"):
            work.append(
                (
                    "care proceedings",
                    pr["child_ids"],
                    pr["issued_on"],
                    pr.get("due_on") or "",
                    pr["proceedings_id"],
                )
            )
    for pl in tables.get("placements", ()):
        if not pl.get("ended_on"):
            what = "placement (approved)" if pl.get("approved_on") else "placement (Reg 24)"
            due = "" if pl.get("approved_on") else pl.get("expires_on") or ""
            work.append((what, pl["child_id"], pl["started_on"], due, pl["placement_id"]))
    for a in tables.get("actions", ()):
        if not a.get("completed_on"):
            work.append(
                ("supervision action", a["child_ids"], a["set_on"], a["due_on"], a["action_id"])
            )
    shown = [
        (what, _children(children, labels), uk_date(since), uk_date(due), ref)
        for what, children, since, due, ref in work
    ]
    return pd.DataFrame(shown, columns=WORK_COLUMNS)
