"""`casejourney dashboard`: catches the read models up, serves, says where, stops cleanly."""

from __future__ import annotations

import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from casejourney.container import Container
from dashboard.acknowledge import Worker, acknowledgement
from projections import queries
from tests.browser.demo_store import build_demo_store, store_settings
from tests.browser.harness import ROOT, free_port, wait_healthy


@pytest.mark.timeout(180)
def test_the_command_catches_up_serves_and_stops_with_its_server(tmp_path: Path) -> None:
    url = build_demo_store(tmp_path, families=10)
    # Events the read models have not seen yet: the command projects them before serving.
    alert = queries.alerts(url, acknowledged=False)[0]
    with Container(store_settings(url)) as container:
        event = acknowledgement(
            alert["alert_id"], alert["family_id"], Worker("PL-1", "x", True), ""
        )
        container.store.record_batch([event])
        head = container.store.max_notification_id()
    assert queries.status(url)["position"] < head

    port = free_port()
    log = tmp_path / "server.log"
    env = {"PATH": "/usr/bin:/bin", "CASEJOURNEY_DATABASE_URL": url, "HOME": str(tmp_path)}
    command = [sys.executable, "-m", "casejourney.cli", "dashboard", "--port", str(port)]
    with log.open("wb") as out:
        cli = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_healthy(cli, base, log)
        printed = log.read_text()
        assert f"casejourney dashboard: {base}" in printed
        assert f"read models at position {head}" in printed
        assert queries.status(url)["position"] == head
        with urllib.request.urlopen(base, timeout=10) as page:
            assert page.status == 200
    finally:
        cli.send_signal(signal.SIGTERM)  # as `kill` would: the server must go too
        assert cli.wait(timeout=30) is not None
    with pytest.raises(OSError):
        urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2)
