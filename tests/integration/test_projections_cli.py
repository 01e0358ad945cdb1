"""The projection commands and the linked-families graph, end to end on both stores."""

from __future__ import annotations

import json
from datetime import date

import pytest

from casejourney.cli import main
from domain.contract import ContractEvent
from domain.rules.thresholds import DEFAULT_THRESHOLDS
from projections import network
from projections.runner import Projector
from store.family_store import FamilyStore
from tests.support.events import ev
from tests.support.journeys import rich_family


def linked(family_id: str, person_id: str, relationship: str = "partner") -> ContractEvent:
    return ev(
        "PersonLinked",
        "2023-01-01",
        family_id=family_id,
        child_id=None,
        person_id=person_id,
        relationship=relationship,
        lives_with=True,
    )


def referral(family_id: str, day: str, rid: str) -> ContractEvent:
    return ev("ReferralReceived", day, family_id=family_id, referral_id=rid, source="6")


@pytest.fixture
def linked_store(database_url: str) -> str:
    """F1 -P1- F2 -P2- F3; F4 alone. F2 has three referrals in a year."""
    events = [
        *rich_family("F1"),
        linked("F2", "P-1", "father"),
        linked("F2", "P-2"),
        linked("F3", "P-2", "step_parent"),
        referral("F2", "2024-01-05", "R1"),
        referral("F2", "2024-02-05", "R2"),
        referral("F2", "2024-03-05", "R3"),
        referral("F4", "2024-03-05", "R1"),
    ]
    with FamilyStore(database_url) as store:
        assert not store.record_batch(events).rejected
    return database_url


def test_network_steps_components_and_who_links(linked_store: str) -> None:
    with FamilyStore(linked_store) as store:
        projector = Projector(store, thresholds=DEFAULT_THRESHOLDS, clock=lambda: date(2025, 1, 1))
        projector.run_once()
        db = projector.db
        one = network.neighbourhood(db, "F1", 1)
        assert [(f["family_id"], f["steps_away"]) for f in one["families"]] == [
            ("F1", 0),
            ("F2", 1),
        ]
        # P-1 was unlinked from F1 later: the past link still joins the families.
        assert {(link["family_id"], link["unlinked_on"]) for link in one["links"]} == {
            ("F1", "2024-10-05"),
            ("F2", None),
        }
        two = network.neighbourhood(db, "F1", 2)
        assert [f["family_id"] for f in two["families"]] == ["F1", "F2", "F3"]
        assert two["totals"]["referrals"] == 2 + 3  # repeat involvement across the component
        assert network.components(db)[0]["families"] == ["F1", "F2", "F3"]
        links = network.who_links(db, "F1", "F3")
        assert links["linked"] and links["steps"] == 2
        assert links["path"] == ["family:F1", "person:P-1", "family:F2", "person:P-2", "family:F3"]
        assert network.who_links(db, "F2", "F3")["shared"] == ["P-2"]
        assert network.who_links(db, "F1", "F4")["linked"] is False
        projector.close()


def test_cli_commands(
    linked_store: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CASEJOURNEY_DATABASE_URL", linked_store)
    monkeypatch.delenv("KAFKA_BOOTSTRAP_SERVERS", raising=False)
    assert main(["project"]) == 0
    assert "position" in capsys.readouterr().out

    assert (
        main(["alerts", "--json", "--as-of", "2025-01-01", "--kind", "third_referral_child"]) == 0
    )
    alerts = json.loads(capsys.readouterr().out)
    assert [(a["family_id"], a["detail"]["count"]) for a in alerts] == [("F2", 3)]
    assert set(alerts[0]) >= {"alert_id", "kind", "family_id", "child_id", "trigger_event_id"}

    assert main(["alerts", "--json", "--as-of", "2023-12-31", "--since", "2023-01-01"]) == 0
    early = json.loads(capsys.readouterr().out)
    assert all("2023-01-01" <= a["occurred_at"] <= "2023-12-31" for a in early) and early

    assert main(["indicators", "--from", "2024-01-01", "--to", "2024-12-31", "--json"]) == 0
    figures = {f["key"]: f for f in json.loads(capsys.readouterr().out)["indicators"]}
    assert (figures["referrals"]["value"], figures["re_referral_rate"]["numerator"]) == (4, 2)
    assert figures["re_referral_rate"]["denominator"] == 4

    assert main(["indicators", "--from", "2024-01-01", "--to", "2024-12-31"]) == 0
    assert "Re-referrals within 12 months" in capsys.readouterr().out

    assert main(["network", "F3", "--steps", "2"]) == 0
    assert "F1" in capsys.readouterr().out
    assert main(["links", "F1", "F3"]) == 0
    assert "person P-2: partner in F2, step-parent in F3" in capsys.readouterr().out
    assert main(["links", "F1", "F4"]) == 1
    capsys.readouterr()

    assert main(["rebuild"]) == 0
    assert "events/s" in capsys.readouterr().out
