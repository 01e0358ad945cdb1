"""CIN census elements as tolerant as Annex A rows, and reviews placed only when the
census can place them (issue 14 follow-ups; README "Importing", docs/contract.md
"Latest reviews").

A census lists only its collection year's CP reviews (1 April to the 31 March
reference date), so the first review it lists for a plan that started before the
year may follow reviews it does not list. An unreadable optional date is dropped
with a finding; only an element without its anchor is refused.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from consumers.returns.cin_census.census import read_cin_census
from consumers.returns.source_file import SourceFile
from tests.unit.test_annex_a_lists import by_id, facts_of, payload
from tests.unit.test_cin_census_xml import write_census

YEAR_START = "2023-04-01"  # the collection year the 2024-03-31 reference date closes


def _plan_census(tmp_path: Path, **plan: Any) -> SourceFile:
    child = {"id": "7001", "episodes": [{"referral": "2022-01-10", "plans": [plan]}]}
    return read_cin_census(write_census(tmp_path / "cin.xml", [child]))


def _review_flags(source: SourceFile) -> dict[str, bool]:
    facts = by_id(facts_of(source))
    return {
        f.occurred_at.isoformat(): payload(f).get("latest_only", False)
        for f in facts.values()
        if f.event_type == "CPReviewHeld"
    }


def test_a_plan_older_than_the_year_has_its_first_listed_review_unplaced(
    tmp_path: Path,
) -> None:
    source = _plan_census(tmp_path, start="2023-03-31", reviews=["2023-09-01", "2023-06-20"])
    # only the first listed: the second follows it with nothing unlisted between
    assert _review_flags(source) == {"2023-06-20": True, "2023-09-01": False}


def test_a_plan_started_on_the_first_day_of_the_year_has_every_review_placed(
    tmp_path: Path,
) -> None:
    source = _plan_census(tmp_path, start=YEAR_START, reviews=["2023-06-20", "2023-09-01"])
    assert _review_flags(source) == {"2023-06-20": False, "2023-09-01": False}


def test_a_plan_older_than_the_year_without_reviews_gets_none(tmp_path: Path) -> None:
    assert _review_flags(_plan_census(tmp_path, start="2022-02-01")) == {}


def test_an_unreadable_plan_end_is_dropped_and_the_plan_kept_open(tmp_path: Path) -> None:
    source = _plan_census(tmp_path, start="2023-05-01", end="2023-13-40", reviews=["2023-07-01"])
    assert source.rejects == []
    (plan,) = [r for r in source.records if r.section == "ChildProtectionPlans"]
    assert plan.dropped == [("CPPendDate", "is not a date")]
    types = {f.event_type for f in by_id(facts_of(source)).values()}
    assert {"CPPlanStarted", "CPReviewHeld"} <= types
    assert "CPPlanEnded" not in types


def _episode_census(tmp_path: Path, **episode: Any) -> SourceFile:
    episode = {
        "referral": "2023-05-01",
        "assessments": [{"start": "2023-05-02", "auth": "2023-06-01"}],
        **episode,
    }
    return read_cin_census(
        write_census(tmp_path / "cin.xml", [{"id": "7002", "episodes": [episode]}])
    )


@pytest.mark.parametrize(
    ("closure", "reason", "dropped"),
    [
        (
            "31/31/2023",
            "RC7",
            [
                ("CINclosureDate", "is not a date"),
                ("ReasonForClosure", "is left out with the unreadable CINclosureDate"),
            ],
        ),
        (
            "2023-09-01",
            "RC99",
            [
                ("ReasonForClosure", "is not a known CIN census closure reason code"),
                ("CINclosureDate", "is left out with the unreadable ReasonForClosure"),
            ],
        ),
        (
            "soon",
            "RC99",
            [
                ("CINclosureDate", "is not a date"),
                ("ReasonForClosure", "is not a known CIN census closure reason code"),
            ],
        ),
    ],
)
def test_an_unreadable_closure_drops_the_pair_and_keeps_the_episode_and_its_work(
    tmp_path: Path, closure: str, reason: str, dropped: list[tuple[str, str]]
) -> None:
    source = _episode_census(tmp_path, closure=closure, reason=reason)
    assert source.rejects == []
    (episode,) = [r for r in source.records if r.section == "CINdetails"]
    assert episode.dropped == dropped
    types = {f.event_type for f in by_id(facts_of(source)).values()}
    assert {"ReferralReceived", "AssessmentStarted", "AssessmentCompleted"} <= types
    assert "EpisodeClosed" not in types  # the closure is unknown: the episode stays open


def test_a_readable_closure_date_without_a_reason_is_still_a_contradiction(
    tmp_path: Path,
) -> None:
    """Both readable, one blank: not an unreadable field but a record at odds with
    itself, refused when its facts are built (as Annex A List 6 is)."""
    source = _episode_census(tmp_path, closure="2023-09-01")
    (episode,) = [r for r in source.records if r.section == "CINdetails"]
    assert episode.dropped == []
    with pytest.raises(ValueError, match="the closure date has no reason for closure"):
        facts_of(source)


def test_an_element_without_its_anchor_is_still_refused_naming_it(tmp_path: Path) -> None:
    source = _plan_census(tmp_path, start=None)
    assert [(r.section, r.reason) for r in source.rejects] == [
        ("ChildProtectionPlans", "CPPstartDate is blank")
    ]
