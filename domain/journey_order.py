"""The order a family's chronology reads in: by day, then as the work happens.

Kept beside the vocabulary (domain.vocabulary) so the dashboard, the CLI and the
audit pack list one day's events the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from domain.uk_dates import uk_day_and_time

# Same-day events in the order the work happens: a referral before its decision,
# before the assessment, the strategy discussion, section 47, ICPC, the plan...
# and a closure, corrections and acknowledgements after the work they close.
JOURNEY_ORDER: tuple[str, ...] = (
    "ChildAdded",
    "PersonLinked",
    "HistoryStated",
    "ReferralReceived",
    "ReferralDecided",
    "CaseAllocated",
    "AssessmentStarted",
    "AssessmentCompleted",
    "StrategyDiscussionHeld",
    "Section47Started",
    "InitialConferenceHeld",
    "CPPlanStarted",
    "CPReviewHeld",
    "CPPlanEnded",
    "PreProceedingsStarted",
    "LetterBeforeProceedingsSent",
    "PLOMeetingHeld",
    "PreProceedingsEnded",
    "CareProceedingsIssued",
    "CareProceedingsConcluded",
    "ConnectedPersonPlacementStarted",
    "ConnectedPersonApprovalExtended",
    "ConnectedPersonApproved",
    "ConnectedPersonPlacementEnded",
    "SupervisionRecorded",
    "ActionCompleted",
    "PersonUnlinked",
    "EpisodeClosed",
    "RecordCorrected",
    "RecordRetracted",
    "AlertAcknowledged",
)
_RANK = {name: rank for rank, name in enumerate(JOURNEY_ORDER)}


def journey_key(
    occurred_at: str, event_type: str, child_id: str | None, recorded_at: str, version: int
) -> tuple[Any, ...]:
    """Sort key of a chronology row: the day the reader sees, then the journey's
    order within that day, then the UK time of day where there is one (an event
    with a date alone first), then the child, then recording.

    The journey comes before the clock on purpose: sources stamp times
    inconsistently (one system the call, another the data entry), and an
    assessment listed above the referral it follows reads as an error.
    """
    day, clock = uk_day_and_time(occurred_at)
    rank = _RANK.get(event_type, len(JOURNEY_ORDER))
    return (day, rank, clock, child_id or "", recorded_at, version)


def chronology_row_key(row: Mapping[str, Any]) -> tuple[Any, ...]:
    """journey_key of a chronology row (domain.rules.chronology), at its current moment
    (`happened_at`: a corrected event where the correction put it)."""
    happened = str(row.get("happened_at") or row["occurred_at"])
    return journey_key(
        happened, row["event_type"], row["child_id"], str(row["recorded_at"]), int(row["version"])
    )
