"""A family's current state, folded from its recorded events in business order.

Kafka gives no ordering across topics, so the state is never built in arrival
order: the effective events (corrections applied, retractions removed) are
sorted by business date, a fixed type rank and event id, then applied. Any
interleaving of the same events therefore yields the same state. References to
records that have not arrived yet are kept as `pending`, not rejected.
Contradictions are collected per event in `violations` (a rule, a reason naming
ids only, and the events it contradicts); nothing is rejected for them: the
store records every well-formed fact and projections report these as data-quality
findings (domain.findings). Where a contradicted fact would make the state
ambiguous (a second decision on one referral) the first one stands; where it only
overlaps (a second open CP plan) it is kept, so what hangs off it still attaches.
Because the fold runs in business order, "dated before the thing it refers to
began" shows up as a reference still waiting at the end (`resolve_waiting`), not
as a date check.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from domain.contract import EVENT_TYPES, HISTORY_COUNTS, parse_business_date

Record = dict[str, Any]

TYPE_RANK: dict[str, int] = {name: rank for rank, name in enumerate(EVENT_TYPES)}
META_TYPES = frozenset({"RecordCorrected", "RecordRetracted"})

# The parts of the state (attribute names; "allocations" for the children's
# allocations, and "teams" for the teams they give, which every team column reads:
# `apply` adds it only when a team changes) that each event type's handler may
# change. `apply` adds the rest as it happens: a child first named, a contradiction
# noted, a reference left waiting. The projector rebuilds only the read-model
# tables that read a touched part (domain.rules.family_rows); a test replays every
# event type and checks that nothing outside these parts changed.
PARTS: dict[str, frozenset[str]] = {
    name: frozenset(parts)
    for name, parts in {
        "ChildAdded": {"children"},
        "ReferralReceived": {"referrals", "children"},
        "ReferralDecided": {"referrals"},
        "EpisodeClosed": {"referrals"},
        "AssessmentStarted": {"assessments"},
        "AssessmentCompleted": {"assessments"},
        "StrategyDiscussionHeld": {"strategies"},
        "Section47Started": {"s47s"},
        "InitialConferenceHeld": {"s47s"},
        "CPPlanStarted": {"cp_plans", "children"},
        "CPReviewHeld": {"cp_plans"},
        "CPPlanEnded": {"cp_plans"},
        "PreProceedingsStarted": {"plo"},
        "LetterBeforeProceedingsSent": {"plo"},
        "PLOMeetingHeld": {"plo"},
        "PreProceedingsEnded": {"plo"},
        "CareProceedingsIssued": {"proceedings"},
        "CareProceedingsConcluded": {"proceedings"},
        "ConnectedPersonPlacementStarted": {"placements"},
        "ConnectedPersonApprovalExtended": {"placements"},
        "ConnectedPersonApproved": {"placements"},
        "ConnectedPersonPlacementEnded": {"placements"},
        "CaseAllocated": {"allocations"},
        "SupervisionRecorded": {"supervisions", "actions"},
        "ActionCompleted": {"actions"},
        "PersonLinked": {"persons"},
        "PersonUnlinked": {"persons"},
        "AlertAcknowledged": {"acknowledgements"},
        "HistoryStated": {"children"},
        # Never applied (effective_records folds them in): any of them refolds.
        "RecordCorrected": set(),
        "RecordRetracted": set(),
    }.items()
}


def sort_key(record: Record) -> tuple[date, int, str, str]:
    return (
        parse_business_date(record["occurred_at"]),
        TYPE_RANK[record["event_type"]],
        record["occurred_at"],
        record["event_id"],
    )


def effective_records(records: list[Record]) -> list[Record]:
    """The records as they now stand: corrections applied, retracted ones removed.

    Corrections to one target apply in their own business order, so the result
    does not depend on the order they arrived in.
    """
    metas = [r for r in records if r["event_type"] in META_TYPES]
    if not metas:  # the common case, and the fold's hottest path
        return records
    retracted: set[str] = set()
    corrections: dict[str, list[Record]] = {}
    for r in metas:
        target = r["payload"]["target_event_id"]
        if r["event_type"] == "RecordRetracted":
            retracted.add(target)
        else:
            corrections.setdefault(target, []).append(r)
    out: list[Record] = []
    for r in records:
        if r["event_type"] in META_TYPES or r["event_id"] in retracted:
            continue
        fixes = corrections.get(r["event_id"])
        if fixes:
            r = dict(r)
            for fix in sorted(fixes, key=sort_key):
                replacement = fix["payload"]["replacement"]
                if "occurred_at" in replacement:
                    r["occurred_at"] = replacement["occurred_at"]
                if "payload" in replacement:
                    r["payload"] = {**r["payload"], **replacement["payload"]}
                r["corrected_by"] = [*r.get("corrected_by", []), fix["event_id"]]
        out.append(r)
    return out


@dataclass(frozen=True)
class Violation:
    """One contradiction: which check (`rule`, see domain.findings.RULES), a reason
    that names ids and types only, and the event ids of the facts it contradicts."""

    rule: str
    reason: str
    related: tuple[str, ...] = ()


@dataclass
class Child:
    child_id: str
    birth_date: str | None = None
    sex: str | None = None
    referral_ids: list[str] = field(default_factory=list)
    plan_ids: list[str] = field(default_factory=list)
    allocation: dict[str, Any] | None = None
    # Stated history (HistoryStated): per "<source>:<counted_from>", the latest statement
    # (a string key: the state is also written out as JSON, in audit packs).
    stated: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass
class FamilyState:
    """What is known of a family now, by business time."""

    children: dict[str, Child] = field(default_factory=dict)
    referrals: dict[str, dict[str, Any]] = field(default_factory=dict)
    assessments: dict[str, dict[str, Any]] = field(default_factory=dict)
    strategies: dict[str, dict[str, Any]] = field(default_factory=dict)
    s47s: dict[str, dict[str, Any]] = field(default_factory=dict)
    cp_plans: dict[str, dict[str, Any]] = field(default_factory=dict)
    plo: dict[str, dict[str, Any]] = field(default_factory=dict)
    proceedings: dict[str, dict[str, Any]] = field(default_factory=dict)
    placements: dict[str, dict[str, Any]] = field(default_factory=dict)
    supervisions: dict[str, dict[str, Any]] = field(default_factory=dict)
    actions: dict[str, dict[str, Any]] = field(default_factory=dict)
    persons: dict[str, dict[str, Any]] = field(default_factory=dict)
    acknowledgements: dict[str, dict[str, Any]] = field(default_factory=dict)
    pending: dict[str, str] = field(default_factory=dict)
    violations: dict[str, Violation] = field(default_factory=dict)
    waiting: dict[str, tuple[str, str, str, str]] = field(default_factory=dict)
    last_key: tuple[date, int, str, str] | None = None
    # The parts changed since it was last cleared (see PARTS): bookkeeping for the
    # projector, not a fact about the family, so two equal states may differ in it.
    touched: set[str] = field(default_factory=set, compare=False, repr=False)
    # Per part, the keys of the items found by a reference (`_known`) since then: the
    # only items a handler changes in place once they exist.
    touched_keys: dict[str, set[str]] = field(default_factory=dict, compare=False, repr=False)

    # --- folding -------------------------------------------------------------

    @classmethod
    def fold(cls, records: list[Record]) -> FamilyState:
        state = cls()
        keyed = [(sort_key(r), r) for r in effective_records(records)]
        keyed.sort(key=lambda pair: pair[0])
        for key, record in keyed:
            state.apply(record, key)
        state._note_meta(records)
        state.resolve_waiting()
        return state

    def resolve_waiting(self) -> None:
        """A reference still waiting whose target is now known was dated before it:
        with business order, that is the only way the target can have been missed."""
        for event_id, (table, key, what, event_type) in list(self.waiting.items()):
            target = getattr(self, table).get(key)
            if target is not None:
                self._violate(
                    {"event_id": event_id, "event_type": event_type},
                    "dated_before_anchor",
                    f"{event_type} is dated before {what} {key} began",
                    target.get("event_id"),
                )

    def _note_meta(self, records: list[Record]) -> None:
        """Corrections and retractions whose target is missing or is itself a meta event."""
        types = {r["event_id"]: r["event_type"] for r in records}
        for r in records:
            if r["event_type"] not in META_TYPES:
                continue
            target_type = types.get(r["payload"]["target_event_id"])
            if target_type is None:
                self._wait(r, "target event not yet received")
            elif target_type in META_TYPES:
                self._violate(
                    r,
                    "correction_of_correction",
                    "a correction or retraction cannot target another one",
                )

    def apply(self, r: Record, key: tuple[date, int, str, str] | None = None) -> None:
        """Apply one effective record; `key` saves recomputing its sort key."""
        self.last_key = key = key or sort_key(r)
        self.touched |= PARTS[r["event_type"]]
        child_id = r.get("child_id")
        if child_id is not None:
            self._child(child_id)
        getattr(self, f"_on_{r['event_type']}")(r, r["payload"], key[0])

    # --- helpers ---------------------------------------------------------------

    def _child(self, child_id: str) -> Child:
        child = self.children.get(child_id)
        if child is None:
            child = self.children[child_id] = Child(child_id)
            self.touched.add("children")
        return child

    def _violate(self, r: Record, rule: str, reason: str, related: str | None = None) -> None:
        """Note a contradiction of `r`; `related` is the event id it contradicts."""
        if r["event_id"] not in self.violations:
            self.violations[r["event_id"]] = Violation(rule, reason, (related,) if related else ())
            self.touched.add("violations")

    def _wait(self, r: Record, reason: str) -> None:
        self.pending[r["event_id"]] = reason
        self.touched.add("pending")

    def _known(self, r: Record, table: str, key: str, what: str) -> dict[str, Any] | None:
        value = r["payload"][key]
        rows: dict[str, dict[str, Any]] = getattr(self, table)
        item = rows.get(value)
        if item is None:
            self._wait(r, f"{what} {value} not yet received")
            self.waiting[r["event_id"]] = (table, value, what, r["event_type"])
            self.touched.add("waiting")
        else:
            self.touched_keys.setdefault(table, set()).add(value)
        return item

    def _new_id(self, r: Record, table: dict[str, dict[str, Any]], key: str, what: str) -> bool:
        first = table.get(r["payload"][key])
        if first is not None:
            self._violate(
                r,
                "duplicate_record",
                f"{what} {r['payload'][key]} was already recorded",
                first.get("event_id"),
            )
            return False
        return True

    def _check_referral_open(self, r: Record, referral_id: str, day: date) -> None:
        referral = self.referrals.get(referral_id)
        if referral and referral.get("closed_on") and day > referral["closed_on"]:
            self._violate(
                r,
                "after_closure",
                f"episode of referral {referral_id} closed before this event",
                referral.get("closed_by"),
            )

    # --- referrals -------------------------------------------------------------

    def _on_ChildAdded(self, r: Record, p: dict[str, Any], day: date) -> None:
        child = self._child(r["child_id"])
        child.birth_date = p.get("birth_date") or child.birth_date
        child.sex = p.get("sex") or child.sex

    def _on_ReferralReceived(self, r: Record, p: dict[str, Any], day: date) -> None:
        if not self._new_id(r, self.referrals, "referral_id", "referral"):
            return
        self.referrals[p["referral_id"]] = {
            "referral_id": p["referral_id"],
            "child_id": r["child_id"],
            "received_on": day,
            "source": p["source"],
            "primary_need": p.get("primary_need"),
            "event_id": r["event_id"],
        }
        self._child(r["child_id"]).referral_ids.append(p["referral_id"])

    def _on_ReferralDecided(self, r: Record, p: dict[str, Any], day: date) -> None:
        referral = self._known(r, "referrals", "referral_id", "referral")
        if referral is None:
            return
        if referral.get("decided_on"):
            self._violate(r, "repeated_outcome", f"referral {p['referral_id']} was already decided")
        else:
            referral.update(decided_on=day, outcome=p["outcome"])

    def _on_EpisodeClosed(self, r: Record, p: dict[str, Any], day: date) -> None:
        referral = self._known(r, "referrals", "referral_id", "referral")
        if referral is None:
            return
        if referral.get("closed_on"):
            self._violate(
                r, "repeated_outcome", f"episode of referral {p['referral_id']} was already closed"
            )
        else:
            referral.update(closed_on=day, closure_reason=p["reason"], closed_by=r["event_id"])

    # --- assessments and section 47 --------------------------------------------

    def _on_AssessmentStarted(self, r: Record, p: dict[str, Any], day: date) -> None:
        if not self._new_id(r, self.assessments, "assessment_id", "assessment"):
            return
        self._known(r, "referrals", "referral_id", "referral")
        self._check_referral_open(r, p["referral_id"], day)
        self.assessments[p["assessment_id"]] = {
            "assessment_id": p["assessment_id"],
            "child_id": r["child_id"],
            "referral_id": p["referral_id"],
            "started_on": day,
            "event_id": r["event_id"],
        }

    def _on_AssessmentCompleted(self, r: Record, p: dict[str, Any], day: date) -> None:
        assessment = self._known(r, "assessments", "assessment_id", "assessment")
        if assessment is None:
            return
        if assessment.get("completed_on"):
            self._violate(
                r, "repeated_outcome", f"assessment {p['assessment_id']} was already completed"
            )
        else:
            self._check_referral_open(r, assessment["referral_id"], day)
            assessment.update(completed_on=day, factors=p["factors"], outcome=p["outcome"])

    def _on_StrategyDiscussionHeld(self, r: Record, p: dict[str, Any], day: date) -> None:
        if not self._new_id(r, self.strategies, "strategy_id", "strategy discussion"):
            return
        self._known(r, "referrals", "referral_id", "referral")
        self._check_referral_open(r, p["referral_id"], day)
        self.strategies[p["strategy_id"]] = {
            "strategy_id": p["strategy_id"],
            "event_id": r["event_id"],
            "child_id": r["child_id"],
            "referral_id": p["referral_id"],
            "held_on": day,
            "section47": p["section47"],
        }

    def _on_Section47Started(self, r: Record, p: dict[str, Any], day: date) -> None:
        if not self._new_id(r, self.s47s, "s47_id", "section 47 enquiry"):
            return
        strategy = self._known(r, "strategies", "strategy_id", "strategy discussion")
        if strategy is not None and not strategy["section47"]:
            self._violate(
                r,
                "s47_without_decision",
                f"strategy discussion {p['strategy_id']} decided on no section 47",
                strategy.get("event_id"),
            )
        self.s47s[p["s47_id"]] = {
            "s47_id": p["s47_id"],
            "child_id": r["child_id"],
            "event_id": r["event_id"],
            "strategy_id": p["strategy_id"],
            "started_on": day,
        }

    def _on_InitialConferenceHeld(self, r: Record, p: dict[str, Any], day: date) -> None:
        s47 = self._known(r, "s47s", "s47_id", "section 47 enquiry")
        if s47 is None:
            return
        if s47.get("icpc_on"):
            self._violate(
                r,
                "repeated_outcome",
                f"section 47 enquiry {p['s47_id']} already had its conference",
            )
        else:
            s47.update(icpc_on=day, plan_required=p["plan_required"])

    # --- child protection plans ------------------------------------------------

    def _on_CPPlanStarted(self, r: Record, p: dict[str, Any], day: date) -> None:
        if not self._new_id(r, self.cp_plans, "plan_id", "CP plan"):
            return
        child = self._child(r["child_id"])
        for plan_id in child.plan_ids:
            plan = self.cp_plans[plan_id]
            if plan.get("ended_on") is None or plan["ended_on"] > day:
                self._violate(
                    r,
                    "overlapping_cp_plan",
                    f"child already has an open CP plan {plan_id}",
                    plan.get("event_id"),
                )
                break
        self.cp_plans[p["plan_id"]] = {
            "plan_id": p["plan_id"],
            "child_id": r["child_id"],
            "category": p["category"],
            "event_id": r["event_id"],
            "started_on": day,
            "reviews": [],
            "latest_only_reviews": [],
        }
        child.plan_ids.append(p["plan_id"])

    def _on_CPReviewHeld(self, r: Record, p: dict[str, Any], day: date) -> None:
        plan = self._known(r, "cp_plans", "plan_id", "CP plan")
        if plan is None:
            return
        if plan.get("ended_on") and day > plan["ended_on"]:
            self._violate(r, "after_end", f"review held after CP plan {p['plan_id']} ended")
        else:
            plan["reviews"].append(day)
            if p.get("latest_only"):
                plan["latest_only_reviews"].append(day)

    def _on_CPPlanEnded(self, r: Record, p: dict[str, Any], day: date) -> None:
        plan = self._known(r, "cp_plans", "plan_id", "CP plan")
        if plan is None:
            return
        if plan.get("ended_on"):
            self._violate(r, "repeated_outcome", f"CP plan {p['plan_id']} was already ended")
        else:
            plan.update(ended_on=day, step_down=p["step_down"])

    # --- pre-proceedings and care proceedings ----------------------------------

    def _on_PreProceedingsStarted(self, r: Record, p: dict[str, Any], day: date) -> None:
        if not self._new_id(r, self.plo, "plo_id", "pre-proceedings"):
            return
        for other in self.plo.values():
            if other.get("ended_on") is None or other["ended_on"] > day:
                self._violate(
                    r,
                    "overlapping_pre_proceedings",
                    f"family is already in pre-proceedings {other['plo_id']}",
                    other.get("event_id"),
                )
                break
        for child_id in p["child_ids"]:
            self._child(child_id)
        self.plo[p["plo_id"]] = {
            "plo_id": p["plo_id"],
            "child_ids": list(p["child_ids"]),
            "event_id": r["event_id"],
            "started_on": day,
            "letter_on": None,
            "meetings": [],
            "ended_on": None,
            "outcome": None,
        }

    def _open_plo(self, r: Record, day: date, what: str) -> dict[str, Any] | None:
        plo = self._known(r, "plo", "plo_id", "pre-proceedings")
        if plo is None:
            return None
        if plo["ended_on"] and day > plo["ended_on"]:
            self._violate(r, "after_end", f"{what} after pre-proceedings {plo['plo_id']} ended")
            return None
        return plo

    def _on_LetterBeforeProceedingsSent(self, r: Record, p: dict[str, Any], day: date) -> None:
        plo = self._open_plo(r, day, "letter before proceedings")
        if plo is not None and plo["letter_on"] is None:
            plo["letter_on"] = day

    def _on_PLOMeetingHeld(self, r: Record, p: dict[str, Any], day: date) -> None:
        plo = self._open_plo(r, day, "PLO meeting")
        if plo is not None:
            plo["meetings"].append({"on": day, "kind": p["kind"]})

    def _on_PreProceedingsEnded(self, r: Record, p: dict[str, Any], day: date) -> None:
        plo = self._open_plo(r, day, "end")
        if plo is None:
            return
        if plo["ended_on"]:
            self._violate(
                r, "repeated_outcome", f"pre-proceedings {p['plo_id']} were already ended"
            )
        else:
            plo.update(ended_on=day, outcome=p["outcome"])

    def _on_CareProceedingsIssued(self, r: Record, p: dict[str, Any], day: date) -> None:
        if not self._new_id(r, self.proceedings, "proceedings_id", "care proceedings"):
            return
        for child_id in p["child_ids"]:
            self._child(child_id)
        self.proceedings[p["proceedings_id"]] = {
            "proceedings_id": p["proceedings_id"],
            "plo_id": p.get("plo_id"),
            "event_id": r["event_id"],
            "child_ids": list(p["child_ids"]),
            "issued_on": day,
            "concluded_on": None,
            "order": None,
        }

    def _on_CareProceedingsConcluded(self, r: Record, p: dict[str, Any], day: date) -> None:
        proceedings = self._known(r, "proceedings", "proceedings_id", "care proceedings")
        if proceedings is None:
            return
        if proceedings["concluded_on"]:
            self._violate(
                r,
                "repeated_outcome",
                f"care proceedings {p['proceedings_id']} were already concluded",
            )
        else:
            proceedings.update(concluded_on=day, order=p["order"])

    # --- connected-person placements (Regulation 24) ---------------------------

    def _on_ConnectedPersonPlacementStarted(self, r: Record, p: dict[str, Any], day: date) -> None:
        if not self._new_id(r, self.placements, "placement_id", "placement"):
            return
        self.placements[p["placement_id"]] = {
            "placement_id": p["placement_id"],
            "child_id": r["child_id"],
            "carer_id": p["carer_id"],
            "event_id": r["event_id"],
            "started_on": day,
            "extended_on": None,
            "approved_on": None,
            "ended_on": None,
        }

    def _live_placement(self, r: Record, day: date, what: str) -> dict[str, Any] | None:
        placement = self._known(r, "placements", "placement_id", "placement")
        if placement is None:
            return None
        if placement["ended_on"] and day > placement["ended_on"]:
            self._violate(
                r, "after_end", f"{what} after placement {placement['placement_id']} ended"
            )
            return None
        return placement

    def _on_ConnectedPersonApprovalExtended(self, r: Record, p: dict[str, Any], day: date) -> None:
        placement = self._live_placement(r, day, "extension")
        if placement is None:
            return
        if placement["extended_on"]:
            self._violate(
                r,
                "second_extension",
                "temporary approval can be extended only once (Regulation 25)",
            )
        else:
            placement["extended_on"] = day

    def _on_ConnectedPersonApproved(self, r: Record, p: dict[str, Any], day: date) -> None:
        placement = self._live_placement(r, day, "approval")
        if placement is not None and placement["approved_on"] is None:
            placement["approved_on"] = day

    def _on_ConnectedPersonPlacementEnded(self, r: Record, p: dict[str, Any], day: date) -> None:
        placement = self._live_placement(r, day, "end")
        if placement is None:
            return
        if placement["ended_on"]:
            self._violate(r, "repeated_outcome", f"placement {p['placement_id']} was already ended")
        else:
            placement["ended_on"] = day

    # --- practice --------------------------------------------------------------

    def family_team(self) -> str | None:
        """The team of the family's most recent allocation (any child)."""
        latest: tuple[date, str] | None = None
        team = None
        for child_id, child in self.children.items():
            if child.allocation is None:
                continue
            key = (child.allocation["since"], child_id)
            if latest is None or key > latest:
                latest, team = key, str(child.allocation["team"])
        return team

    def _on_CaseAllocated(self, r: Record, p: dict[str, Any], day: date) -> None:
        child = self._child(r["child_id"])
        held = child.allocation
        if held is None or held["team"] != p["team"] or self.family_team() != p["team"]:
            self.touched.add("teams")  # some team column may change (else none can)
        child.allocation = {
            "worker_id": p["worker_id"],
            "team": p["team"],
            "role": p["role"],
            "qualified": p["qualified"],
            "since": day,
        }

    def _on_SupervisionRecorded(self, r: Record, p: dict[str, Any], day: date) -> None:
        if not self._new_id(r, self.supervisions, "supervision_id", "supervision"):
            return
        self.supervisions[p["supervision_id"]] = {
            "supervision_id": p["supervision_id"],
            "supervisor_id": p["supervisor_id"],
            "event_id": r["event_id"],
            "child_ids": list(p["child_ids"]),
            "held_on": day,
            "positive": sum(1 for c in p["changes"] if c["direction"] == "positive"),
            "negative": sum(1 for c in p["changes"] if c["direction"] == "negative"),
        }
        for action in p["actions"]:
            if action["action_id"] in self.actions:
                self._violate(
                    r, "duplicate_record", f"action {action['action_id']} was already recorded"
                )
                continue
            self.actions[action["action_id"]] = {
                "action_id": action["action_id"],
                "supervision_id": p["supervision_id"],
                "child_ids": list(p["child_ids"]),
                "set_on": day,
                "due_on": parse_business_date(action["due_on"]),
                "completed_on": None,
            }

    def _on_ActionCompleted(self, r: Record, p: dict[str, Any], day: date) -> None:
        action = self._known(r, "actions", "action_id", "action")
        if action is None:
            return
        if action["completed_on"]:
            self._violate(r, "repeated_outcome", f"action {p['action_id']} was already completed")
        else:
            action["completed_on"] = day

    def _on_PersonLinked(self, r: Record, p: dict[str, Any], day: date) -> None:
        self.persons[p["person_id"]] = {
            "person_id": p["person_id"],
            "relationship": p["relationship"],
            "lives_with": p["lives_with"],
            "linked_on": day,
            "unlinked_on": None,
        }

    def _on_PersonUnlinked(self, r: Record, p: dict[str, Any], day: date) -> None:
        person = self._known(r, "persons", "person_id", "linked person")
        if person is not None:
            person["unlinked_on"] = day

    def _on_AlertAcknowledged(self, r: Record, p: dict[str, Any], day: date) -> None:
        """The latest acknowledgement stands (folded in business order): an alert
        raised again after one is acknowledged again by the next."""
        self.acknowledgements[p["alert_id"]] = {
            "alert_id": p["alert_id"],
            "on": day,
            "by": (r.get("recorded_by") or {}).get("worker_id"),
        }

    # --- stated history --------------------------------------------------------

    def _on_HistoryStated(self, r: Record, p: dict[str, Any], day: date) -> None:
        """Keep the latest statement per source and the date it counts back from:
        next year's return restating the same referral's count replaces it, and
        statements about different referrals or plans stand side by side."""
        as_of = parse_business_date(p["as_of"])
        counted_from = parse_business_date(p.get("counted_from") or p["as_of"])
        child = self._child(r["child_id"])
        key = f"{p['source']}:{counted_from.isoformat()}"
        held = child.stated.get(key)
        if held is not None and (held["as_of"], held["event_id"]) > (as_of, r["event_id"]):
            return
        child.stated[key] = {
            "statement_id": p["statement_id"],
            "source": p["source"],
            "as_of": as_of,
            "counted_from": counted_from,
            "event_id": r["event_id"],
            **{name: p.get(name) for name in HISTORY_COUNTS},
        }

    # Meta events never reach apply(): effective_records() folds them in.
    def _on_RecordCorrected(self, r: Record, p: dict[str, Any], day: date) -> None:
        raise AssertionError("corrections are applied by effective_records")

    _on_RecordRetracted = _on_RecordCorrected
