"""`casejourney network` and `casejourney links`: families joined through shared persons.

Both name an unknown family in one line instead of answering as if it were a family
with no links (or, before, ending in a networkx traceback).
"""

from __future__ import annotations

import argparse
from typing import Any

from casejourney.commands.arguments import JSON_HELP, positive
from casejourney.commands.known import require_family
from casejourney.commands.output import count, plural, print_json, print_table
from casejourney.container import Container
from projections import network
from projections.network import REPEAT_COLUMNS

# The headings for projections.network.REPEAT_COLUMNS, in its order.
REPEAT_HEADINGS = ("referrals", "re-referrals", "CP plans", "repeat CP plans", "PLO episodes")


def register(sub: Any) -> None:
    p = sub.add_parser("network", help="families linked to a family through shared persons")
    p.add_argument("family_id", metavar="FAMILY_ID", help="the family to start from")
    p.add_argument(
        "--steps",
        type=positive,
        default=1,
        help="how far to look: one step is family to shared person to family (default 1)",
    )
    p.add_argument("--json", action="store_true", help=JSON_HELP)
    p.set_defaults(handler=show_network, reads_only=True)

    p = sub.add_parser("links", help="who links two families")
    p.add_argument("family_a", metavar="FAMILY_A", help="one family")
    p.add_argument("family_b", metavar="FAMILY_B", help="the other family")
    p.add_argument("--json", action="store_true", help=JSON_HELP)
    p.set_defaults(handler=links, reads_only=True)


def relationship(code: str | None) -> str:
    """`step_parent` as `step-parent`: the contract's relationship codes are English words."""
    return (code or "unknown").replace("_", "-")


def show_network(args: argparse.Namespace, container: Container) -> int:
    projector = container.projector
    projector.run_once()
    require_family(projector.db, args.family_id)
    result = network.neighbourhood(projector.db, args.family_id, args.steps)
    if args.json:
        print_json(result)
        return 0
    others = len(result["families"]) - 1
    print(
        f"{args.family_id} is linked to {plural(others, 'other family', 'other families')} within "
        f"{plural(args.steps, 'step')} (one step: family, shared person, family)"
        if others
        else f"{args.family_id} is linked to no other family within {plural(args.steps, 'step')}"
    )
    print_table(
        ("family", "steps away", *REPEAT_HEADINGS),
        [
            [f["family_id"], f["steps_away"], *(count(f[c]) for c in REPEAT_COLUMNS)]
            for f in result["families"]
        ],
    )
    if result["links"]:
        print("\nShared persons")
        print_table(
            ("person", "relationship", "in family", "linked on", "unlinked on"),
            [
                [
                    link["person_id"],
                    relationship(link["relationship"]),
                    link["family_id"],
                    link["linked_on"],
                    link["unlinked_on"],
                ]
                for link in result["links"]
            ],
        )
    if others:
        totals = ", ".join(
            f"{heading} {count(result['totals'][c])}"
            for c, heading in zip(REPEAT_COLUMNS, REPEAT_HEADINGS, strict=True)
        )
        print(f"\nAcross these families: {totals}")
    return 0


def links(args: argparse.Namespace, container: Container) -> int:
    projector = container.projector
    projector.run_once()
    for family_id in (args.family_a, args.family_b):
        require_family(projector.db, family_id)
    result = network.who_links(projector.db, args.family_a, args.family_b)
    if args.json:
        print_json(result)
        return 0 if result["linked"] else 1
    if not result["linked"]:
        print(f"{args.family_a} and {args.family_b} are not linked through any shared person")
        return 1
    print(f"{args.family_a} and {args.family_b} are linked in {plural(result['steps'], 'step')}:")
    for person, ties in _persons_on_path(result["edges"]).items():
        print(f"  person {person}: {', '.join(ties)}")
    return 0


def _persons_on_path(edges: list[dict[str, Any]]) -> dict[str, list[str]]:
    """Each person on the path, in path order, with how they are linked to the
    families either side ("father in F2", "mother in F1 (no longer linked)")."""
    persons: dict[str, list[str]] = {}
    for edge in edges:
        ends = dict(node.split(":", 1) for node in (edge["from"], edge["to"]))
        tie = f"{relationship(edge['relationship'])} in {ends['family']}"
        persons.setdefault(ends["person"], []).append(
            tie if edge["current"] else f"{tie} (no longer linked)"
        )
    return persons
