"""Team scope and restricted families, applied in the read-model queries themselves.

A practice lead's scope (their teams) reaches every read: the lists, the figures, a
search, a family by id, the network and the drift lists. Real store, real projector.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from domain.rules.severity import Severities
from domain.rules.thresholds import DEFAULT_THRESHOLDS as TH
from projections import queries
from projections.access import PRACTICE_LEAD, AccessPolicy, Scope, Viewer
from projections.network import components
from projections.read_models import ReadModels
from store.database import Database
from tests.browser.demo_store import build_demo_store, team_families

TEAM = "Assessment Team 1"


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return build_demo_store(tmp_path_factory.mktemp("scope"), families=60, seed=11)


def _all(url: str) -> set[str]:
    with Database(url) as db:
        return {r["family_id"] for r in db.rows("SELECT family_id FROM rm_families")}


LEAD = Scope(teams=frozenset({TEAM}))


def test_a_practice_leads_scope_is_the_families_of_their_teams(url: str) -> None:
    mine, every = team_families(url, TEAM), _all(url)
    assert mine and every - mine, "the demo data must hold families in and out of the team"
    other = sorted(every - mine)[0]
    assert queries.family_access(url, other, LEAD) == "refused"
    assert queries.family_access(url, sorted(mine)[0], LEAD) == "allowed"
    assert queries.family_access(url, "NO-SUCH-FAMILY", LEAD) == "missing"
    assert queries.search(url, other, scope=LEAD) == []
    assert queries.search(url, other)  # unscoped, it is found
    alerts = queries.alerts(url, status=None, scope=LEAD)
    assert alerts and {a["family_id"] for a in alerts} <= mine
    plo = queries.plo_tracker(url, date.today(), th=TH, open_only=False, scope=LEAD)
    assert {r["family_id"] for r in plo} <= mine
    lists = queries.drift_lists(url, date.today(), th=TH, scope=LEAD)
    for listed in lists.values():
        assert {r["family_id"] for r in listed.rows} <= mine
    assert set(queries.teams(url, scope=LEAD)) >= {TEAM}


def test_figures_and_the_lists_behind_them_count_only_the_scope(url: str) -> None:
    mine = team_families(url, TEAM)
    start, end = date(2000, 1, 1), date.today()
    everyone = {r["key"]: r for r in queries.indicators(url, start, end, th=TH)}
    scoped = {r["key"]: r for r in queries.indicators(url, start, end, th=TH, scope=LEAD)}
    assert 0 < scoped["referrals"]["value"] < everyone["referrals"]["value"]
    members = queries.members(url, "referrals", start, end, th=TH, scope=LEAD)
    assert len(members) == scoped["referrals"]["value"]
    assert {m["family_id"] for m in members} <= mine
    days = [m["day"] for m in members]
    assert days == sorted(days, reverse=True)  # the list's own order survives the filter


def test_the_network_leaves_out_linked_families_outside_the_scope(url: str) -> None:
    linked = components(Database(url))[0]["families"]
    assert len(linked) >= 2
    first, hidden = linked[0], linked[1]
    scope = Scope(hidden=frozenset({hidden}))
    found = queries.network(url, first, steps=5, scope=scope)
    assert hidden not in {f["family_id"] for f in found["families"]}
    assert hidden not in {link["family_id"] for link in found["links"]}
    assert found["outside"] == 1
    whole = queries.network(url, first, steps=5)
    assert hidden in {f["family_id"] for f in whole["families"]}


def test_a_restricted_family_is_seen_only_by_those_named_on_it(url: str, tmp_path: Path) -> None:
    family = sorted(_all(url))[0]
    policy = AccessPolicy(restricted={family: frozenset({"named.user"})})
    named = policy.viewer({"preferred_username": "named.user", "groups": ["service_manager"]})
    other = policy.viewer({"preferred_username": "someone", "groups": ["service_manager"]})
    assert named is not None and other is not None
    models = ReadModels(url, TH, Severities())
    try:
        assert models.family(family, scope=named.scope) is not None
        assert models.family(family, scope=other.scope) is None
        assert models.family_access(family, scope=other.scope) == "refused"
        assert models.search(family, scope=other.scope) == []
        assert family not in {a["family_id"] for a in models.alerts(scope=other.scope)}
    finally:
        models.close()


def test_roles_come_from_the_claims_through_the_configured_map() -> None:
    policy = AccessPolicy(role_map={"cj-practice-lead": PRACTICE_LEAD})
    viewer = policy.viewer(
        {
            "preferred_username": "lee.lead",
            "groups": ["cj-practice-lead", "unrelated"],
            "teams": [TEAM],
            "qualified": True,
        }
    )
    assert viewer == Viewer("lee.lead", frozenset({PRACTICE_LEAD}), frozenset({TEAM}), True)
    assert viewer.scope == LEAD
    assert viewer.may_acknowledge and not viewer.may_read_access_log
    data_lead = policy.viewer({"preferred_username": "d", "groups": ["performance_lead"]})
    assert data_lead is not None
    assert data_lead.scope.teams is None and not data_lead.scope.family_pages
    nobody = policy.viewer({"preferred_username": "n", "groups": []})
    assert nobody is not None and nobody.scope.teams == frozenset()
    assert policy.viewer({"groups": ["auditor"]}) is None  # no user claim, no viewer
