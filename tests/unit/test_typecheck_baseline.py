"""The type check's baseline (scripts/typecheck.py) lets known errors move but never grow."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from typing import Any

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "typecheck.py"
spec = importlib.util.spec_from_file_location("typecheck", SCRIPT)
assert spec and spec.loader
typecheck = importlib.util.module_from_spec(spec)
sys.modules["typecheck"] = typecheck
spec.loader.exec_module(typecheck)
Finding = typecheck.Finding


def error(file: str, line: int, message: str = "bad", code: str = "arg-type") -> Any:
    return Finding(file=file, line=line, code=code, message=message)


def test_a_known_error_may_move_down_the_file() -> None:
    known = [error("audit/seal.py", 10).key]
    assert typecheck.compare([error("audit/seal.py", 99)], known).ok


def test_a_new_error_fails_even_beside_a_known_one_of_the_same_kind() -> None:
    known = [error("audit/seal.py", 10).key]
    result = typecheck.compare([error("audit/seal.py", 10), error("audit/seal.py", 20)], known)
    assert [f.line for f in result.new] == [20]


def test_a_fixed_error_must_leave_the_baseline() -> None:
    known = [error("audit/seal.py", 10).key, error("audit/seal.py", 10).key]
    result = typecheck.compare([error("audit/seal.py", 10)], known)
    assert result.gone == [error("audit/seal.py", 1).key]
    assert not result.ok


def test_line_numbers_inside_a_message_do_not_key_it() -> None:
    here = error("audit/seal.py", 5, 'Name "x" already defined on line 3', "no-redef")
    later = error("audit/seal.py", 9, 'Name "x" already defined on line 7', "no-redef")
    assert here.key == later.key


def test_the_clean_rooms_may_have_no_baseline() -> None:
    result = typecheck.compare([error("domain/state.py", 1)], [error("domain/state.py", 1).key])
    assert result.forbidden == [error("domain/state.py", 1).key]
    assert not result.ok


def test_notes_are_not_errors() -> None:
    lines = [
        json.dumps({"file": "a.py", "line": 3, "message": "m", "code": "x", "severity": "error"}),
        json.dumps({"file": "a.py", "line": 3, "message": "n", "code": None, "severity": "note"}),
    ]
    assert typecheck.parse_mypy_json("\n".join(lines)) == [error("a.py", 3, "m", "x")]
