"""The `casejourney` command: a thin shell over the composition root.

Each feature registers its own subcommands from a module in
`casejourney.commands`, so the CLI never grows into one long file.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from casejourney.container import Container
from casejourney.settings import Settings
from store.database_url import dialect_of, sqlite_path

COMMAND_MODULES: tuple[str, ...] = (
    "casejourney.commands.core",
    "casejourney.commands.streaming",
    "casejourney.commands.audit",
    "casejourney.commands.imports",
    "casejourney.commands.projections",
    "casejourney.commands.indicators",
    "casejourney.commands.network",
    "casejourney.commands.findings",
    "casejourney.commands.dashboard",
    "casejourney.commands.access_log",
    "casejourney.commands.retention",
    "casejourney.commands.keys",
)


class _CommandListFormatter(argparse.HelpFormatter):
    """argparse measures the command names one indent short of where it prints them, so
    the longest name (subject-access) broke onto a line of its own above its help."""

    def add_argument(self, action: argparse.Action) -> None:
        super().add_argument(action)
        if isinstance(action, argparse._SubParsersAction):
            self._action_max_length += 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="casejourney",
        description="Event-sourced case journeys for children's social care.",
        epilog="Each command explains its options: casejourney COMMAND --help. Commands read "
        "and write the store CASEJOURNEY_DATABASE_URL names (see the README's Configuration); "
        "listing commands print headed tables, or JSON with --json.",
        formatter_class=_CommandListFormatter,
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    given = sys.argv[1:] if argv is None else list(argv)
    if not given:  # a newcomer typing the bare name gets the list of commands
        parser.print_help(sys.stderr)
        return 2
    args = parser.parse_args(given)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        settings = Settings.from_env()
        if getattr(args, "reads_only", False):
            # A command that only reads says so on an embedded store that does not
            # exist, instead of creating an empty one that then reads as "nothing".
            _require_store(settings.database_url)
        with Container(settings) as container:
            return int(args.handler(args, container) or 0)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # Output piped into `head` and the like: the reader left, nothing is wrong.
        sys.stderr.close()
        return 0
    except (ValueError, OSError) as error:
        # Configuration and input errors, and files that cannot be read or written
        # (missing, a directory, no permission): one line, no traceback.
        print(f"casejourney: {error}", file=sys.stderr)
        return 2


def _require_store(database_url: str) -> None:
    if dialect_of(database_url) != "sqlite":
        return
    path = sqlite_path(database_url)
    if path != ":memory:" and not Path(path).exists():
        shown = "/" + path.lstrip("/") if path.startswith("/") else path
        raise FileNotFoundError(
            f"no event store at {shown}: record events first (casejourney ingest, consume "
            "or import), or point CASEJOURNEY_DATABASE_URL at the store you mean "
            "(make demo prints the line for its own)"
        )


if __name__ == "__main__":
    sys.exit(main())
