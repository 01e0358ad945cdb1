"""Hostile lines between good ones, through the CLI as a data lead would run it: every
bad line kept with its place and reason, the good ones stored, and everything after
(projection, alerts, figures, a family's record) keeps working on both stores."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from casejourney.cli import main
from tests.support.hostile import HOSTILE, SECRET, referral


def third_referral_family() -> list[dict[str, object]]:
    """Three referrals of one child within a year: a third-referral alert follows."""
    return [
        referral(
            f"ok-{n}",
            family_id="FOK",
            child_id="COK",
            occurred_at=day,
            payload={"referral_id": f"R{n}", "source": "2A"},
        )
        for n, day in enumerate(["2025-01-06", "2025-03-03", "2025-06-02"], start=1)
    ]


def write_file(path: Path) -> list[str]:
    good = third_referral_family()
    with path.open("wb") as out:
        out.write("\ufeff".encode() + json.dumps(good[0]).encode() + b"\n")
        for (_, data, _), extra in zip(
            HOSTILE, [good[1], good[2]] + [None] * len(HOSTILE), strict=False
        ):
            out.write(data.replace(b"\n", b"\\n") + b"\n")
            if extra is not None:
                out.write(json.dumps(extra).encode() + b"\n")
        out.write(b'{"event_id": "big", "x": "' + b"y" * 300_000 + b'"}\n')
    return [str(g["event_id"]) for g in good]


def test_hostile_lines_are_kept_and_nothing_after_them_stops(
    tmp_path: Path,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("CASEJOURNEY_DATABASE_URL", database_url)
    source = tmp_path / "hostile.jsonl"
    write_file(source)
    assert main(["ingest", str(source)]) == 1  # something was rejected
    out = capsys.readouterr()
    assert "stored 3," in out.out
    assert SECRET not in out.out + out.err and "\x1b" not in out.out + out.err
    rejects = [
        json.loads(line)
        for line in (tmp_path / "hostile.jsonl.rejects.jsonl").read_text().splitlines()
    ]
    assert len(rejects) == len(HOSTILE) + 1
    assert all(r["line"] > 0 and r["reason"] for r in rejects)
    assert all(SECRET not in r["reason"] for r in rejects)
    for (name, _, fragment), kept in zip(HOSTILE, rejects, strict=False):
        assert fragment in kept["reason"], name
    assert len(rejects[-1]["raw"]) == 256 * 1024  # the oversized line, kept in part

    assert main(["project"]) == 0
    assert main(["alerts", "--json"]) == 0
    alerts = capsys.readouterr().out
    assert "third_referral_child" in alerts
    assert main(["indicators", "--from", "2025-01-01", "--to", "2025-12-31", "--json"]) == 0
    assert main(["family", "FOK"]) == 0
    assert main(["verify"]) == 0
