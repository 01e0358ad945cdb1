"""The Kafka commands as people read them, against the real broker: `publish` and
`consume` say what they did in a line, `lag` is a headed table with a total, and
each has `--json` for machines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from casejourney.cli import main
from synthetic import generate
from tests.support.kafka import contract_lines, kafka_world

pytestmark = [pytest.mark.kafka, pytest.mark.timeout(180)]


def test_publish_consume_and_lag_read_as_sentences_and_tables(
    sqlite_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    events = list(generate(5, 1, 3))
    source = tmp_path / "events.jsonl"
    source.write_text("\n".join(contract_lines(events)) + "\n", encoding="utf-8")
    with kafka_world(sqlite_url, name="cli") as world:
        for key, value in world.env().items():
            monkeypatch.setenv(key, value)
        assert main(["publish", str(source)]) == 0
        published = capsys.readouterr().out.splitlines()
        assert (
            published[0]
            == f"{source}: read {len(events)}, sent {len(events)}, rejected 0, failed 0"
        )
        assert sum(int(line.rsplit(": ", 1)[1]) for line in published[1:]) == len(events)

        assert main(["consume", "--idle-exit", "1", "--no-project"]) == 0
        consumed = capsys.readouterr().out
        assert consumed.startswith(f"consumed {len(events)} messages in ")
        assert f"stored {len(events)}, duplicates 0, dead-lettered 0" in consumed

        assert main(["lag"]) == 0
        group, header, *rows, total = capsys.readouterr().out.splitlines()
        assert group == f"group {world.group}"
        assert header.split() == ["topic", "partition", "committed", "end", "lag"]
        assert rows and all(line.split()[0].startswith(world.prefix) for line in rows)
        assert total.split() == ["total", "0"]

        assert main(["lag", "--json"]) == 0
        assert json.loads(capsys.readouterr().out)["total"] == 0
