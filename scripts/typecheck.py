#!/usr/bin/env python3
"""The type check of `make test` and `make lint`: mypy on every room, against a baseline.

mypy's own settings are in pyproject.toml ([tool.mypy]). Errors that were there when the
check was brought in are listed in scripts/mypy-baseline.txt, keyed by file, error code and
message but not line number, so that an edit above an error does not disturb it. The check
fails on any error that is not in the baseline, and also on any baseline line that mypy no
longer reports: the baseline only ever shrinks. `--prune` drops those lines from the file
for you; nothing ever adds lines to it.

The rooms everything stands on (MUST_BE_CLEAN) may have no baseline at all.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "scripts" / "mypy-baseline.txt"

MUST_BE_CLEAN = ("domain/", "store/", "projections/", "synthetic/")

HEADER = """\
# mypy errors known when the type check came in: FILE: [CODE] MESSAGE, no line numbers.
# scripts/typecheck.py fails on any error not listed here, and on any line here that mypy
# no longer reports (`scripts/typecheck.py --prune` removes those). Never add a line: fix
# the error, or, for a library's false alarm, write `# type: ignore[code]` with a reason.
# One line per error: an error that occurs twice in a file is listed twice.
"""


@dataclass(frozen=True)
class Finding:
    """One mypy error: where it is, for people, and its key, for the baseline."""

    file: str
    line: int
    code: str
    message: str

    @property
    def key(self) -> str:
        return baseline_key(self.file, self.code, self.message)

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: error: {self.message}  [{self.code}]"


def baseline_key(file: str, code: str, message: str) -> str:
    """The line-number-free key: mypy names other lines in some messages, so those go too."""
    message = re.sub(r"\bline \d+", "line N", message)
    return f"{file}: [{code}] {message}"


def parse_mypy_json(output: str) -> list[Finding]:
    """Errors from `mypy -O json` (one JSON object a line); notes are not findings."""
    findings = []
    for line in output.splitlines():
        if not line.startswith("{"):
            continue
        item = json.loads(line)
        if item.get("severity") != "error":
            continue
        findings.append(
            Finding(
                file=item["file"],
                line=int(item["line"]),
                code=item.get("code") or "misc",
                message=item["message"],
            )
        )
    return findings


@dataclass(frozen=True)
class Comparison:
    """What differs between mypy's errors today and the baseline."""

    new: list[Finding]
    gone: list[str]
    forbidden: list[str]

    @property
    def ok(self) -> bool:
        return not (self.new or self.gone or self.forbidden)


def compare(findings: Iterable[Finding], baseline: Iterable[str]) -> Comparison:
    """New errors (beyond the baseline's count of their key), gone baseline lines, and
    baseline lines for rooms that must be clean."""
    allowed = Counter(baseline)
    new = []
    for finding in sorted(findings, key=lambda f: (f.file, f.line, f.key)):
        if allowed[finding.key] > 0:
            allowed[finding.key] -= 1
        else:
            new.append(finding)
    gone = sorted(allowed.elements())
    forbidden = sorted(key for key in baseline if key.startswith(MUST_BE_CLEAN))
    return Comparison(new=new, gone=gone, forbidden=forbidden)


def read_baseline(path: Path) -> list[str]:
    if not path.exists():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip() and not line.startswith("#")]


def write_baseline(path: Path, keys: Iterable[str]) -> None:
    path.write_text(HEADER + "".join(f"{key}\n" for key in sorted(keys)), encoding="utf-8")


def run_mypy() -> list[Finding]:
    """mypy on the files pyproject.toml names; exit 1 means errors, anything else broke."""
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "-O", "json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode not in (0, 1):
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"mypy itself failed (exit {done.returncode})")
    return parse_mypy_json(done.stdout)


def report(result: Comparison) -> None:
    for finding in result.new:
        print(finding)
    if result.new:
        print(f"{len(result.new)} mypy error(s) not in {BASELINE.relative_to(ROOT)}: fix them.")
    for key in result.gone:
        print(f"fixed, remove from the baseline: {key}")
    if result.gone:
        print("The baseline only shrinks: run scripts/typecheck.py --prune.")
    for key in result.forbidden:
        print(f"this room must be clean, it may have no baseline: {key}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--prune", action="store_true", help="drop the baseline's fixed errors (never adds)"
    )
    args = parser.parse_args(argv)
    baseline = read_baseline(BASELINE)
    findings = run_mypy()
    result = compare(findings, baseline)
    if args.prune and result.gone:
        baseline = list((Counter(baseline) - Counter(result.gone)).elements())
        write_baseline(BASELINE, baseline)
        print(f"removed {len(result.gone)} fixed error(s) from the baseline")
        result = compare(findings, baseline)
    report(result)
    if result.ok:
        print(f"mypy: no new errors ({len(baseline)} known, in the baseline)")
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
