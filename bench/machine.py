"""The machine a run was measured on: the figures mean nothing without it."""

from __future__ import annotations

import os
import platform
import subprocess
from pathlib import Path
from typing import Any


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_gib() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return 0.0


def _version(command: list[str]) -> str:
    try:
        out = subprocess.run(command, capture_output=True, text=True, timeout=20, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    text = (out.stdout or out.stderr).strip().splitlines()
    return text[0] if text else "unknown"


def describe(postgres_bin: str | None = None, kafka_version: str | None = None) -> dict[str, Any]:
    return {
        "nproc": os.cpu_count(),
        "cpu_model": _cpu_model(),
        "memory_gib": _memory_gib(),
        "python": platform.python_version(),
        "os": f"{platform.system()} {platform.release()}",
        "postgresql": _version([postgres_bin, "--version"]) if postgres_bin else "unknown",
        "kafka": kafka_version or "unknown",
    }


def summary_line(machine: dict[str, Any]) -> str:
    return (
        f"{machine['nproc']} CPUs ({machine['cpu_model']}), {machine['memory_gib']} GiB RAM, "
        f"Python {machine['python']}, {machine['postgresql']}, Kafka {machine['kafka']}"
    )
