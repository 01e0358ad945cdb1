"""Refuse an unknown family or team in one line, before a command answers with zeros.

A misspelt `--team` used to print a page of zero figures, which reads as a team
with no work rather than a typing mistake; the read models know every team and
family there is, so the command can say so and point at `casejourney teams`.
"""

from __future__ import annotations

import difflib

from projections import queries
from projections.findings_query import family_known
from store.database import Database


def require_team(db: Database, team: str | None) -> None:
    if team is None:
        return
    known = queries.teams(db)
    if team in known:
        return
    meant = _closest(team, known)
    hint = f"did you mean {meant!r}? " if meant else ""
    raise ValueError(
        f"team {team!r} is not known in the read models: {hint}"
        "`casejourney teams` lists the known teams"
    )


def _closest(name: str, known: list[str]) -> str | None:
    """The known name a typing slip most likely meant (case aside), if any is close."""
    by_lower = {k.casefold(): k for k in known}
    close = difflib.get_close_matches(name.casefold(), list(by_lower), n=1, cutoff=0.6)
    return by_lower[close[0]] if close else None


def require_family(db: Database, family_id: str) -> None:
    if not family_known(db, family_id):
        raise ValueError(
            f"no family {family_id!r} in the read models: check the id, and that "
            "CASEJOURNEY_DATABASE_URL points at the store you mean"
        )
