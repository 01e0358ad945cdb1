"""Pre-proceedings (PLO), care proceedings, connected-person placements and
what the court's order means for each child's episode.

Dates are drawn so the trackers have something to find: most PLO reviews
within 6 weeks but some drift, most proceedings inside 26 weeks but many not,
most Regulation 24 approvals inside 16 weeks, some extended once (Regulation
25), a few left past the deadline.
"""

from __future__ import annotations

from datetime import date

from synthetic.base import Child, Episode, JourneyBase, days
from synthetic.vocab import ORDERS

_PLACEMENT_ENDING_ORDERS = frozenset(
    {"special_guardianship", "child_arrangements", "supervision_order", "no_order", "withdrawn"}
)


class CourtPaths(JourneyBase):
    def plo(self, ep: Episode, day: date) -> tuple[date, date | None]:
        """Run pre-proceedings from `day`; returns its end and the proceedings' issue date."""
        rng = self.rng
        plo_id = self.new_id("PLO")
        child_ids = [c.child_id for c in ep.kids]
        self.emit(
            "PreProceedingsStarted",
            day,
            {"plo_id": plo_id, "child_ids": child_ids},
            by=self.by("Children in Care"),
        )
        letter = days(day, rng.randint(0, 10))
        self.emit("LetterBeforeProceedingsSent", letter, {"plo_id": plo_id})
        weeks = rng.randint(8, 16) if rng.random() < 0.65 else rng.randint(17, 40)
        target = days(day, 7 * weeks)
        meeting, kind = days(letter, rng.randint(5, 20)), "initial"
        while True:
            self.emit("PLOMeetingHeld", meeting, {"plo_id": plo_id, "kind": kind}, timed=0.2)
            kind = "review"
            gap = rng.randint(28, 42) if rng.random() < 0.85 else rng.randint(43, 80)
            if days(meeting, gap) > target:
                break
            meeting = days(meeting, gap)
        end = max(target, meeting)
        if rng.random() < self.profile.p_proceedings:
            outcome = "proceedings_issued"
        else:
            outcome = "step_down" if rng.random() < 0.8 else "other"
        self.emit(
            "PreProceedingsEnded",
            end,
            {"plo_id": plo_id, "outcome": outcome},
            by=self.by("Children in Care"),
        )
        if outcome != "proceedings_issued":
            return end, None
        self.proceedings(ep, end, plo_id, since=day)
        return end, end

    def proceedings(
        self, ep: Episode, day: date, plo_id: str | None, since: date | None = None
    ) -> date:
        """Issue care proceedings; the 26-week clock is often missed. Connected-person
        placements often begin in pre-proceedings (`since`), before the issue."""
        rng = self.rng
        proceedings_id = self.new_id("PRC")
        payload = {"proceedings_id": proceedings_id, "child_ids": [c.child_id for c in ep.kids]}
        if plo_id is not None:
            payload["plo_id"] = plo_id
        self.emit("CareProceedingsIssued", day, payload)
        weeks = rng.randint(16, 26) if rng.random() < 0.6 else rng.randint(27, 56)
        concluded = days(day, 7 * weeks)
        order = ORDERS.draw(rng)
        self.emit(
            "CareProceedingsConcluded",
            concluded,
            {"proceedings_id": proceedings_id, "order": order},
        )
        self.allocate(ep.kids, day, "Children in Care")
        self.worked(ep, day, concluded)
        placed = [c for c in ep.kids if rng.random() < 0.55]
        if not placed and rng.random() < 0.7:
            placed = [rng.choice(ep.kids)]
        for child in placed:  # kinship first: a connected person before strangers
            if since is not None and rng.random() < 0.6:
                start = max(since, days(day, -rng.randint(0, 70)))
            else:
                start = days(day, rng.randint(0, 42))
            self.placement(child, start, concluded, order)
        ep.order = (concluded, order)
        return concluded

    def placement(self, child: Child, start: date, concluded: date, order: str) -> None:
        """A Regulation 24 placement and its fate; orders other than a care order end it."""
        rng = self.rng
        placement_id = self.new_id("PLC")
        self.emit(
            "ConnectedPersonPlacementStarted",
            start,
            {"placement_id": placement_id, "carer_id": self.connected_carer(start)},
            child.child_id,
            self.by("Children in Care"),
        )
        fate = rng.random()
        steps: list[tuple[date, str]] = []
        if fate < 0.3:
            steps.append((days(start, rng.randint(63, 112)), "ConnectedPersonApproved"))
        elif fate < 0.75:
            steps.append((days(start, rng.randint(95, 112)), "ConnectedPersonApprovalExtended"))
            approved = rng.random() < 0.8
            last = "ConnectedPersonApproved" if approved else "ConnectedPersonPlacementEnded"
            steps.append((days(start, rng.randint(126, 168)), last))
        elif fate < 0.87:
            steps.append((days(start, rng.randint(14, 98)), "ConnectedPersonPlacementEnded"))
        elif rng.random() < 0.5:  # drift: approved, but after the deadline
            steps.append((days(start, rng.randint(126, 220)), "ConnectedPersonApproved"))
        if order in _PLACEMENT_ENDING_ORDERS:
            steps = [(d, kind) for d, kind in steps if d <= concluded]
            if not any(kind == "ConnectedPersonPlacementEnded" for _, kind in steps):
                steps.append((concluded, "ConnectedPersonPlacementEnded"))
        for day, kind in steps:
            by = None if kind == "ConnectedPersonPlacementEnded" else self.by("Children in Care")
            self.emit(kind, day, {"placement_id": placement_id}, child.child_id, by)

    def connected_carer(self, day: date) -> str:
        """A grandparent already known to the family, or a newly linked connected person."""
        if self.carer is None:
            self.carer = self.new_id("P")
            relationship = "grandparent" if self.rng.random() < 0.7 else "other"
            self.emit(
                "PersonLinked",
                day,
                {"person_id": self.carer, "relationship": relationship, "lives_with": False},
            )
        return self.carer

    def after_order(self, ep: Episode, concluded: date, order: str) -> date:
        """Close or keep open each child's episode as the order implies; returns
        the date from which the family could be referred again."""
        rng = self.rng
        free = concluded
        by = self.by("Children in Care")
        for child in ep.kids:
            if order == "care_order":
                child.gone = True  # looked after: the episode stays open
                if child.age(concluded) < 5 and rng.random() < 0.35:
                    self.close_child(ep, child, days(concluded, rng.randint(240, 700)), "RC1", by)
                elif child.adult_on() > concluded:
                    self.close_child(ep, child, child.adult_on(), "RC6", by)
                continue
            if order in ("special_guardianship", "child_arrangements"):
                child.gone = True  # lives with the guardian or the other parent now
                reason = "RC4" if order == "special_guardianship" else "RC3"
                closed = days(concluded, rng.randint(0, 14))
            elif order == "supervision_order":
                reason, closed = "RC7", days(concluded, rng.randint(180, 365))
            else:
                reason, closed = "RC7", days(concluded, rng.randint(20, 120))
            free = max(free, self.close_child(ep, child, closed, reason, by))
        return free
