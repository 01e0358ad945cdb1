"""The 2026 CIN census pre-proceedings block (`PreProceedingsandFGDM`) to PLO events:
start, letter before proceedings, family group decision meetings, review meetings,
decision and outcome, court application. Synthetic XML built here; no store."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from consumers.returns.cin_census.census import read_cin_census
from tests.unit.test_annex_a_lists import by_id, facts_of, payload
from tests.unit.test_cin_census_xml import write_census

PLO = "plo:3001:2025-05-01"


def child(*blocks: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": "3001",
        "dob": "2018-01-01",
        "sex": "1",
        "episodes": [{"referral": "2025-04-10", "plo": list(blocks)}],
    }


def read(tmp_path: Path, *blocks: dict[str, Any]) -> Any:
    path = write_census(tmp_path / "cin.xml", [child(*blocks)], reference="2026-03-31")
    return read_cin_census(path)


def test_the_block_becomes_the_plo_events(tmp_path: Path) -> None:
    source = read(
        tmp_path,
        {
            "start": "2025-05-01",
            "letter": "2025-05-02",
            "fgdm": ["2025-05-20"],
            "reviews": ["2025-06-12", "2025-07-24"],
            "decision": "2025-08-15",
            "outcome": "Proceedings issued",
            "court": "2025-08-20",
        },
    )
    assert source.error is None and source.rejects == []
    facts = by_id(facts_of(source))
    started = facts[f"imp:{PLO}:started"]
    assert (started.event_type, payload(started)) == (
        "PreProceedingsStarted",
        {"plo_id": PLO, "child_ids": ["3001"]},
    )
    assert facts[f"imp:{PLO}:letter"].occurred_at.isoformat() == "2025-05-02"
    meetings = {
        fid: payload(f)["kind"] for fid, f in facts.items() if f.event_type == "PLOMeetingHeld"
    }
    assert meetings == {
        f"imp:{PLO}:meeting:family_group:2025-05-20": "family_group",
        f"imp:{PLO}:meeting:review:2025-06-12": "review",
        f"imp:{PLO}:meeting:review:2025-07-24": "review",
    }
    ended = facts[f"imp:{PLO}:ended"]
    assert (ended.occurred_at.isoformat(), payload(ended)) == (
        "2025-08-15",
        {"plo_id": PLO, "outcome": "proceedings_issued"},
    )
    assert ended.inferred == frozenset()
    issued = facts["imp:proc:3001:2025-08-20:issued"]
    assert payload(issued) == {
        "proceedings_id": "proc:3001:2025-08-20",
        "plo_id": PLO,
        "child_ids": ["3001"],
    }
    for fact in facts.values():
        assert fact.to_event().event_id == fact.event_id  # each a valid contract event


def test_an_open_block_has_no_end_and_a_step_down_is_read(tmp_path: Path) -> None:
    facts = by_id(facts_of(read(tmp_path, {"start": "2025-05-01"})))
    assert sorted(f.suffix for f in facts.values() if f.key == PLO) == ["started"]
    stepped = read(
        tmp_path, {"start": "2025-05-01", "decision": "2025-09-01", "outcome": "Step down"}
    )
    ended = by_id(facts_of(stepped))[f"imp:{PLO}:ended"]
    assert payload(ended)["outcome"] == "step_down"


def test_an_unknown_outcome_is_dropped_and_the_end_kept_inferred(tmp_path: Path) -> None:
    source = read(tmp_path, {"start": "2025-05-01", "decision": "2025-09-01", "outcome": "ZZ9"})
    (record,) = [r for r in source.records if r.section == "PreProceedingsandFGDM"]
    assert [name for name, _ in record.dropped] == ["PreProceedingsOutcome"]
    ended = by_id(facts_of(source))[f"imp:{PLO}:ended"]
    assert payload(ended)["outcome"] == "other" and ended.inferred == {"outcome"}


def test_a_court_application_without_an_outcome_implies_proceedings_issued(
    tmp_path: Path,
) -> None:
    source = read(
        tmp_path, {"start": "2025-05-01", "decision": "2025-09-01", "court": "2025-09-03"}
    )
    ended = by_id(facts_of(source))[f"imp:{PLO}:ended"]
    assert payload(ended)["outcome"] == "proceedings_issued" and ended.inferred == {"outcome"}


def test_a_block_without_its_start_is_rejected_naming_the_element(tmp_path: Path) -> None:
    source = read(tmp_path, {"letter": "2025-05-02"})
    assert [(r.section, r.reason) for r in source.rejects] == [
        ("PreProceedingsandFGDM", "PreProceedingsStartDate is blank")
    ]
    assert "2025-05-02" not in source.rejects[0].reason


def test_the_block_elements_are_reported_as_read(tmp_path: Path) -> None:
    source = read(tmp_path, {"start": "2025-05-01", "fgdm": ["2025-05-20"], "court": "2025-08-20"})
    read_paths = source.recognition["elements_read"]
    assert read_paths["CINdetails/PreProceedingsandFGDM/PreProceedingsStartDate"] == 1
    assert read_paths["CINdetails/PreProceedingsandFGDM/FGDMDate"] == 1
    ignored = source.recognition["elements_ignored"]
    assert not [p for p in ignored if p.startswith("CINdetails/PreProceedingsandFGDM")]
