"""Shared machinery of a synthetic family journey: drafting events, ids,
allocation, supervision and closing episodes.

A journey is simulated in business time, one family at a time, and every
event is drafted with its business date already fixed. Ordering for output
(late entry, cross-topic shuffles) is a separate concern, see `ordering`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from hashlib import sha1
from random import Random
from typing import Any
from uuid import NAMESPACE_URL, uuid5

from domain.calendar import add_months
from synthetic.vocab import (
    ACTION_SUMMARIES,
    NEGATIVE_NOTES,
    POSITIVE_NOTES,
    Roster,
    Weighted,
)

EVENT_NAMESPACE = uuid5(NAMESPACE_URL, "https://casejourney.invalid/synthetic")
DAY = timedelta(days=1)


def event_uuid(name: str) -> str:
    """`str(uuid5(EVENT_NAMESPACE, name))`, spelled out: it is the generator's hot spot."""
    h = sha1(EVENT_NAMESPACE.bytes + name.encode()).hexdigest()
    variant = "89ab"[int(h[16], 16) & 3]
    return f"{h[:8]}-{h[8:12]}-5{h[13:16]}-{variant}{h[17:20]}-{h[20:32]}"


@dataclass(slots=True)
class Draft:
    """One event as simulated: the contract fields plus its business date."""

    event_id: str
    event_type: str
    day: date
    occurred_at: str
    child_id: str | None
    payload: dict[str, Any]
    recorded_by: dict[str, Any] | None

    def to_json(self, family_id: str) -> dict[str, Any]:
        out: dict[str, Any] = {
            "event_id": self.event_id,
            "event_type": self.event_type,
            "family_id": family_id,
        }
        if self.child_id is not None:
            out["child_id"] = self.child_id
        out["occurred_at"] = self.occurred_at
        if self.recorded_by is not None:
            out["recorded_by"] = self.recorded_by
        out["payload"] = self.payload
        out["schema_version"] = 1
        return out


@dataclass(frozen=True, eq=False)
class Profile:
    """How involved a family is; a minority of heavy families drives repeat figures."""

    name: str
    p_return: float  # another referral after an episode closes
    gap_median: float  # days from the end of one episode to the next referral
    referral_outcomes: Weighted[str]
    assessment_outcomes: Weighted[str]
    p_section47: float
    p_plan: float
    plan_median: float  # days
    p_plo: float
    p_proceedings: float  # share of pre-proceedings ending in issued proceedings
    p_escalate: float  # new protection concerns during child-in-need work
    p_baby: float


@dataclass(eq=False)
class Child:
    child_id: str
    birth: date
    gone: bool = False  # looked after, adopted or living elsewhere: no more family referrals
    plans: int = 0  # CP plans so far: a known history makes the next referral go further

    def age(self, day: date) -> float:
        return (day - self.birth).days / 365.25

    def adult_on(self) -> date:
        return add_months(self.birth, 12 * 18)


@dataclass(eq=False)
class Episode:
    """One referral episode: the same referral event for each child concerned."""

    start: date
    kids: list[Child]
    refs: dict[str, str] = field(default_factory=dict)
    busy: date = date.min  # closure may not precede the last activity on the referrals
    windows: list[tuple[date, date, str]] = field(default_factory=list)  # (from, to, team)
    order: tuple[date, str] | None = None  # conclusion of care proceedings, if any


@dataclass(frozen=True)
class SharedAdult:
    """An adult linked to two households (GUIDE 5, linked families)."""

    person_id: str
    relationship: str
    home: bool  # linked from the start here; otherwise moves in later


def days(day: date, n: int) -> date:
    return day + timedelta(days=n)


class JourneyBase:
    """Drafting and the practice events every path shares."""

    profile: Profile

    def __init__(
        self,
        index: int,
        seed: int,
        rng: Random,
        start: date,
        end: date,
        roster: Roster,
        shared: tuple[SharedAdult, ...] = (),
    ) -> None:
        self.index = index
        self.family_id = f"FAM-{index:06d}"
        self.seed = seed
        self.rng = rng
        self.start = start
        self.end = end
        self.roster = roster
        self.shared = shared
        self.events: list[Draft] = []
        self.children: list[Child] = []
        self.team = "Front Door"
        self.moved_away = False
        self.carer: str | None = None
        self._serial = 0
        self._counters: dict[str, int] = {}

    # --- drafting ----------------------------------------------------------------

    def new_id(self, prefix: str) -> str:
        n = self._counters.get(prefix, 0) + 1
        self._counters[prefix] = n
        return f"{prefix}-{self.index:06d}-{n}"

    def stamp(self, day: date, timed: float) -> str:
        """A date, or sometimes a date-time within office hours (same UTC date)."""
        if not timed or self.rng.random() >= timed:
            return day.isoformat()
        hour = self.rng.randint(8, 17)
        minute = self.rng.randint(0, 59)
        zone = "+01:00" if 4 <= day.month <= 10 else "Z"
        return f"{day.isoformat()}T{hour:02d}:{minute:02d}:00{zone}"

    def emit(
        self,
        event_type: str,
        day: date,
        payload: dict[str, Any],
        child_id: str | None = None,
        by: dict[str, Any] | None = None,
        timed: float = 0.0,
    ) -> Draft:
        self._serial += 1
        event_id = event_uuid(f"{self.seed}/{self.family_id}/{self._serial}")
        draft = Draft(event_id, event_type, day, self.stamp(day, timed), child_id, payload, by)
        self.events.append(draft)
        return draft

    def by(self, team: str) -> dict[str, Any]:
        return self.roster.decider(self.rng, team)

    # --- practice ------------------------------------------------------------------

    def allocate(self, kids: list[Child], day: date, team: str, unqualified: float = 0.0) -> None:
        worker = self.roster.worker(self.rng, team, self.rng.random() >= unqualified)
        self.team = team
        for child in kids:
            self.emit("CaseAllocated", day, worker.as_allocation(), child.child_id)

    def worked(self, ep: Episode, begin: date, stop: date) -> None:
        """Note a period of allocated work, supervised by the current team's manager."""
        ep.windows.append((begin, stop, self.team))

    def supervise(self, ep: Episode) -> None:
        """Supervision every 4-8 weeks across the episode's worked periods, never twice
        for the same weeks when periods overlap (a plan running during proceedings)."""
        rng = self.rng
        child_ids = [c.child_id for c in ep.kids]
        next_on = date.min
        for begin, stop, team in sorted(ep.windows):
            supervisor = self.roster.managers[team].worker_id
            day = max(days(begin, rng.randint(10, 28)), next_on)
            while day < stop and day <= self.end:
                self._supervision(day, supervisor, child_ids)
                day = days(day, rng.randint(28, 56))
            next_on = day

    def _supervision(self, day: date, supervisor: str, child_ids: list[str]) -> None:
        rng = self.rng
        changes = []
        for _ in range(rng.choice((0, 1, 1, 2))):
            if rng.random() < 0.55:
                changes.append({"direction": "positive", "note": rng.choice(POSITIVE_NOTES)})
            else:
                changes.append({"direction": "negative", "note": rng.choice(NEGATIVE_NOTES)})
        actions = []
        completions: list[tuple[date, str]] = []
        for _ in range(rng.choice((0, 1, 1, 2))):
            action_id = self.new_id("ACT")
            due = days(day, rng.randint(14, 42))
            actions.append(
                {
                    "action_id": action_id,
                    "due_on": due.isoformat(),
                    "summary": rng.choice(ACTION_SUMMARIES),
                }
            )
            fate = rng.random()
            if fate < 0.72:
                completions.append((max(days(due, rng.randint(-12, 6)), days(day, 1)), action_id))
            elif fate < 0.84:
                completions.append((days(due, rng.randint(7, 60)), action_id))
        payload = {
            "supervision_id": self.new_id("SUP"),
            "supervisor_id": supervisor,
            "child_ids": list(child_ids),
            "changes": changes,
            "actions": actions,
        }
        self.emit("SupervisionRecorded", day, payload)
        for done, action_id in completions:
            self.emit("ActionCompleted", done, {"action_id": action_id})

    # --- closing -------------------------------------------------------------------

    def close(self, ep: Episode, day: date, reason: str) -> date:
        """Close the episode for every child in it; never before its last activity."""
        day = max(day, ep.busy)
        if reason == "RC7" and self.rng.random() < 0.03:
            reason, self.moved_away = "RC5", True  # the family moved to another authority
        by = self.by(self.team)
        for child in ep.kids:
            self.close_child(ep, child, day, reason, by)
        return day

    def close_child(
        self,
        ep: Episode,
        child: Child,
        day: date,
        reason: str,
        by: dict[str, Any] | None = None,
    ) -> date:
        day = max(day, ep.busy)
        if reason != "RC1" and day >= child.adult_on():
            reason = "RC6"
        payload = {"referral_id": ep.refs[child.child_id], "reason": reason}
        self.emit("EpisodeClosed", day, payload, child.child_id, by or self.by(self.team))
        return day
