"""The event contract, version 1 (GUIDE section 4): parsing and validation.

Validation is pure and total: every way a message can be wrong ends in a
`ContractError` whose reason names the field, so importers, the Kafka consumer
and the dead-letter topic all explain rejects in the same words. Free-text
values are never copied into reasons.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, TypeGuard

from domain import codes
from domain.limits import (
    EARLIEST_DATE,
    LATEST_DATE,
    MAX_DAYS_AHEAD,
    TYPE_MARKER,
    has_control_characters,
    value_problem,
)

CONTRACT_FIELDS = frozenset(
    {
        "event_id",
        "event_type",
        "family_id",
        "child_id",
        "occurred_at",
        "recorded_by",
        "payload",
        "schema_version",
    }
)


class ContractError(ValueError):
    """A message that breaks the contract; `reason` is safe to log."""

    def __init__(self, reason: str, event_id: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.event_id = event_id


@dataclass(frozen=True)
class ContractEvent:
    """One validated contract event, as the source sent it."""

    event_id: str
    event_type: str
    family_id: str
    occurred_at: str
    child_id: str | None = None
    recorded_by: dict[str, Any] | None = None
    payload: dict[str, Any] = field(default_factory=dict)
    schema_version: int = 1
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def business_date(self) -> date:
        return parse_business_date(self.occurred_at)

    def to_json(self) -> dict[str, Any]:
        """The contract JSON object again, unknown fields included."""
        out: dict[str, Any] = dict(self.extra)
        out.update(
            event_id=self.event_id,
            event_type=self.event_type,
            family_id=self.family_id,
            occurred_at=self.occurred_at,
            payload=self.payload,
            schema_version=self.schema_version,
        )
        if self.child_id is not None:
            out["child_id"] = self.child_id
        if self.recorded_by is not None:
            out["recorded_by"] = self.recorded_by
        return out


def parse_business_date(value: str) -> date:
    """The business date of an ISO 8601 date or date-time string; ValueError when it
    is not one or lies outside EARLIEST_DATE..LATEST_DATE (so a time zone can never
    push a moment past the calendar's ends)."""
    if len(value) == 10:
        day = date.fromisoformat(value)
    else:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        if not EARLIEST_DATE.year <= moment.year <= LATEST_DATE.year:
            raise ValueError("outside the sane range of dates")
        if moment.tzinfo is not None:
            moment = moment.astimezone(UTC)
        day = moment.date()
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise ValueError("outside the sane range of dates")
    return day


# --- payload field checkers -------------------------------------------------


Checker = Callable[[Any], str | None]


def _string(max_len: int = 128) -> Checker:
    """An id, a code-like name or a team: short, and free of control characters
    (a newline or an ANSI escape in an id would forge a line in a log)."""

    def check(value: Any) -> str | None:
        if not isinstance(value, str) or not value.strip():
            return "must be a non-empty string"
        if len(value) > max_len:
            return f"must be at most {max_len} characters"
        if has_control_characters(value):
            return "must not hold control characters"
        return None

    return check


def _text(value: Any) -> str | None:
    return None if isinstance(value, str) else "must be a string"


def _code(allowed: frozenset[str]) -> Checker:
    def check(value: Any) -> str | None:
        if not isinstance(value, str):
            return "must be a code string"
        if value not in allowed:
            # Never echoed: a free-text value put in a code field must not reach
            # logs, rejects reasons or dead-letter headers.
            return "is not a known code"
        return None

    return check


def _boolean(value: Any) -> str | None:
    return None if isinstance(value, bool) else "must be true or false"


def _iso_date(value: Any) -> str | None:
    if not isinstance(value, str) or len(value) > 40:
        return "must be an ISO 8601 date"
    try:
        parse_business_date(value)
    except ValueError:
        return f"must be an ISO 8601 date from {EARLIEST_DATE.year} to {LATEST_DATE.year}"
    return None


def _id_list(value: Any) -> str | None:
    if not isinstance(value, list) or not value:
        return "must be a non-empty list of ids"
    if any(_string(64)(v) for v in value):
        return "must hold ids of 1-64 characters"
    if len(set(value)) != len(value):
        return "must not repeat an id"
    return None


def _factors(value: Any) -> str | None:
    if not isinstance(value, list):
        return "must be a list of factor codes"
    for item in value:
        problem = _code(codes.ASSESSMENT_FACTORS)(item)
        if problem:
            return problem
    if codes.NO_FACTORS in value and len(value) > 1:
        return "factor 21 (no factors) must stand alone"
    if len(set(value)) != len(value):
        return "must not repeat a factor"
    return None


def _changes(value: Any) -> str | None:
    if not isinstance(value, list):
        return "must be a list"
    for item in value:
        if not isinstance(item, dict):
            return "each change must be an object"
        problem = _code(codes.CHANGE_DIRECTIONS)(item.get("direction"))
        if problem:
            return f"direction {problem}"
        if "note" in item and not isinstance(item["note"], str):
            return "note must be a string"
    return None


def _actions(value: Any) -> str | None:
    if not isinstance(value, list):
        return "must be a list"
    for item in value:
        if not isinstance(item, dict):
            return "each action must be an object"
        if _string(128)(item.get("action_id")):
            return "action_id must be a non-empty string"
        if _iso_date(item.get("due_on")):
            return "due_on must be an ISO 8601 date"
        if "summary" in item and not isinstance(item["summary"], str):
            return "summary must be a string"
    return None


def _count(value: Any) -> str | None:
    """A count a return states: a whole number from 0 to 999 (not true/false)."""
    if isinstance(value, bool) or not isinstance(value, int):
        return "must be a whole number"
    if not 0 <= value <= MAX_STATED_COUNT:
        return f"must be from 0 to {MAX_STATED_COUNT}"
    return None


def _statement_version(value: Any) -> str | None:
    if isinstance(value, bool) or value not in STATEMENT_VERSIONS:
        return "is not a known statement version (this reader knows 1)"
    return None


def _replacement(value: Any) -> str | None:
    if not isinstance(value, dict):
        return "must be an object"
    if not set(value) <= {"occurred_at", "payload"} or not value:
        return "may hold only occurred_at and payload"
    if "occurred_at" in value and _iso_date(value["occurred_at"]):
        return "occurred_at must be an ISO 8601 date or date-time"
    if "payload" in value and not isinstance(value["payload"], dict):
        return "payload must be an object"
    return None


ID = _string(128)

# Stated history (GUIDE section 8): what a return says about the past it does not
# list. Versioned on its own (`payload.version`) so the statement can grow without
# a new contract version.
HISTORY_SOURCES = frozenset(codes.HISTORY_SOURCE_LABELS)
HISTORY_COUNTS = ("prior_referrals_12m", "previous_cp_plans", "prior_section47s", "prior_icpcs")
STATEMENT_VERSIONS = frozenset({1})
MAX_STATED_COUNT = 999


@dataclass(frozen=True)
class EventSpec:
    """What one event type needs: its topic, whether it concerns one child,
    whether it is a decision (so `recorded_by` is required), and its payload."""

    topic: str
    child: bool
    decision: bool
    required: Mapping[str, Checker]
    optional: Mapping[str, Checker] = field(default_factory=dict)


_R, _A, _CP, _PLO, _CARE, _PR = (
    "csc.referrals",
    "csc.assessments",
    "csc.cp-plans",
    "csc.plo",
    "csc.care",
    "csc.practice",
)

EVENT_SPECS: dict[str, EventSpec] = {
    "ChildAdded": EventSpec(
        _R, True, False, {}, {"birth_date": _iso_date, "sex": _code(codes.SEXES)}
    ),
    "ReferralReceived": EventSpec(
        _R,
        True,
        False,
        {"referral_id": ID, "source": _code(codes.REFERRAL_SOURCES)},
        {"primary_need": _code(codes.PRIMARY_NEEDS)},
    ),
    "ReferralDecided": EventSpec(
        _R, True, True, {"referral_id": ID, "outcome": _code(codes.REFERRAL_OUTCOMES)}
    ),
    "EpisodeClosed": EventSpec(
        _R, True, True, {"referral_id": ID, "reason": _code(codes.CLOSURE_REASONS)}
    ),
    "AssessmentStarted": EventSpec(_A, True, False, {"assessment_id": ID, "referral_id": ID}),
    "AssessmentCompleted": EventSpec(
        _A,
        True,
        True,
        {
            "assessment_id": ID,
            "factors": _factors,
            "outcome": _code(codes.ASSESSMENT_OUTCOMES),
        },
    ),
    "StrategyDiscussionHeld": EventSpec(
        _A, True, True, {"strategy_id": ID, "referral_id": ID, "section47": _boolean}
    ),
    "Section47Started": EventSpec(_A, True, False, {"s47_id": ID, "strategy_id": ID}),
    "InitialConferenceHeld": EventSpec(_A, True, True, {"s47_id": ID, "plan_required": _boolean}),
    "CPPlanStarted": EventSpec(
        _CP, True, False, {"plan_id": ID, "category": _code(codes.ABUSE_CATEGORIES)}
    ),
    # latest_only: the source gives only the plan's latest review (Annex A List 7), so
    # earlier reviews may be missing and this one's place in the sequence is unknown.
    "CPReviewHeld": EventSpec(
        _CP,
        True,
        False,
        {"plan_id": ID, "plan_continues": _boolean},
        {"latest_only": _boolean},
    ),
    "CPPlanEnded": EventSpec(
        _CP, True, True, {"plan_id": ID, "step_down": _code(codes.STEP_DOWNS)}
    ),
    "PreProceedingsStarted": EventSpec(_PLO, False, True, {"plo_id": ID, "child_ids": _id_list}),
    "LetterBeforeProceedingsSent": EventSpec(_PLO, False, False, {"plo_id": ID}),
    "PLOMeetingHeld": EventSpec(
        _PLO, False, False, {"plo_id": ID, "kind": _code(codes.PLO_MEETING_KINDS)}
    ),
    "PreProceedingsEnded": EventSpec(
        _PLO, False, True, {"plo_id": ID, "outcome": _code(codes.PLO_OUTCOMES)}
    ),
    "CareProceedingsIssued": EventSpec(
        _PLO, False, False, {"proceedings_id": ID, "child_ids": _id_list}, {"plo_id": ID}
    ),
    "CareProceedingsConcluded": EventSpec(
        _PLO, False, False, {"proceedings_id": ID, "order": _code(codes.COURT_ORDERS)}
    ),
    "ConnectedPersonPlacementStarted": EventSpec(
        _CARE, True, True, {"placement_id": ID, "carer_id": ID}
    ),
    "ConnectedPersonApprovalExtended": EventSpec(_CARE, True, True, {"placement_id": ID}),
    "ConnectedPersonApproved": EventSpec(_CARE, True, True, {"placement_id": ID}),
    "ConnectedPersonPlacementEnded": EventSpec(_CARE, True, False, {"placement_id": ID}),
    "CaseAllocated": EventSpec(
        _PR,
        True,
        False,
        {"worker_id": ID, "team": _string(128), "role": _string(128), "qualified": _boolean},
    ),
    "SupervisionRecorded": EventSpec(
        _PR,
        False,
        False,
        {
            "supervision_id": ID,
            "supervisor_id": ID,
            "child_ids": _id_list,
            "changes": _changes,
            "actions": _actions,
        },
    ),
    "ActionCompleted": EventSpec(_PR, False, False, {"action_id": ID}),
    "PersonLinked": EventSpec(
        _PR,
        False,
        False,
        {
            "person_id": ID,
            "relationship": _code(codes.RELATIONSHIPS),
            "lives_with": _boolean,
        },
    ),
    "PersonUnlinked": EventSpec(_PR, False, False, {"person_id": ID}),
    "RecordCorrected": EventSpec(
        _PR,
        False,
        True,
        {"target_event_id": ID, "reason": _text, "replacement": _replacement},
    ),
    "RecordRetracted": EventSpec(_PR, False, True, {"target_event_id": ID, "reason": _text}),
    # Stated history: a return's own count of what came before (docs/contract.md).
    "HistoryStated": EventSpec(
        _R,
        True,
        False,
        {
            "statement_id": ID,
            "version": _statement_version,
            "source": _code(HISTORY_SOURCES),
            "as_of": _iso_date,
        },
        {"counted_from": _iso_date, **{name: _count for name in HISTORY_COUNTS}},
    ),
    # Recorded by the product itself: a practice lead acknowledging an alert.
    "AlertAcknowledged": EventSpec(
        "casejourney.internal", False, True, {"alert_id": ID}, {"reason": _text}
    ),
}

EVENT_TYPES: tuple[str, ...] = tuple(EVENT_SPECS)
SOURCE_TOPICS: tuple[str, ...] = tuple(
    dict.fromkeys(s.topic for s in EVENT_SPECS.values() if s.topic.startswith("csc."))
)


# Field names a reason may name (any other key is "an extra field": a source could
# fill a key with anything).
KNOWN_FIELDS: frozenset[str] = CONTRACT_FIELDS | frozenset(
    {"worker_id", "role", "qualified", "team", "direction", "note", "action_id", "due_on"}
    | {"summary", "occurred_at", "payload"}
    | {name for spec in EVENT_SPECS.values() for name in (*spec.required, *spec.optional)}
)


def topic_for(event_type: str) -> str:
    return EVENT_SPECS[event_type].topic


def _check_recorded_by(value: Any) -> str | None:
    if not isinstance(value, dict):
        return "recorded_by must be an object {worker_id, role, qualified}"
    if _string(64)(value.get("worker_id")):
        return "recorded_by.worker_id must be a non-empty string"
    if _string(128)(value.get("role")):
        return "recorded_by.role must be a non-empty string"
    if not isinstance(value.get("qualified"), bool):
        return "recorded_by.qualified must be true or false"
    if "team" in value and value["team"] is not None and _string(128)(value["team"]):
        return "recorded_by.team must be a non-empty string"
    return None


def _is_id(value: Any, max_len: int) -> TypeGuard[str]:
    return (
        isinstance(value, str) and 1 <= len(value) <= max_len and not has_control_characters(value)
    )


def safe_event_id(raw: Any) -> str | None:
    """The event id of a record for a rejects line or a log, where it is safe to
    show: a string of at most 128 characters without control characters."""
    event_id = raw.get("event_id") if isinstance(raw, dict) else None
    return event_id if _is_id(event_id, 128) else None


def _check_occurred_at(value: Any, today: date | None) -> str | None:
    if _iso_date(value):
        return (
            "occurred_at must be an ISO 8601 date or date-time "
            f"from {EARLIEST_DATE.year} to {LATEST_DATE.year}"
        )
    ahead = parse_business_date(value) - (today or date.today())
    if ahead.days > MAX_DAYS_AHEAD:
        return f"occurred_at is more than {MAX_DAYS_AHEAD} days in the future"
    return None


_META = frozenset({"RecordCorrected", "RecordRetracted"})


def _statement_problem(payload: dict[str, Any]) -> str | None:
    """A statement states at least one count, about a date on or before its own."""
    if all(payload.get(name) is None for name in HISTORY_COUNTS):
        return "HistoryStated must state at least one of " + ", ".join(HISTORY_COUNTS)
    counted_from = payload.get("counted_from")
    if counted_from is not None and parse_business_date(counted_from) > parse_business_date(
        payload["as_of"]
    ):
        return "payload.counted_from must not be after payload.as_of"
    return None


def parse_event(raw: Any, *, today: date | None = None) -> ContractEvent:
    """Validate one decoded JSON value against the contract, or raise ContractError.

    First the bounds every later stage relies on (domain.limits), then the envelope,
    then the payload. `today` (default: the real date) bounds how far ahead business
    time may be."""
    if not isinstance(raw, dict):
        raise ContractError("message is not a JSON object")
    event_id = raw.get("event_id")
    if not _is_id(event_id, 128):
        raise ContractError(
            "event_id must be a string of 1-128 characters without control characters"
        )
    extra = {k: v for k, v in raw.items() if k not in CONTRACT_FIELDS}
    problem = value_problem(raw, KNOWN_FIELDS) or _envelope_problem(raw, today)
    if not problem and len(extra) == 2 and extra.keys() == TYPE_MARKER:
        # The extra fields are stored as one object of their own.
        problem = "record's extra fields are an object of exactly the keys _type_ and _data_, "
        problem += "which the store's encoding reserves for its own types"
    if problem:
        raise ContractError(problem, event_id)
    event_type: str = raw["event_type"]
    problem = _payload_problem(event_type, raw.get("payload", {}), event_id)
    if problem:
        raise ContractError(problem, event_id)
    return ContractEvent(
        event_id=event_id,
        event_type=event_type,
        family_id=raw["family_id"],
        occurred_at=raw["occurred_at"],
        child_id=raw.get("child_id"),
        recorded_by=raw.get("recorded_by"),
        payload=raw.get("payload", {}),
        schema_version=1,
        extra=extra,
    )


def _envelope_problem(raw: dict[str, Any], today: date | None) -> str | None:
    """What is wrong with the fields every event has, or None."""
    schema_version = raw.get("schema_version", 1)
    if schema_version != 1 or isinstance(schema_version, bool):
        return "schema_version is not a known schema version (this reader knows 1)"
    event_type = raw.get("event_type")
    if not isinstance(event_type, str):
        return "event_type must be a string"
    spec = EVENT_SPECS.get(event_type)
    if spec is None:
        return "event_type is not a known event type"
    if not _is_id(raw.get("family_id"), 64):
        return "family_id must be a string of 1-64 characters without control characters"
    occurred_at = raw.get("occurred_at")
    if not isinstance(occurred_at, str):
        return "occurred_at must be an ISO 8601 date or date-time"
    problem = _check_occurred_at(occurred_at, today)
    if problem:
        return problem
    child_id = raw.get("child_id")
    if spec.child and not _is_id(child_id, 64):
        return f"child_id (1-64 characters, no control characters) is required for {event_type}"
    if not spec.child and child_id is not None:
        return f"{event_type} is a family-level event and takes no child_id"
    recorded_by = raw.get("recorded_by")
    if recorded_by is None:
        return f"recorded_by is required for the decision {event_type}" if spec.decision else None
    return _check_recorded_by(recorded_by)


def _payload_problem(event_type: str, payload: Any, event_id: str) -> str | None:
    """What is wrong with the payload of an event of this type, or None."""
    if not isinstance(payload, dict):
        return "payload must be an object"
    spec = EVENT_SPECS[event_type]
    for name, checker in spec.required.items():
        if name not in payload:
            return f"payload.{name} is required for {event_type}"
        problem = checker(payload[name])
        if problem:
            return f"payload.{name} {problem}"
    for name, checker in spec.optional.items():
        if payload.get(name) is not None:
            problem = checker(payload[name])
            if problem:
                return f"payload.{name} {problem}"
    if event_type == "HistoryStated":
        problem = _statement_problem(payload)
        if problem:
            return problem
    if payload.get("target_event_id") == event_id and event_type in _META:
        return "payload.target_event_id must name another event, not this one"
    return None
