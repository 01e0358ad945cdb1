"""The house's layout holds: each room imports only the rooms below it, and nothing goes round.

The layer contract lives in pyproject.toml ([tool.importlinter]) and `lint-imports` checks it
(scripts/test.sh, `make lint`); here the same contracts run inside pytest, each with proof
that it bites. The contracts cannot see cycles inside a room, so this file also looks for
import cycles between modules, and between sibling packages, anywhere in the house.
TYPE_CHECKING-only and function-local imports count: a cycle postponed is still a cycle.
"""

from __future__ import annotations

import copy
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import grimp
import networkx as nx
import pytest
from importlinter.api import read_configuration
from importlinter.contracts.forbidden import ForbiddenContract

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = ROOT / "pyproject.toml"
CONFIG = read_configuration(str(PYPROJECT))
ROOMS: list[str] = CONFIG["session_options"]["root_packages"]
CONTRACTS: dict[str, dict[str, Any]] = {c["id"]: c for c in CONFIG["contracts_options"]}
TOP = "(the house)"


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph(*ROOMS, cache_dir=None, exclude_type_checking_imports=False)


@pytest.fixture(scope="module")
def planned(graph: grimp.ImportGraph) -> grimp.ImportGraph:
    """The house without the contracts' known violations (their ignore_imports): the
    cycles those make between rooms are already on that list."""
    without = copy.deepcopy(graph)
    for contract in CONTRACTS.values():
        for ignored in contract.get("ignore_imports", []):
            importer, imported = (name.strip() for name in ignored.split("->"))
            without.remove_import(importer=importer, imported=imported)
    return without


def forbidden(contract_id: str) -> ForbiddenContract:
    options = CONTRACTS[contract_id]
    return ForbiddenContract(
        name=options["name"],
        session_options=CONFIG["session_options"],
        contract_options=options,
    )


def broken_imports(contract: ForbiddenContract, graph: grimp.ImportGraph) -> list[str]:
    """The imports that break the contract, as `importer -> imported`; none if it holds."""
    check = contract.check(copy.deepcopy(graph), verbose=False)
    if check.kept:
        return []
    return [
        f"{link['importer']} -> {link['imported']}"
        for chains in check.metadata["invalid_chains"]
        for chain in chains["chains"]
        for link in chain
    ] or ["(broken: run lint-imports for the detail)"]


def test_every_room_is_a_root_package_and_under_contract() -> None:
    packaged = tomllib.loads(PYPROJECT.read_text())["tool"]["setuptools"]["packages"]["find"]
    assert sorted(ROOMS) == sorted(name.rstrip("*") for name in packaged["include"])
    for room in ROOMS:
        if room == "casejourney":
            continue
        contract = CONTRACTS[room]
        assert contract["source_modules"] == [room]
        # Nothing imports the composition root.
        assert "casejourney" in contract["forbidden_modules"]


@pytest.mark.parametrize("contract_id", sorted(CONTRACTS))
def test_layer_contract_holds(graph: grimp.ImportGraph, contract_id: str) -> None:
    broken = broken_imports(forbidden(contract_id), graph)
    assert not broken, f"{CONTRACTS[contract_id]['name']}, but:\n" + "\n".join(broken)


@pytest.mark.parametrize("contract_id", sorted(CONTRACTS))
def test_layer_contract_bites(graph: grimp.ImportGraph, contract_id: str) -> None:
    """A new import of any forbidden room, from a module not in the known list, breaks it."""
    contract = forbidden(contract_id)
    (room,) = CONTRACTS[contract_id]["source_modules"]
    for target in CONTRACTS[contract_id]["forbidden_modules"]:
        worse = copy.deepcopy(graph)
        worse.add_import(importer=room, imported=target, line_number=1, line_contents="import")
        assert f"{room} -> {target}" in broken_imports(contract, worse)


def import_graph(graph: grimp.ImportGraph, nodes: set[str]) -> nx.DiGraph:
    """Among these modules or packages: who imports whom (a package counts with its insides)."""
    found = nx.DiGraph()
    found.add_nodes_from(nodes)
    for importer in nodes:
        for imported in nodes - {importer}:
            if graph.direct_import_exists(importer=importer, imported=imported, as_packages=True):
                found.add_edge(importer, imported)
    return found


def packages(graph: grimp.ImportGraph) -> Iterator[tuple[str, set[str]]]:
    """Every package with its children, and the house itself with its rooms."""
    yield TOP, set(ROOMS)
    for module in sorted(graph.modules):
        children = graph.find_children(module)
        if len(children) > 1:
            yield module, children


def cycles(graph: grimp.ImportGraph) -> dict[frozenset[str], str]:
    """Every import cycle, named by one path round it: between modules (a package's
    __init__ included), and between the children of each package."""
    modules = nx.DiGraph()
    modules.add_nodes_from(graph.modules)
    for module in graph.modules:
        for imported in graph.find_modules_directly_imported_by(module):
            modules.add_edge(module, imported)
    found = {}
    levels = [("modules", modules), *((p, import_graph(graph, c)) for p, c in packages(graph))]
    for where, nodes in levels:
        for component in nx.strongly_connected_components(nodes):
            if len(component) > 1:
                loop = nx.find_cycle(nodes.subgraph(component), source=min(component))
                path = " -> ".join([a for a, _ in loop] + [loop[0][0]])
                found.setdefault(frozenset(component), f"in {where}: {path}")
    return found


def test_no_import_cycles(planned: grimp.ImportGraph) -> None:
    new = list(cycles(planned).values())
    assert not new, "import cycles (move what both sides need a layer down):\n" + "\n".join(new)


def test_the_cycle_check_names_a_new_cycle(planned: grimp.ImportGraph) -> None:
    worse = copy.deepcopy(planned)
    worse.add_import(importer="domain.calendar", imported="domain.state")
    worse.add_import(importer="domain.state", imported="domain.calendar")
    # consumers already imports store: this makes a cycle of rooms, but of no two modules.
    worse.add_import(importer="store.codec", imported="consumers.kafka.topics")
    named = [path for nodes, path in cycles(worse).items()]
    assert any(
        path.startswith("in modules") and "domain.calendar" in path and "domain.state" in path
        for path in named
    )
    assert any(path.startswith(f"in {TOP}") and "consumers" in path for path in named)
