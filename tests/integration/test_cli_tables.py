"""What the listing commands print for people: a heading that says what is shown,
headed columns, numbers formatted one way; and `--json` for machines.

Run against a real SQLite store holding linked families and two teams.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from casejourney.cli import main
from domain.contract import ContractEvent
from store.family_store import FamilyStore
from tests.integration.test_projections_cli import linked, referral
from tests.support.events import ev, raw
from tests.support.journeys import rich_family

PERIOD = ["--from", "2023-01-01", "--to", "2023-12-31"]


@pytest.fixture
def store(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """F1 (team CP, a whole journey) -P1- F2 -P2- F3; F4 alone with a 2023 referral
    decided twice."""
    events = [
        *rich_family("F1"),
        linked("F2", "P-1", "father"),
        linked("F2", "P-2"),
        linked("F3", "P-2", "step_parent"),
        referral("F2", "2023-05-05", "R1"),
        referral("F4", "2023-03-05", "R1"),
        # Two decisions on one referral: recorded, and listed as a finding.
        *(decided("F4", day) for day in ("2023-03-06", "2023-03-07")),
    ]
    with FamilyStore(sqlite_url) as s:
        assert not s.record_batch(events).rejected
    monkeypatch.setenv("CASEJOURNEY_DATABASE_URL", sqlite_url)
    monkeypatch.delenv("KAFKA_BOOTSTRAP_SERVERS", raising=False)
    return sqlite_url


def decided(family_id: str, day: str) -> ContractEvent:
    return ev("ReferralDecided", day, family_id=family_id, referral_id="R1", outcome="assessment")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> list[str]:
    assert main(list(args)) == 0
    return capsys.readouterr().out.splitlines()


def columns(line: str) -> list[str]:
    return [cell.strip() for cell in line.split("  ") if cell.strip()]


def test_indicators_are_a_headed_table_with_rates_counts_and_medians(
    store: str, capsys: pytest.CaptureFixture[str]
) -> None:
    heading, header, *rows = run(capsys, "indicators", *PERIOD)
    assert heading == "Indicators 2023-01-01 to 2023-12-31, all teams"
    assert columns(header) == ["measure", "figure", "counted", "median"]
    by_label = {columns(r)[0]: columns(r)[1:] for r in rows}
    assert by_label["Referrals received"][0] == str(len(["F1 R1", "F1 R2", "F2 R1", "F4 R1"]))
    figures = {f["label"]: f for f in _json(capsys, "indicators", *PERIOD)["indicators"]}
    for label, cells in by_label.items():
        f = figures[label]
        if f["denominator"] is None:  # a count: a whole number, nothing "counted"
            assert cells[:2] == [str(f["value"]), "-"]
        elif f["value"] is None:
            assert cells[:2] == ["n/a", f"0 of {f['denominator']}"]
        else:  # a rate: a percentage with one decimal, then what it counts
            assert cells[:2] == [f"{f['value']:.1%}", f"{f['numerator']} of {f['denominator']}"]
    medians = [cells[2] for cells in by_label.values() if len(cells) > 2 and cells[2] != "-"]
    assert medians, "the period has an assessment: its median is shown"
    for median in medians:
        value, unit = median.split(" ", 1)
        assert unit in {"working days", "weeks"}
        assert not value.endswith(".0"), "a whole median prints as a whole number"


def test_indicators_for_a_team_keep_the_team_and_medians_as_at_a_moment(
    store: str, capsys: pytest.CaptureFixture[str]
) -> None:
    everyone = run(capsys, "indicators", *PERIOD)
    live = run(capsys, "indicators", *PERIOD, "--team", "CP")
    now = datetime.now(UTC).isoformat()
    past = run(capsys, "indicators", *PERIOD, "--team", "CP", "--as-at", now)
    assert live[0] == "Indicators 2023-01-01 to 2023-12-31, team CP"
    assert past[0].startswith("Indicators 2023-01-01 to 2023-12-31, team CP, as they stood at ")
    # Everything was recorded by now: the replay for the team reads as the live view,
    # medians included, and the team's figures are not everyone's.
    assert past[1:] == live[1:] and live[1:] != everyone[1:]
    assert any("working days" in line for line in past)
    answer = _json(capsys, "indicators", *PERIOD, "--team", "CP", "--as-at", now)
    assert answer["team"] == "CP" and answer["as_at"]
    assert _json(capsys, "indicators", *PERIOD)["team"] is None


def test_teams_lists_the_known_teams(store: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "teams") == ["team", "CP"]
    assert _json(capsys, "teams") == ["CP"]


def test_network_names_the_families_and_how_each_person_links_them(
    store: str, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = run(capsys, "network", "F3", "--steps", "2")
    assert lines[0] == (
        "F3 is linked to 2 other families within 2 steps (one step: family, shared person, family)"
    )
    assert columns(lines[1]) == [
        "family",
        "steps away",
        "referrals",
        "re-referrals",
        "CP plans",
        "repeat CP plans",
        "PLO episodes",
    ]
    assert [columns(line)[:2] for line in lines[2:5]] == [["F3", "0"], ["F2", "1"], ["F1", "2"]]
    persons = lines.index("Shared persons")
    assert columns(lines[persons + 1]) == [
        "person",
        "relationship",
        "in family",
        "linked on",
        "unlinked on",
    ]
    shown = {tuple(columns(line)[:3]) for line in lines[persons + 2 : -2]}
    assert {("P-1", "father", "F2"), ("P-2", "step-parent", "F3"), ("P-1", "mother", "F1")} <= shown
    assert lines[-1].startswith("Across these families: referrals ")
    assert _json(capsys, "network", "F3", "--steps", "2")["families"][0]["family_id"] == "F3"

    alone = run(capsys, "network", "F4")
    assert alone[0] == "F4 is linked to no other family within 1 step"
    assert "Shared persons" not in alone


def test_links_says_who_links_two_families_in_plain_english(
    store: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "links", "F1", "F3") == [
        "F1 and F3 are linked in 2 steps:",
        "  person P-1: mother in F1 (no longer linked), father in F2",
        "  person P-2: partner in F2, step-parent in F3",
    ]
    assert main(["links", "F1", "F4"]) == 1
    assert capsys.readouterr().out == "F1 and F4 are not linked through any shared person\n"


def test_summary_is_a_headed_table_and_json(store: str, capsys: pytest.CaptureFixture[str]) -> None:
    lines = run(capsys, "summary")
    assert lines[0] == f"The store at {store} holds:"
    assert columns(lines[1]) == ["what", "how many"]
    counts = _json(capsys, "summary")
    assert {columns(line)[0]: columns(line)[1] for line in lines[2:]} == {
        key: f"{value:,}" for key, value in counts.items() if key != "database"
    }


def test_findings_are_headed_and_counted(store: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["findings"]) == 0
    shown = capsys.readouterr()
    lines = shown.out.splitlines()
    assert columns(lines[0])[:3] == ["finding id", "family", "child"]
    found = [json.loads(line) for line in run(capsys, "findings", "--json")]
    assert len(lines) == 1 + len(found) and found
    errors = sum(f["severity"] == "error" for f in found)
    assert shown.err.startswith(f"{len(found)} finding") and f"{errors} error" in shown.err


def _json(capsys: pytest.CaptureFixture[str], *args: str) -> dict:  # type: ignore[type-arg]
    assert main([*args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_ingest_says_what_it_did_per_file_and_in_total_or_as_json(
    sqlite_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("CASEJOURNEY_DATABASE_URL", sqlite_url)
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    first.write_text(json.dumps(raw("ChildAdded", "2023-01-02", birth_date="2015-05-01")) + "\n")
    second.write_text(json.dumps(raw("ChildAdded", "2023-01-02", family_id="F2")) + "\n")
    assert main(["ingest", str(first), str(second)]) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"{first}: read 1, stored 1, duplicates 0, rejected 0",
        f"{second}: read 1, stored 1, duplicates 0, rejected 0",
        "total: read 2, stored 2, duplicates 0, rejected 0",
    ]
    assert main(["ingest", str(first), str(second), "--json"]) == 0
    answers = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(a["file"], a["read"], a["stored"], a["duplicates"]) for a in answers] == [
        (str(first), 1, 0, 1),
        (str(second), 1, 0, 1),
        ("total", 2, 0, 2),
    ]
