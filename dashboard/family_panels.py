"""One family's current state as two tables: its children, and the work still open.

Built from read-model rows (the Family explorer) or from the same rows derived
from the family as known at a past moment (the Audit page), so "now" and
"then" are shown in exactly the same shape.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from dashboard.frames import qualified_text

Row = Mapping[str, Any]
WORK_COLUMNS = ["open work", "id", "children", "since", "due"]


def children_frame(rows: Sequence[Row]) -> pd.DataFrame:
    out = [
        {
            "child": r["child_id"],
            "born": r.get("birth_year") or "",
            "referrals": r.get("referrals") or 0,
            "last referral": r.get("last_referral_on") or "",
            "CP plans": r.get("cp_plans") or 0,
            "open CP plan": r.get("open_plan_id") or "",
            "allocated to": r.get("worker_id") or "",
            "role": r.get("role") or "",
            "team": r.get("team") or "",
            "qualified": qualified_text(r.get("qualified")),
        }
        for r in rows
    ]
    return pd.DataFrame(out)


def open_work_frame(tables: Mapping[str, Sequence[Row]]) -> pd.DataFrame:
    """Assessments, enquiries, plans, PLO, proceedings, placements and actions not yet closed."""
    work: list[tuple[str, str, str, str, str]] = []
    for t in tables.get("timeliness", ()):
        if not t.get("done_on") and t["kind"] in {"assessment", "icpc"}:
            what = "assessment" if t["kind"] == "assessment" else "section 47 (awaiting ICPC)"
            work.append((what, t["subject_id"], t["child_id"], t["start_on"], t["due_on"]))
    for p in tables.get("cp_plans", ()):
        if not p.get("ended_on"):
            work.append(("CP plan", p["plan_id"], p["child_id"], p["started_on"], ""))
    for plo in tables.get("plo", ()):
        if not plo.get("ended_on"):
            due = plo.get("next_review_due") or ""
            work.append(
                ("pre-proceedings", plo["plo_id"], plo["child_ids"], plo["started_on"], due)
            )
    for pr in tables.get("proceedings", ()):
        if not pr.get("concluded_on"):
            work.append(
                (
                    "care proceedings",
                    pr["proceedings_id"],
                    pr["child_ids"],
                    pr["issued_on"],
                    pr.get("due_on") or "",
                )
            )
    for pl in tables.get("placements", ()):
        if not pl.get("ended_on"):
            what = "placement (approved)" if pl.get("approved_on") else "placement (Reg 24)"
            due = "" if pl.get("approved_on") else pl.get("expires_on") or ""
            work.append((what, pl["placement_id"], pl["child_id"], pl["started_on"], due))
    for a in tables.get("actions", ()):
        if not a.get("completed_on"):
            work.append(
                ("supervision action", a["action_id"], a["child_ids"], a["set_on"], a["due_on"])
            )
    frame = pd.DataFrame(work, columns=WORK_COLUMNS)
    frame["children"] = frame["children"].str.replace(",", ", ")
    return frame
