"""Links the returns leave out, found by date, and the values they never record.

An Annex A assessment row does not say which referral it followed; a CP plan's
end does not say whether the child stepped down to a CIN plan. The importer
links and infers from what the store and this import know about the child, and
marks every such value as inferred in the event's provenance, so a later source
that states it (the CIN census nests assessments in their episode) corrects it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from domain.contract import parse_business_date


@dataclass
class Episode:
    referral_id: str
    received: date
    closed: date | None = None


@dataclass
class Plan:
    plan_id: str
    start: date
    end: date | None = None


class Links:
    """What is known of each child's episodes and CP plans, by business date."""

    def __init__(self) -> None:
        self.episodes: dict[str, dict[str, Episode]] = defaultdict(dict)
        self.plans: dict[str, dict[str, Plan]] = defaultdict(dict)

    def add_episode(
        self, child_id: str, referral_id: str, received: date, closed: date | None = None
    ) -> None:
        episode = self.episodes[child_id].setdefault(referral_id, Episode(referral_id, received))
        episode.closed = closed or episode.closed

    def add_plan(self, child_id: str, plan_id: str, start: date, end: date | None = None) -> None:
        plan = self.plans[child_id].setdefault(plan_id, Plan(plan_id, start))
        plan.end = end or plan.end

    def add_store_records(self, records: Iterable[dict[str, Any]]) -> None:
        """Effective records of a stored family (corrections applied)."""
        closures: list[tuple[str, str, date]] = []
        ends: list[tuple[str, str, date]] = []
        for r in records:
            kind, p, child = r["event_type"], r["payload"], r.get("child_id")
            if child is None:
                continue
            day = parse_business_date(r["occurred_at"])
            if kind == "ReferralReceived":
                self.add_episode(child, p["referral_id"], day)
            elif kind == "EpisodeClosed":
                closures.append((child, p["referral_id"], day))
            elif kind == "CPPlanStarted":
                self.add_plan(child, p["plan_id"], day)
            elif kind == "CPPlanEnded":
                ends.append((child, p["plan_id"], day))
        for child, referral_id, day in closures:
            if referral_id in self.episodes[child]:
                self.episodes[child][referral_id].closed = day
        for child, plan_id, day in ends:
            if plan_id in self.plans[child]:
                self.plans[child][plan_id].end = day

    def referral_for(self, child_id: str, day: date) -> str | None:
        """The child's latest referral received on or before `day` whose episode
        was still open on `day`."""
        open_then = [
            e
            for e in self.episodes.get(child_id, {}).values()
            if e.received <= day and (e.closed is None or e.closed >= day)
        ]
        if not open_then:
            return None
        return max(open_then, key=lambda e: (e.received, e.referral_id)).referral_id

    def plan_started_on(self, child_id: str, day: date) -> bool:
        return any(p.start == day for p in self.plans.get(child_id, {}).values())

    def episode_closed_on(self, child_id: str, day: date) -> bool:
        return any(e.closed == day for e in self.episodes.get(child_id, {}).values())
