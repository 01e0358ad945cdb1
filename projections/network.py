"""Linked families: a graph of families, children and the persons linked to them.

Two families are linked when the same `person_id` was linked to both
(`PersonLinked`), now or in the past: a parent or partner moving between
households is exactly the pattern the seed report worried about, so a later
`PersonUnlinked` keeps the edge (marked `current=False`). One *step* is family
to person to family. Neighbourhoods are read from the read model a step at a
time, so a question about one family never loads the whole authority.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from typing import Any

import networkx as nx

from store.database import Database

Row = dict[str, Any]
REPEAT_COLUMNS = ("referrals", "re_referrals", "cp_plans", "repeat_cp_plans", "plo_episodes")


def family_node(family_id: str) -> str:
    return f"family:{family_id}"


def person_node(person_id: str) -> str:
    return f"person:{person_id}"


def _in(column: str, values: Iterable[str]) -> tuple[str, list[str]]:
    items = sorted(set(values))
    return f"{column} IN ({', '.join('?' for _ in items)})", items


def _links(db: Database, column: str, values: set[str]) -> list[Row]:
    rows: list[Row] = []
    items = sorted(values)
    for start in range(0, len(items), 500):
        clause, params = _in(column, items[start : start + 500])
        rows += db.rows(f"SELECT * FROM rm_persons WHERE {clause}", params)
    return rows


def build_graph(
    persons: Iterable[Row], families: Iterable[Row] = (), children: Iterable[Row] = ()
) -> nx.Graph:
    """Nodes 'family:<id>', 'person:<id>', 'child:<family>/<id>'; edges carry the relationship."""
    graph = nx.Graph()
    for f in families:
        graph.add_node(family_node(f["family_id"]), kind="family", **f)
    for p in persons:
        fam, per = family_node(p["family_id"]), person_node(p["person_id"])
        graph.add_node(fam, kind="family", family_id=p["family_id"])
        graph.add_node(per, kind="person", person_id=p["person_id"])
        graph.add_edge(
            fam,
            per,
            relationship=p["relationship"],
            lives_with=bool(p["lives_with"]),
            current=p["unlinked_on"] is None,
            linked_on=p["linked_on"],
            unlinked_on=p["unlinked_on"],
        )
    for c in children:
        node = f"child:{c['family_id']}/{c['child_id']}"
        graph.add_node(node, kind="child", child_id=c["child_id"])
        graph.add_edge(family_node(c["family_id"]), node, relationship="child")
    return graph


def _grow(db: Database, family_id: str, steps: int | None) -> tuple[set[str], list[Row]]:
    """Families within `steps` (None: the whole component) and the person links among them."""
    seen = {family_id}
    frontier = {family_id}
    links: dict[tuple[str, str], Row] = {}
    step = 0
    while frontier and (steps is None or step < steps):
        persons = _links(db, "family_id", frontier)
        person_ids = {p["person_id"] for p in persons}
        shared = _links(db, "person_id", person_ids) if person_ids else []
        for p in [*persons, *shared]:
            links[(p["family_id"], p["person_id"])] = p
        frontier = {p["family_id"] for p in shared} - seen
        seen |= frontier
        step += 1
    # Keep only the links of families inside the neighbourhood.
    return seen, [p for p in links.values() if p["family_id"] in seen]


def _summaries(db: Database, families: set[str]) -> list[Row]:
    rows: list[Row] = []
    items = sorted(families)
    for start in range(0, len(items), 500):
        clause, params = _in("family_id", items[start : start + 500])
        rows += db.rows(f"SELECT * FROM rm_families WHERE {clause}", params)
    return rows


def _repeat_counts(families: list[Row]) -> Row:
    return {c: sum(int(f.get(c) or 0) for f in families) for c in REPEAT_COLUMNS}


def neighbourhood(db: Database, family_id: str, steps: int = 1) -> Row:
    """All families within `steps` of a family, the persons linking them, and the
    repeat-involvement counts summed across them."""
    families, links = _grow(db, family_id, steps)
    summaries = _summaries(db, families)
    graph = build_graph(links, summaries)
    start = family_node(family_id)
    # A family the read models do not hold has no neighbourhood (not a NodeNotFound).
    distances = nx.single_source_shortest_path_length(graph, start) if start in graph else {}
    return {
        "family_id": family_id,
        "steps": steps,
        "families": sorted(
            (
                {**f, "steps_away": distances.get(family_node(f["family_id"]), 0) // 2}
                for f in summaries
            ),
            key=lambda f: (f["steps_away"], f["family_id"]),
        ),
        "links": sorted(
            (
                {
                    k: p[k]
                    for k in ("family_id", "person_id", "relationship", "linked_on", "unlinked_on")
                }
                for p in links
                if graph.degree(person_node(p["person_id"])) > 1
            ),
            key=lambda p: (p["person_id"], p["family_id"]),
        ),
        "totals": _repeat_counts(summaries),
    }


def component(db: Database, family_id: str) -> Row:
    """The whole linked component of a family, with repeat counts across it."""
    families, links = _grow(db, family_id, None)
    summaries = _summaries(db, families)
    return {
        "family_id": family_id,
        "families": sorted(f["family_id"] for f in summaries),
        "persons": sorted({p["person_id"] for p in links}),
        "totals": _repeat_counts(summaries),
    }


def components(db: Database, min_families: int = 2) -> list[Row]:
    """Every component of two or more linked families, largest first."""
    persons = db.rows(
        "SELECT family_id, person_id, relationship, lives_with, linked_on, unlinked_on "
        "FROM rm_persons"
    )
    graph = build_graph(persons)
    out: list[Row] = []
    for nodes in nx.connected_components(graph):
        fams = sorted(n.split(":", 1)[1] for n in nodes if n.startswith("family:"))
        if len(fams) >= min_families:
            out.append(
                {
                    "families": fams,
                    "persons": sorted(n.split(":", 1)[1] for n in nodes if n.startswith("person:")),
                }
            )
    summaries = {f["family_id"]: f for f in _summaries(db, {f for c in out for f in c["families"]})}
    for c in out:
        c["totals"] = _repeat_counts([summaries[f] for f in c["families"] if f in summaries])
    out.sort(key=lambda c: (-len(c["families"]), c["families"]))
    return out


def who_links(db: Database, family_a: str, family_b: str) -> Row:
    """The persons linking two families: shared persons directly, else the shortest
    chain of families and persons between them (searched across the component)."""
    families, links = _grow(db, family_a, None)
    if family_b not in families:
        return {
            "family_a": family_a,
            "family_b": family_b,
            "linked": False,
            "path": [],
            "shared": [],
        }
    graph = build_graph(links)
    a, b = family_node(family_a), family_node(family_b)
    shared = sorted(
        n.split(":", 1)[1] for n in set(graph[a]) & set(graph[b]) if n.startswith("person:")
    )
    path = nx.shortest_path(graph, a, b)
    steps = []
    for left, right in itertools.pairwise(path):
        edge = graph.edges[left, right]
        steps.append(
            {
                "from": left,
                "to": right,
                "relationship": edge.get("relationship"),
                "current": edge.get("current"),
            }
        )
    return {
        "family_a": family_a,
        "family_b": family_b,
        "linked": True,
        "shared": shared,
        "steps": (len(path) - 1) // 2,
        "path": path,
        "edges": steps,
    }
