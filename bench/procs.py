"""Running the real commands as child processes, with their peak memory.

Each figure runs `casejourney ...` (or a baseline module) as its own process, so
peak resident memory is that process's alone: its VmHWM (the high-water mark of its
RSS) read from /proc while it runs, the last reading taken within 50 ms of its exit.
Not `ru_maxrss` from `wait4`: Linux carries the parent's high-water mark across the
vfork+exec that starts the child, so every child would seem at least as big as this
harness. CPU seconds do come from `wait4` (they are the child's own).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CLI = [sys.executable, "-m", "casejourney.cli"]
_LIVE: set[Child] = set()  # children not yet waited for, stopped if the run is interrupted


@dataclass
class Finished:
    returncode: int
    seconds: float
    peak_rss_mib: float
    cpu_seconds: float  # user + system time of the child itself (not of the servers)
    stdout: str
    stderr: str

    def json(self) -> Any:
        """Stdout as JSON (commands run with --json), else its last line that parses."""
        try:
            return json.loads(self.stdout)
        except ValueError:
            pass
        for line in reversed(self.stdout.strip().splitlines()):
            try:
                return json.loads(line)
            except ValueError:
                continue
        return None


class Child:
    """A started child process; `finish()` waits for it and reads its peak RSS."""

    def __init__(self, argv: list[str], env: Mapping[str, str], log: Path) -> None:
        self.argv = argv
        self.log = log
        log.parent.mkdir(parents=True, exist_ok=True)
        self._out = log.with_suffix(".out").open("w+")
        self._err = log.with_suffix(".err").open("w+")
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(
            argv, cwd=ROOT, env=dict(env), stdout=self._out, stderr=self._err
        )
        self.peak_mib = 0.0
        _LIVE.add(self)

    @property
    def pid(self) -> int:
        return self.proc.pid

    def alive(self) -> bool:
        """Running? Asked without reaping it (WNOWAIT): `finish` still needs its
        exit status and CPU times from wait4."""
        if self.proc.returncode is not None:
            return False
        try:
            return os.waitid(os.P_PID, self.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is None
        except ChildProcessError:
            return False

    def vm_hwm_mib(self) -> float:
        """The child's peak RSS so far, from /proc (kept once it has exited)."""
        try:
            for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    self.peak_mib = max(self.peak_mib, int(line.split()[1]) / 1024)
        except OSError:
            pass
        return self.peak_mib

    def finish(self, timeout: float | None = None) -> Finished:
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            self.vm_hwm_mib()
            pid, status, usage = os.wait4(self.pid, os.WNOHANG)
            if pid:
                break
            if deadline is not None and time.monotonic() > deadline:
                os.kill(self.pid, signal.SIGKILL)
                pid, status, usage = os.wait4(self.pid, 0)
                break
            time.sleep(0.05)
        seconds = time.perf_counter() - self.started
        _LIVE.discard(self)
        self.proc.returncode = os.waitstatus_to_exitcode(status)
        self._out.seek(0)
        self._err.seek(0)
        done = Finished(
            self.proc.returncode,
            seconds,
            self.peak_mib,
            usage.ru_utime + usage.ru_stime,
            self._out.read(),
            self._err.read(),
        )
        self._out.close()
        self._err.close()
        return done

    def stop(self, timeout: float = 30) -> Finished:
        """SIGTERM (a clean stop for `consume`), then wait."""
        if self.alive():
            os.kill(self.pid, signal.SIGTERM)
        return self.finish(timeout)


def stop_all() -> None:
    """Stop every child still running (an interrupted run must not leave consumers behind)."""
    for child in list(_LIVE):
        try:
            child.stop(timeout=15)
        except Exception:  # already gone, or would not stop: nothing more to do here
            _LIVE.discard(child)


def run(
    argv: list[str],
    env: Mapping[str, str],
    log: Path,
    timeout: float | None = None,
    watch: Callable[[Child], None] | None = None,
) -> Finished:
    """Run to completion; `watch` (if given) is called with the running child first."""
    child = Child(argv, env, log)
    if watch is not None:
        watch(child)
    done = child.finish(timeout)
    if done.returncode not in (0, 1):
        raise RuntimeError(
            f"{' '.join(argv[2:])} exited {done.returncode}: {done.stderr.strip()[-2000:]}"
        )
    return done


def cli(*args: str) -> list[str]:
    return [*CLI, *args]


def module(name: str, *args: str) -> list[str]:
    return [sys.executable, "-m", name, *args]
