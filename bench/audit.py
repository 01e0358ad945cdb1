"""Figure 7: as-at replay and verify, for a long-lived family and for the whole store.

The long-lived family is the one with most events in the data set. The commands a
user runs (`casejourney family ID --as-at T`, `casejourney verify`) are timed as
wall time; the replay itself is timed inside one process by `bench.audit_probe`.
`verify` runs twice: the first run seals the log, the second checks against the seal.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bench.context import Run
from bench.procs import cli, module, run


def long_family(r: Run) -> str:
    return max(r.stats.events_per_family.items(), key=lambda item: item[1])[0]


def measure(r: Run, url: str) -> dict[str, Any]:
    family = long_family(r)
    probe = run(
        module(
            "bench.audit_probe",
            url,
            family,
            str(r.stats.families),
            str(r.scale.whole_store_as_at_limit),
        ),
        r.env(url),
        r.log("audit-probe"),
    )
    out = probe.json()
    if probe.returncode != 0 or not out:
        raise RuntimeError(f"as-at probe failed: {probe.stderr[-1500:]}")
    as_at_cli = run(
        cli("family", family, "--as-at", datetime.now(UTC).isoformat(), "--json"),
        r.env(url),
        r.log("as-at-cli"),
    )
    if as_at_cli.returncode != 0:
        raise RuntimeError(f"family --as-at failed: {as_at_cli.stderr[-1500:]}")
    verifies = []
    for label in ("seal", "check"):
        argv = cli("verify", "--json")
        done = run(argv, r.env(url), r.log(f"verify-{label}"))
        report = done.json() or {}
        if done.returncode != 0 or not report.get("ok"):
            raise RuntimeError(f"verify ({label}) failed: {done.stdout[-800:]} {done.stderr}")
        verifies.append(
            {
                "run": label,
                "events": report["events"],
                "seconds": round(report["seconds"], 2),
                "rate": report["events"] / report["seconds"],
                "wall_seconds": round(done.seconds, 2),
                "peak_rss_mib": round(done.peak_rss_mib, 1),
            }
        )
    return {
        "long_family": {
            "family_id": family,
            "events": out["long_family_events"],
            "as_at_seconds": out["long_family_seconds"],
            "as_at_cli_wall_seconds": round(as_at_cli.seconds, 2),
            "verify_chain_seconds": out["long_family_verify_seconds"],
        },
        "store": {
            "families": out["store_families"],
            "as_at_seconds": out["store_seconds"],
            "as_at_sampled": out["store_sampled"],
            "as_at_families_replayed": out["store_replayed"],
            "verify": verifies,
        },
    }
