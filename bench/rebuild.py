"""Figure 3: `casejourney rebuild` of every read model against a raw read of the log.

Both figures are timed inside their own process (the rebuild reports its own
seconds; the raw reader times itself), on the same store, one after the other.
The ratio is to the notification-log read (`select_notifications`), the baseline
the issue names; the ordered scan rebuild itself makes is reported beside it.
"""

from __future__ import annotations

import re
from typing import Any

from bench.context import Run
from bench.procs import cli, module, run

REPORT = re.compile(
    r"rebuilt generation \d+: (?P<events>\d+) notifications, (?P<families>\d+) families, "
    r"(?P<alerts>\d+) alerts in (?P<seconds>[\d.]+)s"
)


def raw_read(r: Run, url: str, label: str) -> dict[str, Any]:
    done = run(module("bench.raw_read", url), r.env(url), r.log(f"raw-read-{label}"))
    out = done.json()
    if done.returncode != 0 or not out:
        raise RuntimeError(f"raw read failed: {done.stderr[-1500:]}")
    return {
        "notifications": out["notifications"],
        "rate": out["notifications"] / out["log_seconds"],
        "seconds": round(out["log_seconds"], 2),
        "ordered_scan_rate": out["scanned"] / out["scan_seconds"],
        "peak_rss_mib": round(done.peak_rss_mib, 1),
        "cpu_seconds": round(done.cpu_seconds, 1),
    }


def rebuild(r: Run, url: str, label: str) -> dict[str, Any]:
    """Rebuild every read model from zero; the raw read of the same store right after."""
    done = run(cli("rebuild"), r.env(url), r.log(f"rebuild-{label}"))
    found = REPORT.search(done.stdout)
    if done.returncode != 0 or not found:
        raise RuntimeError(f"rebuild failed: {done.stdout[-500:]} {done.stderr[-1500:]}")
    events, seconds = int(found["events"]), float(found["seconds"])
    raw = raw_read(r, url, label)
    rate = events / seconds if seconds else 0.0
    return {
        "events": events,
        "families": int(found["families"]),
        "alerts": int(found["alerts"]),
        "seconds": seconds,
        "rate": rate,
        "wall_seconds": round(done.seconds, 2),
        "peak_rss_mib": round(done.peak_rss_mib, 1),
        "cpu_seconds": round(done.cpu_seconds, 1),
        "baseline": raw,
        "ratio": rate / raw["rate"] if raw["rate"] else None,
    }
