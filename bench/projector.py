"""The projector alone, on live batches: what `consume` spends after storing.

    python -m bench.projector [--families 3250] [--tree DIR ...] [--calls]

Fills a throwaway PostgreSQL store with the council scale's data (file ingest,
projections off), then runs the projector over the whole log in live batches of
2,000 notifications (as `consume` calls it; never a rebuild), once per source
tree given (default: this one; another checkout measures a commit before a change
back to back, on the same data and under the same load). Each pass reports its
wall time, its own CPU seconds and the database server's (the postmaster's reaped
backends), and the load average: on a shared machine the CPU seconds are the
figures to compare, the wall time is not. `--calls` counts instead (no database):
the function calls of fold and derive over the same records, 6 per family per
batch, which no load changes.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.procs import ROOT
from bench.scales import SCALES
from bench.services import Postgres
from bench.synth import write_jsonl

# Run in the child with the tree under test first on its path.
PASS = """
import json, os, sys, time
sys.path.insert(0, sys.argv[1])
from domain.rules.thresholds import Thresholds
from projections.runner import Projector
from store.family_store import FamilyStore
store = FamilyStore(sys.argv[2])
projector = Projector(store, thresholds=Thresholds(), rebuild_backlog=10**12, batch_size=2000)
wall, cpu = time.perf_counter(), time.process_time()
done = projector.run_once()
wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
print(json.dumps({"notifications": done, "wall_s": round(wall, 2), "cpu_s": round(cpu, 2)}))
projector.close()
store.close()
"""

# Fold and derive as the projector does, family by family, counting calls.
CALLS = """
import cProfile, inspect, json, pstats, sys
from datetime import date
sys.path.insert(0, sys.argv[1])
from domain.contract import parse_event
from domain.family import Family
from domain.rules import family_rows
from domain.rules.facts import extend_facts, facts_for
from domain.rules.thresholds import Thresholds
reuse = "previous" in inspect.signature(family_rows.derive).parameters
by_family = {}
for line in open(sys.argv[2]):
    event = json.loads(line)
    by_family.setdefault(event["family_id"], []).append(parse_event(event))
profile, records_seen = cProfile.Profile(), 0
for family_id in sorted(by_family)[: int(sys.argv[3])]:
    family = Family(family_id)
    family.record_many(by_family[family_id])
    records, facts, rows = list(family.records), None, None
    for start in range(0, len(records), 6):
        profile.enable()
        grown = extend_facts(facts, records[start : start + 6]) if facts else None
        if grown is None:
            grown, rows = facts_for(family_id, records[: start + 6]), None
        facts = grown
        extra = {"previous": rows} if reuse else {}
        rows = family_rows.derive(
            family_id, facts.records, date(2025, 6, 2), Thresholds(), facts=facts, **extra
        )
        profile.disable()
        records_seen += len(records[start : start + 6])
print(json.dumps({"records": records_seen, "calls": pstats.Stats(profile).total_calls}))
"""


def server_cpu(postmaster: int) -> float:
    """CPU seconds of the server's exited children (backends) and its own."""
    fields = Path(f"/proc/{postmaster}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.projector")
    p.add_argument("--families", type=int, default=3_250)
    p.add_argument("--tree", type=Path, action="append", help="source tree to measure")
    p.add_argument("--calls", type=int, metavar="FAMILIES", help="count calls of this many")
    args = p.parse_args(argv)
    if args.calls:
        return count_calls(args.calls, args.tree or [ROOT])
    from consumers.files.ingest import ingest_file
    from domain.rules.thresholds import Thresholds
    from projections.runner import Projector
    from store.family_store import FamilyStore

    scale = SCALES["council"]
    with tempfile.TemporaryDirectory(prefix="cj-projector-") as tmp, Postgres() as pg:
        data = Path(tmp) / "events.jsonl"
        write_jsonl(data, args.families, scale.years, scale.seed)
        postmaster = int(next(pg.cluster.dir.rglob("postmaster.pid")).read_text().split()[0])
        for n, tree in enumerate(args.tree or [ROOT]):
            url = pg.database(f"projector{n}")
            with FamilyStore(url) as store:
                projector = Projector(store, thresholds=Thresholds())
                projector.run_once()  # the live tables exist: what follows is batches
                projector.close()
                ingest_file(store, data)
            load, before = os.getloadavg()[0], server_cpu(postmaster)
            done = subprocess.run(
                [sys.executable, "-c", PASS, str(tree.resolve()), url],
                capture_output=True,
                text=True,
                check=True,
            )
            figures = json.loads(done.stdout.strip().splitlines()[-1])
            figures.update(
                tree=str(tree),
                server_cpu_s=round(server_cpu(postmaster) - before, 2),
                load_before=round(load, 1),
                load_after=round(os.getloadavg()[0], 1),
            )
            print(json.dumps(figures), flush=True)
    return 0


def count_calls(families: int, trees: list[Path]) -> int:
    scale = SCALES["council"]
    with tempfile.TemporaryDirectory(prefix="cj-projector-") as tmp:
        data = Path(tmp) / "events.jsonl"
        write_jsonl(data, max(families, 3_250), scale.years, scale.seed)
        for tree in trees:
            argv = [sys.executable, "-c", CALLS, str(tree.resolve()), str(data), str(families)]
            done = subprocess.run(argv, capture_output=True, text=True, check=True)
            print(json.dumps({"tree": str(tree), **json.loads(done.stdout)}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
