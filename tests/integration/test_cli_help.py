"""Every command and every option of the CLI says what it is for in `--help`.

Walks the whole parser tree (subcommands of subcommands included), so a command or
option added later without help text fails here by name.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator

import pytest

from casejourney.cli import build_parser, main


def _subcommands(parser: argparse.ArgumentParser) -> Iterator[argparse._SubParsersAction]:  # type: ignore[type-arg]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            yield action


def walk(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    yield path, parser
    for sub in _subcommands(parser):
        for name, child in sub.choices.items():
            yield from walk(child, (*path, name))


def commands() -> list[tuple[str, ...]]:
    return [path for path, _ in walk(build_parser()) if path]


def test_the_walk_reaches_every_level() -> None:
    found = set(commands())
    # Top-level commands and a nested one: a walk that stopped early would pass vacuously.
    assert {("indicators",), ("network",), ("teams",), ("topics", "create")} <= found
    assert ("import", "annex-a") in found and len(found) > 20


def test_every_command_has_help() -> None:
    missing = []
    for path, parser in walk(build_parser()):
        for sub in _subcommands(parser):
            helped = {a.dest for a in sub._choices_actions if a.help}
            missing += [" ".join((*path, name)) for name in sub.choices if name not in helped]
    assert not missing, f"commands without help text: {missing}"


def test_every_option_and_argument_has_help() -> None:
    missing = []
    for path, parser in walk(build_parser()):
        for action in parser._actions:
            if isinstance(action, (argparse._HelpAction, argparse._SubParsersAction)):
                continue
            if not action.help or action.help == argparse.SUPPRESS:
                name = "/".join(action.option_strings) or action.dest
                missing.append(f"{' '.join(('casejourney', *path))} {name}")
    assert not missing, "options without help text:\n" + "\n".join(missing)


@pytest.mark.parametrize("path", commands(), ids=" ".join)
def test_help_prints_for_every_command(
    path: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stopped:
        main([*path, "--help"])
    assert stopped.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: casejourney {' '.join(path)}")


def test_the_bare_command_lists_the_commands(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    shown = capsys.readouterr()
    assert shown.out == "" and shown.err.startswith("usage: casejourney")
    assert all(f"    {path[0]} " in shown.err for path in commands() if len(path) == 1)
    assert "casejourney COMMAND --help" in shown.err
