"""Data-quality findings end to end, on both real stores: a contradiction-laden family
is stored whole through the CLI, its findings are listed with their rules and DfE
rule numbers, a correction removes one, and batches land where a rebuild does."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from casejourney.cli import main
from domain.contract import parse_event
from domain.rules.thresholds import DEFAULT_THRESHOLDS
from projections import findings_query
from projections.runner import Projector
from store.family_store import FamilyStore
from synthetic import generate
from tests.integration.test_projections import alert_ids, dump
from tests.support.contradictions import FAMILY, assessment_correction, contradictory_family

TODAY = date.today()
PAST_GRACE = (TODAY + timedelta(days=DEFAULT_THRESHOLDS.anchor_grace_days)).isoformat()


def jsonl(path: Path, events: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(e) + "\n" for e in events))
    return path


def listed(capsys: pytest.CaptureFixture[str], *args: str) -> list[dict[str, Any]]:
    assert main(["findings", "--json", *args]) == 0
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


@pytest.fixture
def cli_store(
    database_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> tuple[str, Path]:
    monkeypatch.setenv("CASEJOURNEY_DATABASE_URL", database_url)
    monkeypatch.delenv("KAFKA_BOOTSTRAP_SERVERS", raising=False)
    return database_url, tmp_path


def test_a_contradictory_family_is_stored_whole_and_a_correction_removes_a_finding(
    cli_store: tuple[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    url, tmp = cli_store
    events = contradictory_family()
    assert main(["ingest", str(jsonl(tmp / "family.jsonl", events))]) == 0
    capsys.readouterr()
    with FamilyStore(url) as store:
        family = store.get(FAMILY)
        assert family is not None and len(family.records) == len(events)  # none rejected

    found = {(f["rule"], f["event_id"]): f for f in listed(capsys, "--as-of", PAST_GRACE)}
    assert {k: (f["severity"], f["reference"]) for k, f in found.items()} == {
        ("dated_before_anchor", "q04"): ("error", "CIN 1103"),  # assessment before referral
        ("dated_before_anchor", "q09"): ("error", "CIN 8925"),  # plan ended before it began
        ("dated_before_anchor", "q10"): ("error", None),  # closure before the referral
        ("overlapping_cp_plan", "q08"): ("error", "CIN 8935"),
        ("repeated_outcome", "q06"): ("warning", None),  # a second decision
        ("awaiting_anchor", "q11"): ("warning", None),  # a review of a plan never received
    }
    assert found[("overlapping_cp_plan", "q08")]["related"] == ["q07"]
    assert found[("awaiting_anchor", "q11")]["reason"] == (
        f"CPReviewHeld: CP plan CP9 not yet received after "
        f"{DEFAULT_THRESHOLDS.anchor_grace_days} days"
    )
    # Within the grace period the review is only waiting: not a finding yet.
    assert ("awaiting_anchor", "q11") not in {(f["rule"], f["event_id"]) for f in listed(capsys)}
    assert [f["event_id"] for f in listed(capsys, "--rule", "overlapping_cp_plan")] == ["q08"]
    assert {f["severity"] for f in listed(capsys, "--severity", "warning")} == {"warning"}
    assert listed(capsys, "--family", FAMILY)

    # The third referral rests on referrals in error findings: it says so, same id.
    assert main(["alerts", "--json", "--kind", "third_referral_child"]) == 0
    [third] = json.loads(capsys.readouterr().out)
    before = found[("dated_before_anchor", "q04")]["finding_id"]
    closed = found[("dated_before_anchor", "q10")]["finding_id"]
    assert third["detail"]["contradicted"] == sorted([before, closed])
    assert main(["alerts", "--kind", "third_referral_child"]) == 0
    assert "Depends on a contradicted record" in capsys.readouterr().out

    assert main(["findings", "--as-of", PAST_GRACE]) == 0
    out, err = capsys.readouterr()
    header, *lines = out.splitlines()
    assert header.split() == [
        "finding", "id", "family", "child", "severity", "rule", "DfE", "rule", "reason",
        "event", "ids",
    ]  # fmt: skip
    assert len(lines) == 6 and "CIN 1103" in out and "q08 q07" in out
    assert "6 findings: 4 errors, 2 warnings" in err

    assert main(["ingest", str(jsonl(tmp / "fix.jsonl", [assessment_correction()]))]) == 0
    capsys.readouterr()
    after = {(f["rule"], f["event_id"]) for f in listed(capsys, "--as-of", PAST_GRACE)}
    assert after == set(found) - {("dated_before_anchor", "q04")}
    assert main(["alerts", "--json", "--kind", "third_referral_child"]) == 0
    [again] = json.loads(capsys.readouterr().out)
    assert again["alert_id"] == third["alert_id"]
    assert again["detail"]["contradicted"] == [closed]


def test_unknown_family_or_rule_is_a_clean_error(
    cli_store: tuple[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["project"]) == 0  # a store, with no such family in it
    capsys.readouterr()
    assert main(["findings", "--family", "NOPE"]) == 2
    assert capsys.readouterr().err.startswith("casejourney: no family 'NOPE' in the read models")
    with pytest.raises(SystemExit) as exit_info:
        main(["findings", "--rule", "no_such_rule"])
    assert exit_info.value.code == 2
    assert "invalid choice" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["findings", "--help"])
    help_text = capsys.readouterr().out
    for option in ("--family", "--rule", "--severity", "--team", "--as-of", "--json"):
        assert option in help_text


def test_batches_land_where_a_rebuild_does_with_findings(database_url: str) -> None:
    """Synthetic families and the contradictory one, recorded in small interleaved
    batches with a projection after each: the same rows as two rebuilds."""
    synthetic = list(generate(12, 2, 5))
    middle = len(synthetic) // 2
    raw = [*synthetic[:middle], *contradictory_family(), *synthetic[middle:]]
    events = [parse_event(e) for e in [*raw, assessment_correction()]]
    with FamilyStore(database_url) as store:
        projector = Projector(
            store, thresholds=DEFAULT_THRESHOLDS, clock=lambda: TODAY, batch_size=11
        )
        projector.run_once()
        for start in range(0, len(events), 23):
            assert not store.record_batch(events[start : start + 23]).rejected
            projector.run_once()
        incremental, ids = dump(projector), alert_ids(projector)
        assert incremental["rm_findings"]
        projector.rebuild()
        assert dump(projector) == incremental and alert_ids(projector) == ids
        grace = DEFAULT_THRESHOLDS.anchor_grace_days
        counts = findings_query.finding_counts(projector.db, as_of=TODAY, grace_days=grace)
        assert counts["error"] >= 3
        projector.close()
