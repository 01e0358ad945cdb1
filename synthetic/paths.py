"""The statutory paths of an episode: assessment, child-in-need work, strategy
discussion and section 47, child protection plans and their reviews.

Each path returns the date from which the family is free to be referred
again, which is never before any event it drafted for these referrals, so
episodes of one family never overlap and the aggregate's invariants (one open
CP plan per child, one PLO per family, nothing after a closure) hold by
construction.
"""

from __future__ import annotations

from datetime import date
from math import log

from domain.calendar import add_months, add_working_days
from synthetic.base import DAY, Episode, days
from synthetic.court import CourtPaths
from synthetic.vocab import CATEGORIES, FACTORS, NO_FACTORS

ASSESSMENT_TEAMS = ("Assessment Team 1", "Assessment Team 2")
ON_TIME_ASSESSMENTS = 0.86  # national 2024-25: about 86% within 45 working days


class CarePaths(CourtPaths):
    # --- assessment ----------------------------------------------------------------

    def assessment_due(self, referred: date, started: date) -> date:
        """Completion date: ~86% within 45 working days of the referral, median ~33."""
        rng = self.rng
        if rng.random() < ON_TIME_ASSESSMENTS:
            working_days = round(rng.triangular(4, 45, 40))
        else:
            working_days = 46 + min(int(rng.expovariate(1 / 14)), 80)
        return max(add_working_days(referred, working_days), add_working_days(started, 1))

    def factors(self, outcome: str) -> list[str]:
        rng = self.rng
        if rng.random() < (0.35 if outcome == "nfa" else 0.04):
            return [NO_FACTORS]
        chosen: list[str] = []
        for _ in range(rng.choice((1, 2, 2, 3, 3, 4, 5))):
            factor = FACTORS.draw(rng)
            if factor not in chosen:
                chosen.append(factor)
        return chosen

    def assessment_events(self, ep: Episode, start: date, done: date, outcome: str) -> None:
        by = self.by(self.team)
        factors = self.factors(outcome)
        for child in ep.kids:
            assessment_id = self.new_id("ASM")
            referral_id = ep.refs[child.child_id]
            self.emit(
                "AssessmentStarted",
                start,
                {"assessment_id": assessment_id, "referral_id": referral_id},
                child.child_id,
            )
            self.emit(
                "AssessmentCompleted",
                done,
                {"assessment_id": assessment_id, "factors": list(factors), "outcome": outcome},
                child.child_id,
                by,
            )
        ep.busy = max(ep.busy, done)

    def assess(self, ep: Episode, start: date, allow_strategy: bool = True) -> date:
        self.allocate(ep.kids, start, self.rng.choice(ASSESSMENT_TEAMS), unqualified=0.03)
        done = self.assessment_due(ep.start, start)
        outcome = self.profile.assessment_outcomes.draw(self.rng)
        if outcome == "strategy_discussion" and not allow_strategy:
            outcome = "cin_plan"
        self.assessment_events(ep, start, done, outcome)
        self.worked(ep, start, done)
        if outcome == "nfa":
            return self.close(ep, days(done, self.rng.randint(0, 5)), "RC8")
        if outcome == "early_help":
            return self.close(ep, days(done, self.rng.randint(0, 5)), "RC9")
        if outcome == "cin_plan":
            return self.cin(ep, done)
        return self.strategy(ep, add_working_days(done, self.rng.randint(0, 2)), False)

    # --- child in need ---------------------------------------------------------------

    def cin(self, ep: Episode, day: date) -> date:
        """Child-in-need work; a quarter held by unqualified family support workers."""
        rng = self.rng
        if rng.random() < 0.25:
            self.allocate(ep.kids, day, "Family Support", unqualified=1.0)
        elif self.team == "Front Door":
            self.allocate(ep.kids, day, rng.choice(ASSESSMENT_TEAMS))
        elif rng.random() < 0.3:
            self.allocate(ep.kids, day, self.team)  # a change of worker
        stop = days(day, rng.randint(90, 330))
        p_escalate = self.profile.p_escalate
        if any(c.plans for c in ep.kids):
            p_escalate += 0.4  # stepped down from a plan: the likeliest to need one again
        if rng.random() < p_escalate:  # new concerns while the plan runs
            escalation = days(day, rng.randint(20, (stop - day).days))
            self.worked(ep, day, escalation)
            return self.strategy(ep, escalation, False)
        self.worked(ep, day, stop)
        return self.close(ep, stop, "RC7")

    # --- strategy discussion, section 47, initial conference ---------------------------

    def strategy(self, ep: Episode, day: date, with_assessment: bool) -> date:
        rng = self.rng
        section47 = rng.random() < self.profile.p_section47
        by = self.by("Child Protection")
        strategy_ids = {}
        for child in ep.kids:
            strategy_ids[child.child_id] = strategy_id = self.new_id("STR")
            self.emit(
                "StrategyDiscussionHeld",
                day,
                {
                    "strategy_id": strategy_id,
                    "referral_id": ep.refs[child.child_id],
                    "section47": section47,
                },
                child.child_id,
                by,
                timed=0.3,
            )
        ep.busy = max(ep.busy, day)
        if not section47:
            if with_assessment:
                return self.assess(ep, day, allow_strategy=False)
            if rng.random() < 0.5:
                return self.cin(ep, day)
            return self.close(ep, days(day, rng.randint(1, 10)), "RC8")
        s47_day = day if rng.random() < 0.8 else add_working_days(day, 1)
        self.allocate(ep.kids, s47_day, "Child Protection", unqualified=0.02)
        s47_ids = {}
        for child in ep.kids:
            s47_ids[child.child_id] = s47_id = self.new_id("S47")
            self.emit(
                "Section47Started",
                s47_day,
                {"s47_id": s47_id, "strategy_id": strategy_ids[child.child_id]},
                child.child_id,
            )
        conference = rng.random() < 0.8  # otherwise concerns not substantiated
        p_plan = 0.85 if any(c.plans for c in ep.kids) else self.profile.p_plan
        plan = conference and rng.random() < p_plan
        next_step = "plan" if plan else ("cin" if rng.random() < 0.55 else "close")
        if with_assessment and rng.random() < 0.7:
            done = self.assessment_due(ep.start, day)
            outcome = "nfa" if next_step == "close" else "cin_plan"
            self.assessment_events(ep, day, done, outcome)
        within = rng.random() < 0.8  # ICPC within 15 working days of the strategy discussion
        held = add_working_days(day, rng.randint(6, 15) if within else rng.randint(16, 30))
        if conference:
            by = self.by("Child Protection")
            for child in ep.kids:
                self.emit(
                    "InitialConferenceHeld",
                    held,
                    {"s47_id": s47_ids[child.child_id], "plan_required": plan},
                    child.child_id,
                    by,
                    timed=0.3,
                )
        self.worked(ep, s47_day, held)
        if next_step == "plan":
            return self.cp_plan(ep, held)
        if next_step == "cin":
            return self.cin(ep, held)
        return self.close(ep, days(held, rng.randint(0, 10)), "RC8")

    # --- child protection plans ----------------------------------------------------------

    def cp_plan(self, ep: Episode, day: date) -> date:
        rng = self.rng
        category = CATEGORIES.draw(rng)
        plan_ids = {}
        for child in ep.kids:
            plan_ids[child.child_id] = plan_id = self.new_id("CPP")
            child.plans += 1
            payload = {"plan_id": plan_id, "category": category}
            self.emit("CPPlanStarted", day, payload, child.child_id)
        self.allocate(ep.kids, day, "Child Protection", unqualified=0.03)
        length = int(rng.lognormvariate(log(self.profile.plan_median), 0.55))
        normal_end = days(day, min(max(length, 60), 900))
        issued: date | None = None
        plo_end = day
        if rng.random() < self.profile.p_plo:
            plo_start = days(day, rng.randint(50, max(51, min((normal_end - day).days, 420))))
            plo_end, issued = self.plo(ep, plo_start)
        elif rng.random() < 0.05:  # urgent proceedings without pre-proceedings
            issued = days(day, rng.randint(14, max(15, (normal_end - day).days)))
            self.proceedings(ep, issued, None)
        plan_end, step_down = self.reviews(plan_ids, day, normal_end, issued)
        by = self.by("Child Protection")
        for child in ep.kids:
            self.emit(
                "CPPlanEnded",
                plan_end,
                {"plan_id": plan_ids[child.child_id], "step_down": step_down},
                child.child_id,
                by,
            )
        self.worked(ep, day, plan_end)
        ep.busy = max(ep.busy, plan_end, plo_end)
        if ep.order is not None:
            concluded, order = ep.order
            ep.order = None
            return max(self.after_order(ep, concluded, order), ep.busy)
        if step_down == "cin_plan":
            return self.cin(ep, ep.busy)
        return self.close(ep, days(ep.busy, rng.randint(0, 20)), "RC7")

    def reviews(
        self, plan_ids: dict[str, str], start: date, normal_end: date, issued: date | None
    ) -> tuple[date, str]:
        """Review conferences (first within 3 months, then 6; a few late) up to the
        plan's end: the review that ends it, or shortly after proceedings are issued."""
        rng = self.rng
        stop_before = None
        if issued is not None and issued < normal_end:
            stop_before = days(issued, rng.randint(0, 21))
        due, previous = add_months(start, 3), start
        while True:
            if rng.random() < 0.07:
                review = days(due, rng.randint(1, 35))
            else:
                review = days(due, -rng.randint(0, 30))
            review = max(review, previous + DAY)
            if stop_before is not None and review >= stop_before:
                return stop_before, "none"
            final = stop_before is None and review >= normal_end
            for child_id, plan_id in plan_ids.items():
                self.emit(
                    "CPReviewHeld",
                    review,
                    {"plan_id": plan_id, "plan_continues": not final},
                    child_id,
                    timed=0.25,
                )
            if final:
                return review, "cin_plan" if rng.random() < 0.75 else "none"
            due, previous = add_months(review, 6), review
