"""File ingest with a corpus of bad lines: each rejected with its reason, none lost."""

from __future__ import annotations

import io
import json
from pathlib import Path

from casejourney.cli import main
from consumers.files.ingest import ingest_file
from store.family_store import FamilyStore
from tests.support.events import WORKER, raw

GOOD = [
    raw("ReferralReceived", "2024-01-02", event_id="g1", referral_id="R1", source="2A"),
    raw(
        "ReferralDecided",
        "2024-01-03",
        event_id="g2",
        recorded_by=WORKER,
        referral_id="R1",
        outcome="assessment",
    ),
    raw("AssessmentStarted", "2024-01-04", event_id="g3", assessment_id="A1", referral_id="R1"),
]

BAD: list[tuple[str, str]] = [
    ("{not json", "not valid JSON"),
    ('["a", "list"]', "message is not a JSON object"),
    (json.dumps({"event_type": "ReferralReceived"}), "event_id must be a string of 1-128"),
    (
        json.dumps(raw("Teleported", "2024-01-05", event_id="b1")),
        "event_type is not a known event type",
    ),
    (
        json.dumps(
            raw("ReferralReceived", "2024-13-01", event_id="b2", referral_id="R9", source="2A")
        ),
        "occurred_at must be an ISO 8601",
    ),
    (
        json.dumps(
            raw("ReferralReceived", "2024-01-05", event_id="b3", referral_id="R9", source="ZZ")
        ),
        "payload.source is not a known code",
    ),
    (
        json.dumps(
            raw("ReferralReceived", "2024-01-05", event_id="b4", referral_id=7, source="2A")
        ),
        "payload.referral_id must be a non-empty string",
    ),
    (
        json.dumps(
            raw(
                "ReferralDecided",
                "2024-01-05",
                event_id="b5",
                referral_id="R1",
                outcome="assessment",
            )
        ),
        "recorded_by is required",
    ),
    (
        json.dumps(
            raw(
                "AssessmentCompleted",
                "2024-01-05",
                event_id="b6",
                recorded_by=WORKER,
                assessment_id="A1",
                factors=["21", "1A"],
                outcome="nfa",
            )
        ),
        "factor 21 (no factors) must stand alone",
    ),
]
# Well-formed but contradicting the family's other facts (referral R1 again): recorded,
# and reported downstream as a finding, never rejected (GUIDE section 8).
CONTRADICTING = raw("ReferralReceived", "2024-01-09", event_id="c1", referral_id="R1", source="2A")


def write_corpus(path: Path) -> None:
    lines = [json.dumps(GOOD[0])]
    for (text, _), good in zip(BAD, [*GOOD[1:], *[None] * len(BAD)], strict=False):
        lines.append(text)
        if good:
            lines.append(json.dumps(good))
    lines.insert(4, "")  # blank lines are not records
    lines.append(json.dumps(CONTRADICTING))
    path.write_bytes(("\n".join(lines) + "\n").encode() + b"\xff\xfe broken utf8\n")


def test_each_bad_line_is_rejected_with_its_reason_and_kept(
    tmp_path: Path, sqlite_url: str
) -> None:
    source = tmp_path / "events.jsonl"
    write_corpus(source)
    errors = io.StringIO()
    with FamilyStore(sqlite_url) as store:
        summary = ingest_file(store, source, errors=errors)
        family = store.get("F1")
    assert family is not None
    assert sorted(r["event_id"] for r in family.records) == ["c1", "g1", "g2", "g3"]
    assert (summary.read, summary.stored, summary.rejected) == (14, 4, 10)
    rejects = [
        json.loads(line) for line in Path(summary.rejects_file or "").read_text().splitlines()
    ]
    assert len(rejects) == 10
    by_text = {r["raw"]: r for r in rejects}
    for text, reason in BAD:
        assert reason in by_text[text]["reason"]
        assert by_text[text]["line"] > 0
    assert sum(r["reason"] == "line is not valid UTF-8" for r in rejects) == 1
    report = errors.getvalue()
    assert f"{source}:" in report and "event_id=b6" in report
    written = json.loads((tmp_path / "events.jsonl.summary.json").read_text())
    assert written["rejected"] == 10


def test_cli_ingest_twice_stores_nothing_new(
    tmp_path: Path, database_url: str, monkeypatch: object, capsys: object
) -> None:
    import pytest

    mp: pytest.MonkeyPatch = monkeypatch  # type: ignore[assignment]
    mp.setenv("CASEJOURNEY_DATABASE_URL", database_url)
    source = tmp_path / "good.jsonl"
    source.write_text("".join(json.dumps(e) + "\n" for e in GOOD))
    assert main(["ingest", str(source)]) == 0
    assert main(["ingest", str(source)]) == 0
    out = capsys.readouterr().out  # type: ignore[attr-defined]
    assert "stored 3, duplicates 0, rejected 0" in out
    assert "stored 0, duplicates 3, rejected 0" in out
    assert main(["family", "F1"]) == 0
    text = capsys.readouterr().out  # type: ignore[attr-defined]
    assert text.count("Referral received from") == 1  # once, though ingested twice


def test_cli_exit_status_is_non_zero_when_anything_was_rejected(
    tmp_path: Path, sqlite_url: str, monkeypatch: object
) -> None:
    import pytest

    mp: pytest.MonkeyPatch = monkeypatch  # type: ignore[assignment]
    mp.setenv("CASEJOURNEY_DATABASE_URL", sqlite_url)
    source = tmp_path / "mixed.jsonl"
    write_corpus(source)
    assert main(["ingest", str(source)]) == 1


class _StoreFailingOn:
    """The real store, failing (not as an outage would: a ValueError) on any batch
    holding one chosen event, as a store that cannot take one line would."""

    def __init__(self, store: FamilyStore, event_id: str) -> None:
        self.store = store
        self.event_id = event_id

    def record_batch(self, events):  # type: ignore[no-untyped-def]
        batch = list(events)
        if any(event.event_id == self.event_id for event in batch):
            raise ValueError("cannot store 'Jane Smith' (injected)")
        return self.store.record_batch(batch)


def test_a_line_the_store_cannot_take_is_rejected_and_the_file_goes_on(
    tmp_path: Path, sqlite_url: str
) -> None:
    source = tmp_path / "events.jsonl"
    source.write_text("".join(json.dumps(event) + "\n" for event in GOOD), encoding="utf-8")
    with FamilyStore(sqlite_url) as store:
        summary = ingest_file(_StoreFailingOn(store, "g2"), source)  # type: ignore[arg-type]
        family = store.get("F1")
    assert family is not None and [r["event_id"] for r in family.records] == ["g1", "g3"]
    assert (summary.read, summary.stored, summary.rejected) == (3, 2, 1)
    (reject,) = [
        json.loads(line) for line in Path(summary.rejects_file or "").read_text().splitlines()
    ]
    assert reject["event_id"] == "g2" and reject["line"] == 2
    assert reject["reason"] == "the store could not record this event (ValueError)"
