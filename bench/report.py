"""The results of a run as JSON (everything) and as a Markdown table (what the README quotes)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bench.machine import summary_line


def _rate(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f} events/s"


def _ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _s(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value * 1000:,.0f} ms" if value < 1 else f"{value:,.2f} s"


def _mib(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f} MiB"


def figure_rows(f: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """(figure, measured, baseline, ratio) rows in the order of the issue."""
    rows: list[tuple[str, str, str, str]] = []
    k = f.get("kafka_ingest") or {}
    raw = k.get("baseline") or {}
    raw_text = f"{_rate(raw.get('rate'))} (kafka-python + COPY)"
    if k.get("consume"):
        n = k["consume"].get("processes", 1)
        rows.append(
            (
                "1. Kafka ingest → PostgreSQL (`consume --no-project`"
                + (f", {n} processes in one group)" if n > 1 else ")"),
                _rate(k["consume"]["rate"]),
                raw_text,
                _ratio(k.get("ratio")),
            )
        )
    if k.get("consume_parallel"):
        n = k["consume_parallel"]["processes"]
        rows.append(
            (
                f"1. Kafka ingest → PostgreSQL, {n} `consume` processes in one group",
                _rate(k["consume_parallel"]["rate"]),
                raw_text,
                _ratio(k.get("parallel_ratio")),
            )
        )
    if k.get("consume_projected"):
        rows.append(
            (
                "1. Kafka ingest → PostgreSQL, projections on (`consume`; stored and projected)",
                _rate(k["consume_projected"]["rate"]),
                raw_text,
                _ratio(k.get("projected_ratio")),
            )
        )
    if k.get("consume_scaled"):
        n = k["consume_scaled"]["processes"]
        rows.append(
            (
                f"1. Kafka ingest → PostgreSQL, {n} `consume --no-project` + `project --follow`"
                " (stored and projected)",
                _rate(k["consume_scaled"]["rate"]),
                raw_text,
                _ratio(k.get("scaled_ratio")),
            )
        )
    if f.get("publish"):
        rows.append(("   publish JSONL → Kafka (`publish`)", _rate(f["publish"]["rate"]), "", ""))
    for store, label in (("sqlite", "SQLite"), ("postgresql", "PostgreSQL")):
        item = (f.get("file_ingest") or {}).get(store)
        if item:
            rows.append((f"2. File ingest → {label} (`ingest`)", _rate(item["rate"]), "", ""))
    for store, label in (("postgresql", "PostgreSQL"), ("sqlite", "SQLite")):
        item = (f.get("rebuild") or {}).get(store)
        if item:
            rows.append(
                (
                    f"3. Rebuild, {label} (`rebuild`)",
                    _rate(item["rate"]),
                    f"{_rate(item['baseline']['rate'])} (notification log read)",
                    _ratio(item["ratio"]),
                )
            )
    lat = f.get("alert_latency")
    if lat:
        rows.append(
            (
                f"4. Alert latency, third referral → `csc.alerts` ({lat['probes']} probes)",
                f"p50 {_s(lat['p50_seconds'])}, p99 {_s(lat['p99_seconds'])}",
                f"background {lat['background_rate']:,.0f} events/s; {lat['missed']} missed"
                + (f", backlog {lat['backlog']:,} at the end" if lat.get("backlog") else ""),
                "",
            )
        )
    dash = f.get("dashboard")
    if dash:
        for page in dash["pages"].values():
            failed = " (raised an error)" if page.get("errors") else ""
            measured = (
                f"AppTest {_s(page['cold_seconds'])} first, {_s(page['warm_seconds'])} cached"
            )
            browser = ""
            if "browser_first_seconds" in page:
                browser = (
                    f"Chromium {_s(page['browser_first_seconds'])} first, "
                    f"{_s(page['browser_again_seconds'])} again"
                )
                if "browser_moved_seconds" in page:
                    browser += f", {_s(page['browser_moved_seconds'])} after a move"
            rows.append((f"5. Dashboard: {page['title']}", measured + failed, browser, ""))
    mem = f.get("memory") or {}
    if mem:
        rows.append(("6. Peak RSS, consumer", _mib(mem.get("consumer_mib")), "", ""))
        rows.append(("6. Peak RSS, dashboard", _mib(mem.get("dashboard_mib")), "", ""))
        if mem.get("dashboard_apptest_mib"):
            rows.append(
                ("   (AppTest process, one session)", _mib(mem["dashboard_apptest_mib"]), "", "")
            )
    audit = f.get("audit")
    if audit:
        long = audit["long_family"]
        store = audit["store"]
        rows.append(
            (
                f"7. As-at replay, long-lived family ({long['events']} events)",
                _s(long["as_at_seconds"]),
                f"CLI wall {_s(long['as_at_cli_wall_seconds'])}",
                "",
            )
        )
        rows.append(
            (
                f"7. Verify, long-lived family chain ({long['events']} events)",
                _s(long["verify_chain_seconds"]),
                "",
                "",
            )
        )
        sampled = " (sampled, scaled up)" if store["as_at_sampled"] else ""
        rows.append(
            (
                f"7. As-at replay, whole store ({store['families']:,} families)",
                _s(store["as_at_seconds"]) + sampled,
                "",
                "",
            )
        )
        for v in store["verify"]:
            what = "first run, seals" if v["run"] == "seal" else "against the seal"
            rows.append(
                (
                    f"7. Verify, whole store ({what})",
                    f"{_s(v['seconds'])} ({_rate(v['rate'])})",
                    "",
                    "",
                )
            )
    return rows


def markdown(result: dict[str, Any]) -> str:
    scale = result["scale"]
    data = result["data"]
    lines = [
        f"### Benchmarks, {scale['name']} scale, {result['date']}",
        "",
        f"Machine: {summary_line(result['machine'])}.",
        "",
        f"Data: {data['families']:,} families, {data['events']:,} events, "
        f"{data['referrals']:,} referrals over {scale['years']} year(s) "
        f"({data['referrals_per_year']:,.0f} a year)"
        + (f"; {scale['fraction']:.0%} of the nominal scale" if scale["fraction"] < 1 else "")
        + (f"; source topics of {data['partitions']} partitions" if data.get("partitions") else "")
        + ".",
        "",
        *(
            [f"Only these figures were run: {', '.join(result['only'])}.", ""]
            if result.get("only")
            else []
        ),
        "| figure | measured | baseline (same run) | ratio |",
        "|---|---|---|---|",
    ]
    lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in figure_rows(result["figures"])]
    lines += ["", "| target | measured | result |", "|---|---|---|"]
    for v in result["targets"]:
        verdict = {True: "pass", False: "**FAIL**", None: "not measured"}[v["met"]]
        lines.append(f"| {v['figure']}: {v['target']} | {v['measured']} | {verdict} |")
    steps = result.get("steps") or {}
    if steps:
        loads = ", ".join(
            f"{name} {step['load'][0]:.1f}→{step['load'][1]:.1f}" for name, step in steps.items()
        )
        lines += [
            "",
            f"Load average (1 min) before→after each step, {result['machine']['nproc']}"
            f" CPUs: {loads}.",
        ]
    if result.get("notes"):
        lines += ["", *[f"- {note}" for note in result["notes"]]]
    lines.append("")
    return "\n".join(lines)


def write(result: dict[str, Any], directory: Path) -> tuple[Path, Path]:
    directory.mkdir(parents=True, exist_ok=True)
    stem = f"{result['date']}-{result['scale']['name']}"
    if result["scale"]["fraction"] < 1:  # a part of a scale is never mistaken for all of it
        stem += f"-{result['scale']['fraction'] * 100:g}pct"
    if result.get("only"):
        stem += "-only-" + "+".join(result["only"])
    json_path = directory / f"{stem}.json"
    md_path = directory / f"{stem}.md"
    json_path.write_text(json.dumps(result, indent=2, default=str) + "\n", encoding="utf-8")
    md_path.write_text(markdown(result), encoding="utf-8")
    return json_path, md_path
