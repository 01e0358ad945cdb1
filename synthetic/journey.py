"""One family's journey: its children and adults, its referral episodes one
after another, and the occasional correction or retraction.

Families differ in how involved they are (`PROFILES`): most are referred once
or twice, a small heavy group keeps coming back, which is what produces
realistic re-referral and repeat-plan figures rather than a uniform spread.
"""

from __future__ import annotations

from datetime import date
from math import log

from domain.calendar import add_working_days
from synthetic.base import DAY, Child, Draft, Episode, Profile, days
from synthetic.paths import CarePaths
from synthetic.vocab import (
    CATEGORIES,
    CORRECTION_REASONS,
    PRIMARY_NEEDS,
    RETRACTION_REASONS,
    SEXES,
    SIBLINGS,
    SOURCES,
    Weighted,
)

PROFILES: Weighted[Profile] = Weighted(
    {
        Profile(
            name="light",
            p_return=0.35,
            gap_median=300,
            referral_outcomes=Weighted(
                {"nfa": 22, "early_help": 20, "assessment": 45, "strategy_discussion": 13}
            ),
            assessment_outcomes=Weighted(
                {"nfa": 36, "early_help": 24, "cin_plan": 32, "strategy_discussion": 8}
            ),
            p_section47=0.75,
            p_plan=0.6,
            plan_median=210,
            p_plo=0.2,
            p_proceedings=0.45,
            p_escalate=0.04,
            p_baby=0.05,
        ): 68,
        Profile(
            name="moderate",
            p_return=0.6,
            gap_median=160,
            referral_outcomes=Weighted(
                {"nfa": 15, "early_help": 15, "assessment": 50, "strategy_discussion": 20}
            ),
            assessment_outcomes=Weighted(
                {"nfa": 28, "early_help": 20, "cin_plan": 40, "strategy_discussion": 12}
            ),
            p_section47=0.8,
            p_plan=0.65,
            plan_median=210,
            p_plo=0.35,
            p_proceedings=0.5,
            p_escalate=0.1,
            p_baby=0.12,
        ): 24,
        Profile(
            name="heavy",
            p_return=0.92,
            gap_median=45,
            referral_outcomes=Weighted(
                {"nfa": 25, "early_help": 15, "assessment": 35, "strategy_discussion": 25}
            ),
            assessment_outcomes=Weighted(
                {"nfa": 20, "early_help": 15, "cin_plan": 45, "strategy_discussion": 20}
            ),
            p_section47=0.9,
            p_plan=0.75,
            plan_median=150,
            p_plo=0.55,
            p_proceedings=0.6,
            p_escalate=0.25,
            p_baby=0.3,
        ): 8,
    }
)

# Corrections that cannot break an invariant: codes, birth dates, and the dates of
# practice records nothing else is checked against.
CORRECTABLE = frozenset(
    {
        "ChildAdded",
        "ReferralReceived",
        "AssessmentCompleted",
        "CPPlanStarted",
        "SupervisionRecorded",
        "CaseAllocated",
    }
)


class FamilyJourney(CarePaths):
    def run(self) -> list[Draft]:
        """Simulate the family; returns its events up to the end date (unordered)."""
        rng = self.rng
        self.profile = PROFILES.draw(rng)
        # Heavy families are the ones already known: first seen early in the period.
        span = (self.end - self.start).days // (2 if self.profile.name == "heavy" else 1)
        first = days(self.start, rng.randint(0, span))
        self.add_children(first)
        self.link_adults(first)
        # Involvement fades after a few years (children grow up, families move on),
        # so figures do not keep climbing with the length of the period.
        horizon = days(first, rng.randint(900, 1600))
        baby: Child | None = None
        day = first
        while day <= min(self.end, horizon):
            kids = [c for c in self.children if not c.gone and c.age(day) < 17.5]
            if not kids:
                break
            free = self.episode(day, self.pick(kids, baby))
            if self.moved_away or rng.random() >= self.profile.p_return:
                break
            gap = max(14, int(rng.lognormvariate(log(self.profile.gap_median), 0.8)))
            day = days(free, gap)
            baby = None
            if len(self.children) < 4 and rng.random() < self.profile.p_baby:
                born = max(days(day, -rng.randint(0, 30)), free + DAY)
                baby = self.add_child(born, born, len(self.children) + 1)
        self.events = [e for e in self.events if e.day <= self.end]
        self.correct_and_retract(first)
        return self.events

    # --- people ----------------------------------------------------------------------

    def add_child(self, known_on: date, birth: date, number: int) -> Child:
        child = Child(f"CH-{self.index:06d}-{number}", birth)
        self.children.append(child)
        payload = {"sex": SEXES.draw(self.rng)}
        if self.rng.random() < 0.95:
            payload["birth_date"] = birth.isoformat()
        self.emit("ChildAdded", known_on, payload, child.child_id)
        return child

    def add_children(self, first: date) -> None:
        rng = self.rng
        age = rng.randint(0, 16 * 365)
        for number in range(1, SIBLINGS.draw(rng) + 1):
            self.add_child(first, days(first, -age), number)
            age -= rng.randint(300, 4 * 365)
            if age < 0:
                break

    def pick(self, kids: list[Child], baby: Child | None) -> list[Child]:
        """Who the referral is about: often all the children, sometimes one."""
        rng = self.rng
        if baby is not None and baby in kids:
            return kids if rng.random() < 0.5 else [baby]
        if len(kids) == 1 or rng.random() < 0.6:
            return kids
        return [rng.choice(kids)]

    def link_adults(self, first: date) -> None:
        rng = self.rng
        adults: list[tuple[str, str, bool]] = []
        if rng.random() < 0.92:
            adults.append((self.new_id("P"), "mother", True))
        if rng.random() < 0.55:
            adults.append((self.new_id("P"), "father", rng.random() < 0.55))
        if rng.random() < 0.18:
            adults.append((self.new_id("P"), rng.choice(("partner", "step_parent")), True))
        if rng.random() < 0.12:
            self.carer = self.new_id("P")
            adults.append((self.carer, "grandparent", rng.random() < 0.2))
        for shared in self.shared:
            on = first if shared.home else days(first, rng.randint(0, (self.end - first).days))
            self.link(on, shared.person_id, shared.relationship, True)
            if shared.home and rng.random() < 0.5:  # moved to the other household
                self.unlink(days(on, rng.randint(30, 700)), shared.person_id)
        for person_id, relationship, lives_with in adults:
            self.link(first, person_id, relationship, lives_with)
            if relationship in ("partner", "step_parent", "father") and rng.random() < 0.08:
                self.unlink(days(first, rng.randint(30, 900)), person_id)

    def link(self, day: date, person_id: str, relationship: str, lives_with: bool) -> None:
        payload = {"person_id": person_id, "relationship": relationship, "lives_with": lives_with}
        self.emit("PersonLinked", day, payload)

    def unlink(self, day: date, person_id: str) -> None:
        if day <= self.end:
            self.emit("PersonUnlinked", day, {"person_id": person_id})

    # --- an episode ------------------------------------------------------------------

    def episode(self, day: date, kids: list[Child]) -> date:
        """A referral of `kids`, decided at the front door; returns when it is over."""
        rng = self.rng
        ep = Episode(day, kids, busy=day)
        source, need = SOURCES.draw(rng), PRIMARY_NEEDS.draw(rng)
        for child in kids:
            ep.refs[child.child_id] = referral_id = self.new_id("REF")
            payload = {"referral_id": referral_id, "source": source}
            if need is not None:
                payload["primary_need"] = need
            self.emit("ReferralReceived", day, payload, child.child_id, timed=0.4)
        decided = add_working_days(day, rng.choice((0, 0, 0, 1, 1, 2)))
        outcome = self.profile.referral_outcomes.draw(rng)
        if any(c.plans for c in kids) and rng.random() < 0.55:
            outcome = "strategy_discussion"  # a child who was on a plan before
        self.team = "Front Door"
        by = self.by("Front Door")
        for child in kids:
            payload = {"referral_id": ep.refs[child.child_id], "outcome": outcome}
            self.emit("ReferralDecided", decided, payload, child.child_id, by)
        if outcome == "nfa":
            free = self.close(ep, decided, "RC8")
        elif outcome == "early_help":
            free = self.close(ep, decided, "RC9")
        elif outcome == "assessment":
            free = self.assess(ep, decided)
        else:
            free = self.strategy(ep, add_working_days(decided, rng.choice((0, 1))), True)
        self.supervise(ep)
        return free

    # --- corrections ---------------------------------------------------------------------

    def correct_and_retract(self, first: date) -> None:
        """A few corrections of earlier records, and a few records entered in error
        and then retracted, all made before the end date."""
        rng = self.rng
        if rng.random() < 0.07:
            targets = [e for e in self.events if e.event_type in CORRECTABLE and e.day < self.end]
            if targets:
                self.correct(rng.choice(targets))
        if rng.random() < 0.04 and first < self.end:
            on = days(first, rng.randint(0, (self.end - first).days))
            if rng.random() < 0.6:
                child = rng.choice([c for c in self.children if c.birth <= on] or self.children)
                worker = self.roster.worker(rng, rng.choice(("Front Door", "Family Support")))
                wrong = self.emit("CaseAllocated", on, worker.as_allocation(), child.child_id)
            else:
                payload = {
                    "person_id": self.new_id("P"),
                    "relationship": "other",
                    "lives_with": False,
                }
                wrong = self.emit("PersonLinked", on, payload)
            retracted_on = min(days(on, rng.randint(0, 21)), self.end)
            self.emit(
                "RecordRetracted",
                retracted_on,
                {"target_event_id": wrong.event_id, "reason": rng.choice(RETRACTION_REASONS)},
                by=self.by(self.team),
            )

    def correct(self, target: Draft) -> None:
        rng = self.rng
        payload = target.payload
        kind = target.event_type
        replacement: dict[str, object]
        if kind == "ChildAdded":
            birth = date.fromisoformat(payload.get("birth_date") or target.day.isoformat())
            replacement = {"payload": {"birth_date": days(birth, -rng.randint(1, 40)).isoformat()}}
        elif kind == "ReferralReceived":
            new_source = SOURCES.draw(rng)
            while new_source == payload["source"]:
                new_source = SOURCES.draw(rng)
            replacement = {"payload": {"source": new_source}}
        elif kind == "AssessmentCompleted":
            replacement = {"payload": {"factors": self.factors(payload["outcome"])}}
        elif kind == "CPPlanStarted":
            category = CATEGORIES.draw(rng)
            replacement = {"payload": {"category": category}}
        else:  # practice records: the date was keyed a few days late
            replacement = {"occurred_at": days(target.day, -rng.randint(1, 4)).isoformat()}
        self.emit(
            "RecordCorrected",
            min(days(target.day, rng.randint(1, 60)), self.end),
            {
                "target_event_id": target.event_id,
                "reason": rng.choice(CORRECTION_REASONS),
                "replacement": replacement,
            },
            by=self.by(self.team),
        )
