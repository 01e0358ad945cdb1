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

from casejourney.container import Container

COMMAND_MODULES: tuple[str, ...] = (
    "casejourney.commands.core",
    "casejourney.commands.streaming",
    "casejourney.commands.audit",
    "casejourney.commands.imports",
    "casejourney.commands.projections",
    "casejourney.commands.dashboard",
    "casejourney.commands.access_log",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="casejourney",
        description="Event-sourced case journeys for children's social care.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        with Container() as container:
            return int(args.handler(args, container) or 0)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # Output piped into `head` and the like: the reader left, nothing is wrong.
        sys.stderr.close()
        return 0
    except (ValueError, FileNotFoundError) as error:
        # Configuration and input errors: one line, no traceback.
        print(f"casejourney: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
