"""The alert thresholds reach the dashboard (issue 12): a local PLO target set in the
environment changes the PLO page, its drift list, the overview figure behind it and
the Audit page's alerts, not only the alerts the projector raises.

One family has been in pre-proceedings for 18 weeks: beyond the default 16-week
target, within a local target of 20.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from casejourney.container import Container
from casejourney.settings import AlertSettings, KafkaSettings, Settings
from tests.support.dashboard_app import APP, page_path, plain_tables
from tests.support.events import ev

TIMEOUT = 60
FAMILY = "F-PLO18"


def _family(today: date) -> list:
    started = today - timedelta(weeks=18)
    fam = {"family_id": FAMILY, "child_id": None}
    return [
        ev("ChildAdded", started.isoformat(), family_id=FAMILY, child_id="C1", event_id="t1"),
        ev(
            "PreProceedingsStarted",
            started.isoformat(),
            event_id="t2",
            plo_id="PLO-18",
            child_ids=["C1"],
            **fam,
        ),
        ev(
            "LetterBeforeProceedingsSent",
            started.isoformat(),
            event_id="t3",
            plo_id="PLO-18",
            **fam,
        ),
        # A review today: the only drift there can be now is the target, and the
        # overview's period (to the latest business date) ends today too.
        ev(
            "PLOMeetingHeld",
            today.isoformat(),
            event_id="t4",
            plo_id="PLO-18",
            kind="review",
            **fam,
        ),
    ]


@pytest.fixture(scope="module")
def store_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The store, projected once: the read-model rows do not depend on the target."""
    url = f"sqlite:///{tmp_path_factory.mktemp('thresholds') / 'store.db'}"
    with Container(Settings(database_url=url, kafka=KafkaSettings())) as container:
        container.store.record_batch(_family(date.today()))
        container.projector.run_once()
    return url


def _open(page: str, url: str, weeks: int | None, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("CASEJOURNEY_DATABASE_URL", url)
    monkeypatch.delenv("KAFKA_BOOTSTRAP_SERVERS", raising=False)
    if weeks is None:
        monkeypatch.delenv("CASEJOURNEY_PLO_TARGET_WEEKS", raising=False)
    else:
        monkeypatch.setenv("CASEJOURNEY_PLO_TARGET_WEEKS", str(weeks))
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.run()
    if page != "overview.py":
        at.switch_page(page_path(page))
        at.query_params.update({"family": FAMILY})
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize(("weeks", "beyond"), [(None, True), (16, True), (20, False)])
def test_the_plo_page_and_its_drift_list_use_the_local_target(
    store_url: str, monkeypatch: pytest.MonkeyPatch, weeks: int | None, beyond: bool
) -> None:
    at = _open("plo.py", store_url, weeks, monkeypatch)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Families in pre-proceedings"] == "1"
    assert metrics["Beyond target"] == ("1" if beyond else "0")
    panel = at.dataframe[0].value
    assert list(panel["drift"]) == ["beyond target" if beyond else ""]
    target = 16 if weeks is None else weeks
    assert any(f"{target} weeks" in c.value for c in at.caption), "the page says its target"

    at.toggle(key="plo-drift").set_value(True).run()
    assert not at.exception
    drifting = at.dataframe[0].value if at.dataframe else None
    if beyond:
        assert drifting is not None and list(drifting["family"]) == [FAMILY]
    else:
        assert drifting is None, "nothing drifts at a 20-week target"


@pytest.mark.parametrize(("weeks", "beyond"), [(16, 1), (20, 0)])
def test_the_overview_figure_and_its_list_use_the_local_target(
    store_url: str, monkeypatch: pytest.MonkeyPatch, weeks: int, beyond: int
) -> None:
    at = _open("overview.py", store_url, weeks, monkeypatch)
    label = f"Open pre-proceedings beyond {weeks} weeks"
    metric = next(m for m in at.metric if m.label == label)
    assert metric.proto.delta == f"{beyond} of 1"
    at.selectbox(key="behind").select("pre_proceedings_beyond_target").run()
    assert not at.exception
    if beyond:
        assert list(at.dataframe[0].value["family"]) == [FAMILY]
    else:
        assert not at.dataframe, "an empty list shows a message, not a table"


@pytest.mark.parametrize(("weeks", "beyond"), [(16, True), (20, False)])
def test_the_audit_page_gives_the_alerts_of_the_local_target(
    store_url: str, monkeypatch: pytest.MonkeyPatch, weeks: int, beyond: bool
) -> None:
    at = _open("audit.py", store_url, weeks, monkeypatch)
    at.text_input(key="audit-exact").input(datetime.now(UTC).isoformat()).run()
    assert not at.exception, [e.value for e in at.exception]
    [alerts] = [t for t in plain_tables(at) if "detail" in t.columns]  # the alerts then
    reasons = " ".join(alerts["detail"])
    assert ("Open beyond the 16-week target" in reasons) is beyond
    assert "No PLO meeting since" in reasons, "the review gap is an alert at either target"


def test_the_environment_fills_the_thresholds_the_container_hands_out(tmp_path: Path) -> None:
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'store.db'}",
        alerts=AlertSettings.from_env({"CASEJOURNEY_PLO_TARGET_WEEKS": "20"}),
    )
    with Container(settings) as container:
        assert container.read_models.thresholds.plo_target_weeks == 20
