"""A newcomer's first hour: a read-only command on a store that is not there says so
and creates nothing (it used to create an empty store that then read as "nothing")."""

from __future__ import annotations

from pathlib import Path

import pytest

from casejourney.cli import build_parser, main


@pytest.mark.parametrize("command", [["summary"], ["alerts"], ["family", "F1"], ["verify"]])
def test_read_only_commands_never_create_a_store(
    command: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = tmp_path / "nowhere" / "casejourney.db"
    monkeypatch.setenv("CASEJOURNEY_DATABASE_URL", f"sqlite:///{path}")
    assert build_parser().parse_args(command).reads_only
    assert main(command) == 2
    assert f"no event store at {path}" in capsys.readouterr().err
    assert not path.exists() and not path.parent.exists()
