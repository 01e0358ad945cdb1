"""Tamper evidence: SQL behind the application's back is detected and located, on both stores."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest

from audit.api import Anchor, family_as_at, seal_new, verify
from audit.findings import ALTERED, DELETED, EDITED, INSERTED, UNREADABLE
from audit.verify_family import verify_family
from casejourney.cli import main
from domain.family import family_uuid
from store.database_url import eventsourcing_env
from store.family_store import FamilyStore
from tests.support.events import ev
from tests.support.journeys import rich_family


class Tamperer:
    """Raw SQL on the events table, as someone with database access might run it."""

    def __init__(self, store: FamilyStore) -> None:
        self.table = store.recorder.events_table_name
        self.sqlite = store.dialect == "sqlite"
        self.env = eventsourcing_env(store.database_url)
        self.id = "rowid" if self.sqlite else "notification_id"

    def run(self, sql: str, *params: Any) -> None:
        if self.sqlite:
            with sqlite3.connect(self.env["SQLITE_DBNAME"]) as conn:
                conn.execute(sql.replace("%s", "?"), params)
            return
        e = self.env
        url = f"postgresql://{e['POSTGRES_USER']}@{e['POSTGRES_HOST']}:{e['POSTGRES_PORT']}"
        with psycopg.connect(f"{url}/{e['POSTGRES_DBNAME']}", autocommit=True) as conn:
            conn.execute(sql, params)  # type: ignore[arg-type]

    def nid(self, store: FamilyStore, family_id: str, version: int) -> int:
        oid = family_uuid(family_id)
        for n in store.recorder.select_notifications(start=1, limit=10_000):
            if n.originator_id == oid and n.originator_version == version:
                return n.id
        raise LookupError((family_id, version))

    def edit_payload(self, nid: int, old: str, new: str) -> None:
        if self.sqlite:
            sql = (
                f"UPDATE {self.table} SET state = "
                "CAST(replace(CAST(state AS TEXT), %s, %s) AS BLOB)"
            )
        else:
            sql = (
                f"UPDATE {self.table} SET state = "
                "convert_to(replace(convert_from(state, 'UTF8'), %s, %s), 'UTF8')"
            )
        self.run(f"{sql} WHERE {self.id} = %s", old, new, nid)

    def delete(self, nid: int) -> None:
        self.run(f"DELETE FROM {self.table} WHERE {self.id} = %s", nid)

    def insert_copy(self, nid: int, version: int) -> None:
        """A new row: the stored event at `nid` copied to another stream position."""
        self.run(
            f"INSERT INTO {self.table} (originator_id, originator_version, topic, state) "
            f"SELECT originator_id, %s, topic, state FROM {self.table} WHERE {self.id} = %s",
            version,
            nid,
        )


@pytest.fixture
def store(database_url: str) -> Iterator[FamilyStore]:
    with FamilyStore(database_url) as store:
        store.record_batch(rich_family("F1") + rich_family("F2"))
        yield store


def where(report: Any) -> set[tuple[str, str, int | None]]:
    return {(f.problem, f.family_id, f.version) for f in report.findings}


def test_an_untouched_store_verifies_and_is_sealed(store: FamilyStore) -> None:
    first = verify(store)
    assert first.ok and first.events == 74 and first.families == 2
    assert first.sealed_before == 0 and first.sealed_now == store.max_notification_id()
    store.record_batch(rich_family("F3"))
    second = verify(store)
    assert second.ok and second.sealed_before == first.sealed_now
    assert second.sealed_now == store.max_notification_id()
    assert verify(store, anchors=[Anchor(first.sealed_now, first.seal_head)]).ok


def test_update_of_a_sealed_payload_is_located(store: FamilyStore) -> None:
    assert verify(store).ok
    t = Tamperer(store)
    t.edit_payload(t.nid(store, "F1", 5), '"2A"', '"6"')  # e04: referral source
    report = verify(store)
    assert where(report) == {(EDITED, "F1", 5)}
    assert "e04" in report.findings[0].detail
    assert where(verify_family(store, "F1")) == {(EDITED, "F1", 5)}
    assert verify_family(store, "F2").ok


def test_delete_of_a_row_is_located_even_the_last_of_a_family(store: FamilyStore) -> None:
    assert verify(store).ok
    t = Tamperer(store)
    t.delete(t.nid(store, "F2", 9))
    t.delete(t.nid(store, "F2", 37))  # the newest event: only the seal can miss it
    assert where(verify(store)) == {(DELETED, "F2", 9), (DELETED, "F2", 37)}
    assert where(verify_family(store, "F2")) == {(DELETED, "F2", 9), (DELETED, "F2", 37)}
    view = family_as_at(store, "F2")  # what remains is still shown, with the gap named
    assert view is not None and view.family is not None and view.missing == (9,)


def test_insert_of_a_row_is_detected_and_located(store: FamilyStore) -> None:
    assert verify(store).ok
    t = Tamperer(store)
    t.insert_copy(t.nid(store, "F1", 37), 38)  # a fake 37th event appended to F1
    report = verify(store)
    assert where(report) == {(ALTERED, "F1", 38)}
    assert report.sealed_now == report.sealed_before  # a suspect row is never sealed
    assert where(verify(store)) == {(ALTERED, "F1", 38)}  # still reported next night
    assert where(verify_family(store, "F1")) == {(ALTERED, "F1", 38)}


def test_insert_into_a_gap_inside_the_sealed_log_is_an_insertion(postgres_url: str) -> None:
    """PostgreSQL leaves gaps in the log (rolled-back writes use up ids); a row slipped
    into one after sealing was never sealed though its neighbours were."""
    with FamilyStore(postgres_url) as store:
        store.record_batch(rich_family("F1"))
        t = Tamperer(store)
        t.run("SELECT nextval(pg_get_serial_sequence(%s, 'notification_id'))", t.table)
        gap = store.max_notification_id() + 1
        store.record_batch(rich_family("F2"))
        assert verify(store).ok and store.max_notification_id() > gap
        t.run(
            f"INSERT INTO {t.table} (notification_id, originator_id, originator_version, topic,"
            f" state) SELECT %s, originator_id, 38, topic, state FROM {t.table}"
            " WHERE notification_id = %s",
            gap,
            t.nid(store, "F1", 37),
        )
        assert where(verify(store)) == {(INSERTED, "F1", 38)}
        assert where(verify_family(store, "F1")) == {(INSERTED, "F1", 38)}


def test_tampering_after_the_last_seal_is_still_caught_by_the_family_chain(
    store: FamilyStore,
) -> None:
    t = Tamperer(store)
    t.edit_payload(t.nid(store, "F1", 12), '"NEG"', '"PHY"')  # e11: CP plan category
    t.delete(t.nid(store, "F2", 20))
    assert where(verify(store, seal=False)) == {(ALTERED, "F1", 12), (DELETED, "F2", 20)}


def test_garbled_bytes_are_unreadable_not_a_crash(store: FamilyStore) -> None:
    assert verify(store).ok
    t = Tamperer(store)
    t.edit_payload(t.nid(store, "F1", 6), "{", "[")
    assert (UNREADABLE, "F1", 6) in where(verify(store))


def test_a_consistent_rewrite_of_the_seal_is_caught_by_an_anchor(store: FamilyStore) -> None:
    sealed = verify(store)
    anchor = Anchor(sealed.sealed_now, sealed.seal_head)
    t = Tamperer(store)
    last = t.nid(store, "F2", 37)
    t.delete(last)
    t.run("DELETE FROM casejourney_audit_seal WHERE notification_id = %s", last)
    assert verify(store, seal=False).ok  # without the anchor nothing shows
    report = verify(store, seal=False, anchors=[anchor])
    assert not report.ok and report.findings[0].notification_id == last


def test_cli_verify_exits_non_zero_and_names_the_family(
    store: FamilyStore, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CASEJOURNEY_DATABASE_URL", store.database_url)
    assert main(["verify"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("OK") and "anchor: " in out
    anchor = out.split("anchor: ")[1].split()[0]
    t = Tamperer(store)
    t.edit_payload(t.nid(store, "F2", 5), '"2A"', '"3A"')
    assert main(["verify", "--anchor", anchor]) == 1
    out = capsys.readouterr().out
    assert "FAILED" in out and "EDITED     family F2 position 5" in out


def test_summary_and_verify_count_the_same_events(
    store: FamilyStore, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`summary` counts contract events; `verify` walks them and one creation record
    per family, and says which is which, so the two numbers never disagree unexplained."""
    monkeypatch.setenv("CASEJOURNEY_DATABASE_URL", store.database_url)
    assert main(["summary", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert main(["verify", "--json", "--no-seal"]) == 0
    verified = json.loads(capsys.readouterr().out)
    assert summary["events"] == verified["contract_events"] == 72
    assert summary["records"] == verified["events"] == 74
    assert verified["created"] == summary["families"] == 2
    assert main(["verify", "--no-seal"]) == 0
    out = capsys.readouterr().out
    assert "checked 74 stored records of 2 families" in out
    assert "72 events and 2 family creation records" in out


def test_seal_checks_only_the_new_rows_and_seals_them(store: FamilyStore) -> None:
    first = seal_new(store)
    assert first.ok and first.events == 74 and first.sealed_now == store.max_notification_id()
    store.record_batch([*rich_family("F3"), ev("ChildAdded", "2024-11-01", family_id="F1")])
    t = Tamperer(store)
    t.edit_payload(t.nid(store, "F1", 5), '"2A"', '"6"')  # sealed: left to the full walk
    second = seal_new(store)
    assert second.ok and second.events == 38 and second.sealed_now == store.max_notification_id()
    assert where(verify(store)) == {(EDITED, "F1", 5)}


def test_seal_stops_at_a_suspect_new_row(store: FamilyStore) -> None:
    assert seal_new(store).ok
    store.record_batch(rich_family("F3"))
    t = Tamperer(store)
    t.edit_payload(t.nid(store, "F3", 20), "2023-11-15", "2023-11-16")  # e19's date
    report = seal_new(store)
    assert (ALTERED, "F3", 20) in where(report)
    assert report.sealed_now == t.nid(store, "F3", 19)
