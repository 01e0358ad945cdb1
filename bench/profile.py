"""Profile one benchmarked command with pyinstrument, on the same kind of data.

    python -m bench.profile consume|consume-projected --families 2000 [--kafka HOST:PORT]
    python -m bench.profile ingest|rebuild|publish --families 2000

Sets up what the command needs (a throwaway PostgreSQL, the data published to
private topics, a filled store for rebuild), then runs the real command under
`pyinstrument` and writes its text profile (and an HTML one) to bench/results/profiles/.
How the profile was read and what changed is in the run's report, not here.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from bench import kafka_ingest
from bench.context import Run
from bench.procs import ROOT, run
from bench.scales import SCALES
from bench.services import DEFAULT_KAFKA_DIR, Kafka, Postgres
from bench.synth import write_jsonl

COMMANDS = ("consume", "consume-projected", "ingest", "rebuild", "publish")


def profiled(name: str, out: Path, *args: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "pyinstrument",
        "--interval",
        "0.002",
        "-r",
        "text",
        "--show-all",
        "-o",
        str(out / f"{name}.txt"),
        "-m",
        "casejourney.cli",
        *args,
    ]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.profile")
    p.add_argument("command", choices=COMMANDS)
    p.add_argument("--families", type=int, default=2_000)
    p.add_argument("--years", type=int, default=10)
    p.add_argument("--kafka", metavar="HOST:PORT")
    p.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "profiles")
    args = p.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    scale = SCALES["council"]
    with tempfile.TemporaryDirectory(prefix="cj-profile-") as tmp:
        work = Path(tmp)
        with Postgres() as pg, Kafka(args.kafka, DEFAULT_KAFKA_DIR) as kafka:
            assert kafka.address is not None
            r = Run(scale, work, pg, kafka.address, f"prof{int(time.time())}.")
            r.stats = write_jsonl(r.data, args.families, args.years, scale.seed)
            url = pg.database("profiled")
            name = f"{args.command}-{args.families}"
            if args.command == "publish":
                kafka_ingest.create_topics(r)
                argv_ = profiled(name, args.out, "publish", str(r.data))
            elif args.command.startswith("consume"):
                kafka_ingest.publish(r)
                extra = ["--no-project"] if args.command == "consume" else []
                argv_ = profiled(name, args.out, "consume", *extra, "--idle-exit", "3")
            elif args.command == "ingest":
                argv_ = profiled(name, args.out, "ingest", str(r.data))
            else:
                done = run(
                    [sys.executable, "-m", "casejourney.cli", "ingest", str(r.data)],
                    r.env(url),
                    r.log("fill"),
                )
                assert done.returncode == 0, done.stderr
                argv_ = profiled(name, args.out, "rebuild")
            done = run(argv_, r.env(url, group="profiled"), r.log("profiled"))
            print(done.stdout[-2000:])
            print(f"profile: {args.out / (name + '.txt')} ({done.seconds:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
