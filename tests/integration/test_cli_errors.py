"""An unknown family or team is refused in one line naming it, with a non-zero exit
and no traceback, instead of a page of zeros or a library's stack trace."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from casejourney.cli import main
from domain.rules.thresholds import DEFAULT_THRESHOLDS
from projections import network
from projections.runner import Projector
from store.family_store import FamilyStore
from tests.integration.test_projections_cli import linked
from tests.support.journeys import rich_family

UNKNOWN_FAMILY = [
    ["network", "FAM-999999"],
    ["network", "FAM-999999", "--json"],
    ["links", "FAM-999999", "F1"],
    ["links", "F1", "FAM-999999"],
    ["findings", "--family", "FAM-999999"],
    ["family", "FAM-999999"],
    ["family", "FAM-999999", "--as-at", "2030-01-01"],
    ["diff", "FAM-999999", "--from", "2020-01-01", "--to", "2030-01-01"],
]
UNKNOWN_TEAM = [
    ["indicators", "--team", "No Such Team"],
    ["indicators", "--team", "No Such Team", "--json"],
    ["indicators", "--team", "No Such Team", "--as-at", "2030-01-01"],
    ["findings", "--team", "No Such Team"],
]


@pytest.fixture
def store(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    with FamilyStore(sqlite_url) as s:
        assert not s.record_batch([*rich_family("F1"), linked("F2", "P-1", "father")]).rejected
    monkeypatch.setenv("CASEJOURNEY_DATABASE_URL", sqlite_url)
    monkeypatch.delenv("KAFKA_BOOTSTRAP_SERVERS", raising=False)
    return sqlite_url


def refused(command: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    """Run a command that must be refused; its one line of explanation."""
    assert main(command) != 0
    shown = capsys.readouterr()
    assert shown.out == ""
    assert "Traceback" not in shown.err
    (line,) = shown.err.splitlines()
    assert line.startswith("casejourney: ")
    return line


@pytest.mark.parametrize("command", UNKNOWN_FAMILY, ids=" ".join)
def test_an_unknown_family_is_named_in_one_line(
    command: list[str], store: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert "no family 'FAM-999999'" in refused(command, capsys)


@pytest.mark.parametrize("command", UNKNOWN_TEAM, ids=" ".join)
def test_an_unknown_team_is_refused_with_where_to_see_the_known_ones(
    command: list[str], store: str, capsys: pytest.CaptureFixture[str]
) -> None:
    line = refused(command, capsys)
    assert "team 'No Such Team' is not known" in line
    assert "`casejourney teams` lists the known teams" in line


def test_a_near_miss_team_is_offered_the_team_meant(
    store: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert "did you mean 'CP'?" in refused(["indicators", "--team", "cp"], capsys)
    # The team as listed is accepted: the refusal above is about the name, not the command.
    assert main(["indicators", "--team", "CP"]) == 0
    assert capsys.readouterr().out.startswith("Indicators ")


def test_network_steps_must_be_a_positive_whole_number(
    store: str, capsys: pytest.CaptureFixture[str]
) -> None:
    for steps in ("0", "-1", "two"):
        with pytest.raises(SystemExit) as stopped:
            main(["network", "F1", "--steps", steps])
        assert stopped.value.code == 2
        assert "argument --steps" in capsys.readouterr().err


def test_the_network_of_an_unknown_family_is_empty_not_a_networkx_error(store: str) -> None:
    with FamilyStore(store) as s:
        projector = Projector(s, thresholds=DEFAULT_THRESHOLDS, clock=lambda: date(2025, 1, 1))
        projector.run_once()
        try:
            assert network.neighbourhood(projector.db, "FAM-999999", 2)["families"] == []
            assert [
                f["family_id"] for f in network.neighbourhood(projector.db, "F1", 1)["families"]
            ] == ["F1", "F2"]
        finally:
            projector.close()


def test_a_file_that_cannot_be_written_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CASEJOURNEY_DATABASE_URL", f"sqlite:///{tmp_path / 'store.db'}")
    line = refused(["generate", "--families", "1", "--out", str(tmp_path)], capsys)
    assert "Is a directory" in line and str(tmp_path) in line
