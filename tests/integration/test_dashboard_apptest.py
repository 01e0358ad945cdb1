"""Every dashboard page under Streamlit's AppTest, on a real store holding demo-like data.

The store is built once for the module (synthetic families, ingested by the file
consumer, projected by the projector); the dashboard reads it through
CASEJOURNEY_DATABASE_URL exactly as `casejourney dashboard` would run it. Tests
that write (acknowledging an alert, the audit timeline) get stores of their own.
"""

from __future__ import annotations

import io
import sqlite3
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from casejourney.container import Container
from casejourney.dashboard_source import record_acknowledgement
from dashboard import data
from dashboard.acknowledge import Worker, acknowledgement
from dashboard.chronology_panel import PAGE_ROWS
from dashboard.navigation import PAGES
from domain.rules.severity import rank
from domain.rules.thresholds import DEFAULT_THRESHOLDS
from projections import queries
from projections.figures import expected_rows, members_sql, year_to
from projections.network import components
from store.database import Database
from tests.browser.demo_store import build_demo_store, store_settings
from tests.support.dashboard_app import APP, page_path, plain_tables
from tests.support.journeys import rich_family

TIMEOUT = 60


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return build_demo_store(tmp_path_factory.mktemp("dashboard-demo"))


@pytest.fixture
def dashboard_env(demo_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """The dashboard's environment: the demo store, and no Kafka to publish to."""
    monkeypatch.setenv("CASEJOURNEY_DATABASE_URL", demo_url)
    monkeypatch.delenv("KAFKA_BOOTSTRAP_SERVERS", raising=False)
    return demo_url


def open_page(page: str, **query: str) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.run()
    if page != "overview.py":
        at.switch_page(page_path(page))
        at.query_params.update(query)
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def table(at: AppTest, index: int = 0) -> pd.DataFrame:
    return at.dataframe[index].value


@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """What each download button would serve, by file name (deferred ones built on demand)."""
    served: dict[str, Any] = {}
    add, add_deferred = MediaFileManager.add, MediaFileManager.add_deferred

    def capture(self: MediaFileManager, data: Any, *args: Any, **kwargs: Any) -> str:
        served[kwargs.get("file_name") or "?"] = data
        return add(self, data, *args, **kwargs)

    def capture_deferred(self: MediaFileManager, fn: Any, *args: Any, **kwargs: Any) -> str:
        served[kwargs.get("file_name") or "?"] = fn
        return add_deferred(self, fn, *args, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add", capture)
    monkeypatch.setattr(MediaFileManager, "add_deferred", capture_deferred)
    return served


def exported(served: dict[str, Any], name: str) -> pd.DataFrame:
    """A served file as text cells; an Excel date cell as its ISO day (as the page shows it)."""
    data = served[name]
    payload = data() if callable(data) else data
    if name.endswith(".csv"):
        return pd.read_csv(io.BytesIO(payload), encoding="utf-8-sig", dtype=str, na_filter=False)
    frame = pd.read_excel(io.BytesIO(payload), na_filter=False, engine="openpyxl")
    return frame.map(lambda v: v.date().isoformat() if isinstance(v, datetime) else str(v))


def same_rows(shown: pd.DataFrame, file: pd.DataFrame) -> None:
    assert list(file.columns) == list(shown.columns)
    expected = shown.astype(object).where(shown.notna(), "").astype(str)
    # Booleans and numbers come back from files as text; compare the text.
    assert file.to_numpy().tolist() == expected.to_numpy().tolist()


# --- every page ----------------------------------------------------------------------


@pytest.mark.parametrize("page", [spec.file for spec in PAGES])
def test_every_page_renders_on_demo_data(dashboard_env: str, page: str) -> None:
    family = queries.alerts(dashboard_env, limit=1)[0]["family_id"]
    at = open_page(page, family=family)
    spec = next(s for s in PAGES if s.file == page)
    assert [t.value for t in at.title] == [spec.title]
    assert not at.error, [e.value for e in at.error]
    if page in {"overview.py", "alerts.py", "plo.py", "timeliness.py"}:
        assert len(at.dataframe) >= 1
    if page in {"family.py", "audit.py"}:
        assert at.subheader[0].value.startswith(f"Family {family}")


def test_the_sidebar_says_how_current_the_read_models_are(dashboard_env: str) -> None:
    at = open_page("overview.py")
    position = queries.status(dashboard_env)["position"]
    assert f"Read models at event {position:,} (up to date)" in at.sidebar.caption[0].value


# --- overview ------------------------------------------------------------------------


def test_overview_shows_each_indicator_with_its_counts_and_trend(dashboard_env: str) -> None:
    at = open_page("overview.py")
    labels = [m.label for m in at.metric]
    assert "Re-referrals within 12 months" in labels
    assert "Assessments within 45 working days" in labels
    assert "Decisions by unqualified workers" in labels
    # No sparkline without axes on the cards: the chosen indicator's trend is drawn in
    # full, with axes and its counts.
    assert not [m.label for m in at.metric if m.proto.chart_data]
    assert len(at.get("plotly_chart")) == 1
    start, end = at.date_input(key="period").value
    figures = {
        r["label"]: r for r in queries.indicators(dashboard_env, start, end, th=DEFAULT_THRESHOLDS)
    }
    for metric in at.metric:
        figure = figures[metric.label]
        if figure["denominator"] is not None:  # a rate shows its numerator and denominator
            assert metric.proto.delta == f"{figure['numerator']:,} of {figure['denominator']:,}"


def test_team_filter_changes_the_figures(dashboard_env: str) -> None:
    at = open_page("overview.py")
    everyone = {m.label: m.value for m in at.metric}
    team = queries.teams(dashboard_env)[0]
    at.selectbox(key="overview-team").select(team).run()
    one_team = {m.label: m.value for m in at.metric}
    assert int(one_team["Referrals received"].replace(",", "")) < int(
        everyone["Referrals received"].replace(",", "")
    )


def test_the_list_behind_each_figure_has_as_many_rows_as_the_figure(dashboard_env: str) -> None:
    at = open_page("overview.py")
    start, end = at.date_input(key="period").value
    figures = {
        r["key"]: r for r in queries.indicators(dashboard_env, start, end, th=DEFAULT_THRESHOLDS)
    }
    assert len(at.selectbox(key="behind").options) == len(figures)
    for key in figures:
        at.selectbox(key="behind").select(key).run()
        assert not at.exception
        figure = figures[key]
        want = expected_rows(key, figure["numerator"], figure["denominator"])
        shown = len(table(at)) if want else 0
        assert shown == want, key


def test_a_long_list_behind_a_figure_shows_its_head_and_exports_it_whole(
    dashboard_env: str, monkeypatch: pytest.MonkeyPatch, downloads: dict[str, Any]
) -> None:
    monkeypatch.setattr(data, "LIST_ROWS", 5)
    at = open_page("overview.py")
    start, end = at.date_input(key="period").value
    at.selectbox(key="behind").select("referrals").run()
    total = {
        r["key"]: r for r in queries.indicators(dashboard_env, start, end, th=DEFAULT_THRESHOLDS)
    }["referrals"]
    assert total["numerator"] > 5
    sql, params = members_sql("referrals", start, end, None, DEFAULT_THRESHOLDS)
    newest = Database(dashboard_env).rows(sql, params)[:5]
    assert list(table(at)["family"]) == [r["family_id"] for r in newest]
    assert f"Showing 5 of the {total['numerator']:,} counted" in at.warning[0].value
    file = exported(downloads, f"referrals-{start:%Y%m%d}-{end:%Y%m%d}.csv")
    assert len(file) == total["numerator"]
    assert list(file["family"][:5]) == [r["family_id"] for r in newest]


def test_the_trend_holds_each_month_as_the_figures_for_that_month_alone(
    dashboard_env: str,
) -> None:
    at = open_page("overview.py")
    start, end = at.date_input(key="period").value
    monthly = queries.monthly_indicators(dashboard_env, start, end, th=DEFAULT_THRESHOLDS)
    assert len(monthly) >= 12
    for first, rows in monthly:
        last = min(end, (pd.Timestamp(first) + pd.offsets.MonthEnd(0)).date())
        assert rows == queries.indicators(dashboard_env, first, last, th=DEFAULT_THRESHOLDS), first


def test_the_period_changes_the_figures(dashboard_env: str) -> None:
    at = open_page("overview.py")
    before = {m.label: m.value for m in at.metric}["Referrals received"]
    _, end = at.date_input(key="period").value
    at.date_input(key="period").set_value((end.replace(day=1), end)).run()
    after = {m.label: m.value for m in at.metric}["Referrals received"]
    assert int(after.replace(",", "")) < int(before.replace(",", ""))


# --- alerts ---------------------------------------------------------------------------


def grouped_most_urgent_first(frame: pd.DataFrame) -> bool:
    """Each family's alerts together; families in the order of their most urgent alert."""
    families = list(frame["family"])
    heads = frame.drop_duplicates("family")["severity"].str.lower().map(rank)
    return families == sorted(families, key=families.index) and heads.is_monotonic_increasing


def test_alerts_are_grouped_by_family_and_filter_by_kind_team_and_date(dashboard_env: str) -> None:
    at = open_page("alerts.py")
    everything = table(at)
    assert len(everything) == len(queries.alerts(dashboard_env, acknowledged=False))
    assert grouped_most_urgent_first(everything)
    assert set(everything["severity"]) <= {"High", "Medium", "Low"}
    assert not everything["alert"].str.contains("_").any()  # labels, not codes

    kind = "third_referral_child"
    at.multiselect(key="alert-kinds").select(kind).run()
    one_kind = table(at)
    assert set(one_kind["kind"]) == {kind}
    assert len(one_kind) == len(queries.alerts(dashboard_env, kind=kind, acknowledged=False))

    other = "unqualified_decision"
    at.multiselect(key="alert-kinds").select(other).run()
    two_kinds = table(at)
    assert set(two_kinds["kind"]) == {kind, other}
    assert len(two_kinds) == len(one_kind) + len(
        queries.alerts(dashboard_env, kind=other, acknowledged=False)
    )
    assert grouped_most_urgent_first(two_kinds)

    at.multiselect(key="alert-kinds").unselect(kind).unselect(other).run()
    team = queries.teams(dashboard_env)[0]
    at.selectbox(key="alert-team").select(team).run()
    assert all(owner.startswith(team) for owner in table(at)["owner"])
    assert len(table(at)) < len(everything)

    at.selectbox(key="alert-team").select("All teams").run()
    first, last = sorted(everything["raised"])[len(everything) // 2], max(everything["raised"])
    days = (first, last)  # the table shows its days as dates (DD/MM/YYYY), not text
    at.date_input(key="alert-dates").set_value(days).run()
    dated = table(at)
    assert 0 < len(dated) < len(everything)
    assert dated["raised"].between(first, last).all()


def test_a_long_alert_list_shows_the_newest_and_exports_them_all(
    dashboard_env: str, monkeypatch: pytest.MonkeyPatch, downloads: dict[str, Any]
) -> None:
    monkeypatch.setattr(data, "LIST_ROWS", 5)
    at = open_page("alerts.py")
    newest = queries.alerts(dashboard_env, acknowledged=False, limit=5)
    shown = table(at)
    assert set(shown["alert id"]) == {a["alert_id"] for a in newest}
    families = list(shown["family"])
    assert families == sorted(families, key=families.index)  # each family's alerts together
    assert "Showing the newest 5 alerts" in at.warning[0].value
    every = {a["alert_id"] for a in queries.alerts(dashboard_env, acknowledged=False)}
    for name in ("alerts.csv", "alerts.xlsx"):
        file = exported(downloads, name)
        assert len(file) == len(every) > 5 and set(file["alert id"]) == every, name


def test_alert_export_holds_the_rows_on_screen(
    dashboard_env: str, downloads: dict[str, Any]
) -> None:
    at = open_page("alerts.py")
    at.multiselect(key="alert-kinds").select("unqualified_decision").run()
    shown = table(at)
    same_rows(shown, exported(downloads, "alerts.csv"))
    same_rows(shown, exported(downloads, "alerts.xlsx"))


def test_choosing_a_linked_family_opens_it(dashboard_env: str) -> None:
    linked = components(Database(dashboard_env))[0]["families"]
    at = open_page("family.py", family=linked[0])
    assert len(at.get("html")) == 1, "the timeline"
    assert len(at.get("plotly_chart")) == 1, "the network"
    at.selectbox(key=f"jump-{linked[0]}").select(linked[1]).run()
    assert not at.exception
    assert at.subheader[0].value == f"Family {linked[1]}"
    assert at.query_params["family"] == [linked[1]] or at.query_params["family"] == linked[1]


# --- family explorer ------------------------------------------------------------------


def test_family_page_shows_timeline_state_network_and_full_chronology(dashboard_env: str) -> None:
    family = queries.plo_tracker(
        dashboard_env, datetime.now(UTC).date(), open_only=False, th=DEFAULT_THRESHOLDS
    )[0]
    at = open_page("family.py", family=family["family_id"])
    assert at.subheader[0].value == f"Family {family['family_id']}"
    timeline = [h for h in at.get("html") if 'class="cj-tl"' in h.value]
    assert timeline, "the journey timeline"
    chronology = plain_tables(at)[-1]  # a plain table: lines wrap, nothing is cut off
    recorded = queries.chronology(dashboard_env, family["family_id"])
    assert len(chronology) == min(len(recorded), PAGE_ROWS)
    assert list(chronology.columns) == [
        "date",
        "child",
        "what happened",
        "by",
        "status",
        "recorded",
    ]
    shown = [" ".join(str(r["what"]).splitlines()) for r in recorded[:PAGE_ROWS]]
    assert list(chronology["what happened"]) == shown
    if len(recorded) > PAGE_ROWS:  # the rest are a page away, none left out
        pages = at.selectbox(key="chronology-page")
        pages.select(len(pages.options) - 1).run()
        assert len(plain_tables(at)[-1]) == len(recorded) - PAGE_ROWS * (len(pages.options) - 1)
    children = plain_tables(at)[0]
    assert all(str(c).startswith("Child ") for c in children["child"])
    assert not [t for t in plain_tables(at) if "child id" in t.columns], "ids behind a switch"
    at.toggle(key=f"child-ids-{family['family_id']}").set_value(True).run()
    [ids] = [t for t in plain_tables(at) if "child id" in t.columns]
    assert set(ids["child id"]) >= set(family["child_ids"])


def test_search_finds_a_family_by_child_id_and_by_person_id(dashboard_env: str) -> None:
    db = Database(dashboard_env)
    child = db.rows("SELECT family_id, child_id FROM rm_children LIMIT 1")[0]
    at = open_page("family.py")
    at.text_input(key="family-search").input(child["child_id"]).run()
    assert at.subheader[0].value == f"Family {child['family_id']}"

    person = db.rows(
        "SELECT person_id FROM rm_persons GROUP BY person_id HAVING COUNT(*) > 1 LIMIT 1"
    )[0]["person_id"]
    at.text_input(key="family-search").input(person).run()
    matches = table(at)
    assert len(set(matches["family"])) == 2, "a shared person links two families"
    assert set(matches["id"]) == {person}
    assert (matches["linked families"] >= 1).all(), "the list says which families are linked"

    unlinked = db.rows(
        "SELECT f.family_id FROM rm_families f WHERE NOT EXISTS (SELECT 1 FROM rm_persons a "
        "JOIN rm_persons b ON b.person_id = a.person_id AND b.family_id <> a.family_id "
        "WHERE a.family_id = f.family_id) ORDER BY f.family_id LIMIT 1"
    )[0]["family_id"]
    at.text_input(key="family-search").input(unlinked[:-1]).run()  # a prefix: a list
    listed = table(at).set_index("family")["linked families"]
    assert listed[unlinked] == 0


def test_an_unknown_id_says_so(dashboard_env: str) -> None:
    at = open_page("family.py")
    at.text_input(key="family-search").input("NOBODY-123").run()
    assert "No family, child or person id starts with" in at.warning[0].value


# --- lists ------------------------------------------------------------------------------


def apply_as_at(at: AppTest, key: str, day: date) -> None:
    """Type a day into a page's as-at form and press Apply."""
    at.date_input(key=f"{key}-as-of").set_value(day)
    next(b for b in at.button if b.label == "Apply").click().run()
    assert not at.exception, [e.value for e in at.exception]


def metrics(at: AppTest) -> dict[str, int]:
    return {m.label: int(str(m.value).replace(",", "")) for m in at.metric}


def test_plo_panel_cards_rows_and_exports_count_the_same_families(
    dashboard_env: str, downloads: dict[str, Any]
) -> None:
    at = open_page("plo.py")
    as_of = at.date_input(key="plo-as-of").value
    expected = queries.plo_tracker(dashboard_env, as_of, th=DEFAULT_THRESHOLDS)
    shown, cards = table(at), metrics(at)
    assert list(shown["PLO id"]) == [r["plo_id"] for r in expected]
    stem = f"plo-panel-{as_of:%Y%m%d}"
    same_rows(shown, exported(downloads, f"{stem}.csv"))
    same_rows(shown, exported(downloads, f"{stem}.xlsx"))
    # The cards are the Overview's figures for a period ending on the day.
    figures = {
        r["key"]: r["numerator"]
        for r in queries.indicators(dashboard_env, as_of, as_of, th=DEFAULT_THRESHOLDS)
    }
    assert cards["Families in pre-proceedings"] == len(shown) == figures["open_pre_proceedings"]
    assert cards["Beyond target"] == figures["pre_proceedings_beyond_target"]

    # "Only drifting" narrows the list and its export, never the figures.
    at.toggle(key="plo-drift").set_value(True).run()
    drifting = table(at)
    assert len(drifting) > 0 and (drifting["drift"] != "").all()
    assert len(drifting) == sum(1 for r in expected if r["beyond_target"] or r["review_overdue"])
    assert metrics(at) == cards
    same_rows(drifting, exported(downloads, f"{stem}.xlsx"))


def test_plo_panel_as_at_a_past_day_shows_only_what_had_happened_by_then(
    dashboard_env: str, downloads: dict[str, Any]
) -> None:
    at = open_page("plo.py")
    today = at.date_input(key="plo-as-of").value
    earlier_day = today.replace(year=today.year - 1)
    earlier = queries.plo_tracker(dashboard_env, earlier_day, th=DEFAULT_THRESHOLDS)
    assert earlier, "the demo data has families in pre-proceedings a year earlier"
    # A typed day is not applied until Apply: the list, and its export, stay on today's.
    at.date_input(key="plo-as-of").set_value(earlier_day).run()
    assert f"As at {today:%d/%m/%Y}" in at.caption[1].value
    assert f"plo-panel-{today:%Y%m%d}.csv" in downloads
    apply_as_at(at, "plo", earlier_day)
    shown = table(at)
    assert f"As at {earlier_day:%d/%m/%Y}" in at.caption[1].value
    assert list(shown["PLO id"]) == [r["plo_id"] for r in earlier]
    for column in ("last meeting", "letter sent", "started"):  # table days are dates
        days = [d for d in shown[column] if isinstance(d, date)]
        assert days and all(d <= earlier_day for d in days), column
    same_rows(shown, exported(downloads, f"plo-panel-{earlier_day:%Y%m%d}.xlsx"))


def test_timeliness_tabs_count_what_they_show_and_export(
    dashboard_env: str, downloads: dict[str, Any]
) -> None:
    at = open_page("timeliness.py")
    as_of = at.date_input(key="drift-as-of").value
    lists = queries.drift_lists(dashboard_env, as_of, th=DEFAULT_THRESHOLDS)
    labels = [t.label for t in at.tabs]
    keys = ["assessments", "icpcs", "cp-reviews", "reg24", "actions", "unqualified", "allocations"]
    assert len(labels) == len(keys) == len(lists)
    assert [bool(t.dataframe or t.info) for t in at.tabs][1:] == [False] * 6, "drawn when open"
    for index, (key, listed) in enumerate(zip(keys, lists.values(), strict=True)):
        tab = open_tab(at, labels[index])
        assert labels[index].endswith(f"({listed.total:,})"), labels[index]
        shown = tab.dataframe[0].value if tab.dataframe else None
        if shown is None:
            assert listed.total == 0, key  # an empty list shows a message, buttons disabled
            continue
        assert len(shown) == listed.total, key
        same_rows(shown, exported(downloads, f"{key}-{as_of:%Y%m%d}.csv"))
        same_rows(shown, exported(downloads, f"{key}-{as_of:%Y%m%d}.xlsx"))
    overdue = queries.overdue_actions(dashboard_env, as_of, th=DEFAULT_THRESHOLDS)
    assert f"({len(overdue)})" in labels[4]


def open_tab(at: AppTest, label: str) -> Any:
    """Open a Timeliness tab as a click does (only the open tab's list is drawn)."""
    at.session_state["drift-tab"] = label
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return next(t for t in at.tabs if t.label == label)


def test_late_assessments_say_which_part_the_overview_counts(dashboard_env: str) -> None:
    """The tab counts open-and-overdue plus completed late in the twelve months; its
    completed-late part is the Overview's late list over those twelve months."""
    at = open_page("timeliness.py")
    as_of = at.date_input(key="drift-as-of").value
    listed = queries.drift_lists(dashboard_env, as_of, th=DEFAULT_THRESHOLDS)["assessment"]
    start, end = year_to(as_of)
    overview = {
        r["key"]: r for r in queries.indicators(dashboard_env, start, end, th=DEFAULT_THRESHOLDS)
    }["assessment_timeliness"]
    late = expected_rows("assessment_timeliness", overview["numerator"], overview["denominator"])
    assert listed.parts["completed late"] == late
    assert listed.parts["open, overdue"] + late == listed.total
    caption = at.tabs[0].caption[0].value
    assert f"{listed.parts['open, overdue']:,} open, overdue" in caption
    assert f"{late:,} completed late" in caption and "Overview" in caption
    shown = at.tabs[0].dataframe[0].value
    assert (shown["status"] == "completed late").sum() == late
    overview_page = open_page("overview.py")
    overview_page.selectbox(key="behind").select("assessment_timeliness").run()
    assert any("Timeliness and drift page also lists" in c.value for c in overview_page.caption)


def test_regulation_24_count_rows_and_export_agree(
    dashboard_env: str, downloads: dict[str, Any]
) -> None:
    """Today, and on the day a placement since ended or approved passed its expiry."""
    at = open_page("timeliness.py")
    as_of = at.date_input(key="drift-as-of").value
    resolved = Database(dashboard_env).rows(
        "SELECT placement_id, first_expires_on FROM rm_placements WHERE extended_on IS NULL "
        "AND COALESCE(approved_on, ended_on) > first_expires_on ORDER BY placement_id"
    )[0]
    breached = date.fromisoformat(resolved["first_expires_on"])
    for day in (as_of, breached):
        apply_as_at(at, "drift", day)
        tab = open_tab(at, next(t.label for t in at.tabs if t.label.startswith("Regulation 24")))
        count = int(tab.label.rsplit("(", 1)[1].rstrip(")").replace(",", ""))
        rows = tab.dataframe[0].value
        assert len(rows) == count > 0, day
        assert set(rows["phase"]) <= {"warn", "breach"}
        same_rows(rows, exported(downloads, f"reg24-{day:%Y%m%d}.csv"))
        same_rows(rows, exported(downloads, f"reg24-{day:%Y%m%d}.xlsx"))
        assert not tab.warning, "no list cut short: count, rows and export are one number"
        listed = resolved["placement_id"] in set(rows["placement"])
        assert listed == (day == breached), "in breach then, resolved since"
    assert rows.loc[rows["placement"] == resolved["placement_id"], "phase"].item() == "breach"


def test_a_long_drift_list_shows_the_most_urgent_and_exports_them_all(
    dashboard_env: str, monkeypatch: pytest.MonkeyPatch, downloads: dict[str, Any]
) -> None:
    monkeypatch.setattr(data, "LIST_ROWS", 3)
    at = open_page("timeliness.py")
    as_of = at.date_input(key="drift-as-of").value
    late = queries.timeliness(dashboard_env, as_of, kind="assessment", include_late=True)
    assert len(late) > 3
    assert at.tabs[0].label == f"Assessments beyond 45 working days ({len(late):,})"
    shown = at.tabs[0].dataframe[0].value
    assert list(shown["id"]) == [r["subject_id"] for r in late[:3]]
    assert f"Showing the 3 most urgent of {len(late):,}" in at.tabs[0].warning[0].value
    file = exported(downloads, f"assessments-{as_of:%Y%m%d}.csv")
    assert list(file["id"]) == [r["subject_id"] for r in late]


# --- PostgreSQL, the production store ------------------------------------------------------


@pytest.mark.postgres
def test_every_page_renders_on_postgresql(
    postgres_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = build_demo_store(tmp_path, families=60, seed=11, database_url=postgres_url)
    monkeypatch.setenv("CASEJOURNEY_DATABASE_URL", url)
    monkeypatch.delenv("KAFKA_BOOTSTRAP_SERVERS", raising=False)
    family = queries.alerts(url, limit=1)[0]["family_id"]
    for spec in PAGES:
        at = open_page(spec.file, family=family)
        assert not at.error, (spec.file, [e.value for e in at.error])
    # Every list behind a figure runs on PostgreSQL's SQL too, and matches its figure.
    at = open_page("overview.py")
    start, end = at.date_input(key="period").value
    for figure in queries.indicators(url, start, end, th=DEFAULT_THRESHOLDS):
        at.selectbox(key="behind").select(figure["key"]).run()
        assert not at.exception, figure["key"]
        want = expected_rows(figure["key"], figure["numerator"], figure["denominator"])
        assert (len(table(at)) if want else 0) == want, figure["key"]
    # And acknowledging records the event on PostgreSQL.
    monkeypatch.setenv("CASEJOURNEY_LOCAL_USER", "PL-9")
    at = open_page("alerts.py")
    alert = queries.alerts(url, acknowledged=False)[0]
    _acknowledge(at, alert["alert_id"], "checked")
    assert [a["acknowledged_by"] for a in queries.alerts(url, acknowledged=True)] == ["PL-9"]


# --- writing: acknowledgements and the audit view ----------------------------------------


@pytest.fixture
def own_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = build_demo_store(tmp_path / "own", families=40, seed=5)
    monkeypatch.setenv("CASEJOURNEY_DATABASE_URL", url)
    monkeypatch.delenv("KAFKA_BOOTSTRAP_SERVERS", raising=False)
    yield url


def _acknowledge(at: AppTest, alert_id: str, reason: str) -> None:
    """Acknowledge as the viewer: the local operator here (CASEJOURNEY_LOCAL_USER)."""
    at.selectbox(key="ack-alert").select(alert_id).run()  # choosing reruns the page
    at.text_area(key="ack-reason").input(reason)
    at.button(key="ack-submit").click().run()
    assert not at.exception, [e.value for e in at.exception]


def test_acknowledging_an_alert_records_an_event_once(
    own_store: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Who acknowledges is who is looking, with the staff register's qualification.
    register = tmp_path / "staff.json"
    register.write_text('{"PL-7": {"qualified": true}}')
    monkeypatch.setenv("CASEJOURNEY_STAFF_REGISTER", str(register))
    monkeypatch.setenv("CASEJOURNEY_LOCAL_USER", "PL-7")
    at = open_page("alerts.py")
    alert = queries.alerts(own_store, acknowledged=False)[0]
    before = len(table(at))
    _acknowledge(at, alert["alert_id"], "Discussed with the team manager")

    with Container(store_settings(own_store)) as container:
        records = container.store.get(alert["family_id"]).records
    acks = [r for r in records if r["event_type"] == "AlertAcknowledged"]
    assert [(r["event_id"], r["payload"]) for r in acks] == [
        (
            f"ack:{alert['alert_id']}:PL-7",
            {"alert_id": alert["alert_id"], "reason": "Discussed with the team manager"},
        )
    ]
    assert acks[0]["recorded_by"]["worker_id"] == "PL-7"
    assert acks[0]["recorded_by"]["qualified"] is True
    # Projected at once: the alert leaves the open list and shows who acknowledged it.
    assert len(table(at)) == before - 1
    assert "acknowledged by PL-7" in at.success[0].value
    # The form is empty again: no alert chosen, no reason, nothing to click.
    assert at.selectbox(key="ack-alert").value is None
    assert at.text_area(key="ack-reason").value == ""
    assert at.button(key="ack-submit").disabled
    acknowledged = queries.alerts(own_store, family_id=alert["family_id"], acknowledged=True)
    assert [a["acknowledged_by"] for a in acknowledged if a["alert_id"] == alert["alert_id"]] == [
        "PL-7"
    ]

    # Acknowledged alerts leave the choice; shown again only when asked for.
    assert alert["alert_id"] not in at.selectbox(key="ack-alert").options
    at.toggle(key="alert-acked").set_value(True).run()
    assert len(table(at)) == before
    # A second acknowledgement by the same worker (a double click, another tab) adds nothing.
    with Container(store_settings(own_store)) as container:
        again = acknowledgement(
            alert["alert_id"], alert["family_id"], Worker("PL-7", "x", True), ""
        )
        assert record_acknowledgement(container.store, again) == "duplicate"
        records = container.store.get(alert["family_id"]).records
    assert sum(r["event_type"] == "AlertAcknowledged" for r in records) == 1


def test_acknowledging_records_who_is_looking_never_a_typed_id(
    own_store: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CASEJOURNEY_LOCAL_USER", "PL-3")  # no staff register: not qualified
    at = open_page("alerts.py")
    assert not [w for w in at.text_input if w.key == "ack-worker"]
    assert not [w for w in at.checkbox if w.key == "ack-qualified"]
    alert = queries.alerts(own_store, acknowledged=False)[0]
    _acknowledge(at, alert["alert_id"], "seen")
    with Container(store_settings(own_store)) as container:
        records = container.store.get(alert["family_id"]).records
    (ack,) = [r for r in records if r["event_type"] == "AlertAcknowledged"]
    assert ack["recorded_by"]["worker_id"] == "PL-3"
    assert ack["recorded_by"]["qualified"] is False


def test_audit_shows_the_family_as_known_at_a_moment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'audit.db'}"
    events = rich_family("F-AUDIT")
    first, later = events[:12], events[12:]
    with Container(store_settings(url)) as container:
        container.store.record_batch(first)
        time.sleep(0.05)
        moment = datetime.now(UTC)
        time.sleep(0.05)
        container.store.record_batch(later)
        container.projector.run_once()
    monkeypatch.setenv("CASEJOURNEY_DATABASE_URL", url)
    monkeypatch.delenv("KAFKA_BOOTSTRAP_SERVERS", raising=False)

    at = open_page("audit.py", family="F-AUDIT")
    at.text_input(key="audit-exact").input(moment.isoformat()).run()
    assert not at.exception, [e.value for e in at.exception]
    at.toggle(key="audit-ids").set_value(True).run()  # the chronology's ids, behind a switch
    [chronology] = [t for t in plain_tables(at) if "event id" in t.columns]
    assert set(chronology["event id"]) == {e.event_id for e in first}
    recorded_since = table(at, -1)
    assert set(recorded_since["event id"]) == {e.event_id for e in later}
    assert "match their hash chain" in at.success[0].value

    # Someone edits a stored event behind the application's back: the page says so.
    with sqlite3.connect(tmp_path / "audit.db") as conn:
        changed = conn.execute(
            "UPDATE stored_events SET state = CAST(replace(CAST(state AS TEXT), 'RC7', 'RC8') "
            "AS BLOB) WHERE CAST(state AS TEXT) LIKE '%RC7%'"
        ).rowcount
    assert changed == 1
    at.run()
    assert "problems found in the stored events of F-AUDIT" in at.error[0].value
