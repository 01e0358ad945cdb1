"""Option types and help shared by the commands, so each says the same thing once."""

from __future__ import annotations

import argparse
from datetime import date

JSON_HELP = "print JSON for machines instead of the headed table"
TEAM_HELP = "only this team (exactly as `casejourney teams` lists it)"
AS_AT_HELP = "as they stood at this moment (ISO date or date-time, UK time): an audit replay"


def day(text: str) -> date:
    """An ISO date option (YYYY-MM-DD); anything else is refused by argparse in one line."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO date (YYYY-MM-DD): {text!r}") from None


def positive(text: str) -> int:
    """A whole number of at least 1 (steps, counts)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more: {value}")
    return value
