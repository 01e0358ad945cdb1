"""The scales the suite runs at, calibrated on referrals per year.

The synthetic generator gives about 0.28 referrals per family-year over a ten-year
window (families come and go) and about 1.8 per family in a one-year window (every
family generated is active in it), so the family counts below are set from those
rates: ~3,500 referrals a year for a mid-sized authority, ~633,000 for England
(DfE, year to March 2025: 632,830).
"""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Scale:
    name: str
    families: int
    years: int
    seed: int
    # Alert latency: probes (third referrals) and the background load around them.
    probes: int = 100
    background_rate: float = 1_000.0  # events per second
    # Families for the background stream (numbered after the scale's own families).
    background_families: int = 4_000
    # Run the "consume with projections" pass over the whole data set too.
    projected_pass: bool = True
    # `consume` processes in one group for the main pass (the store later figures read).
    consumers: int = 1
    # Also consume with this many processes in one group (1: no such pass).
    parallel_consumers: int = 2
    # Measure the embedded SQLite store too ("where it applies": a council's own
    # deployment; a national one would run PostgreSQL).
    sqlite: bool = True
    # `ingest` of the file into PostgreSQL as well as the Kafka pass into it.
    file_ingest_postgres: bool = True
    # Verify and as-at for every family ("whole store") when the store is this small.
    whole_store_as_at_limit: int = 1_000_000
    fraction: float = 1.0  # share of the nominal scale actually run

    def part(self, fraction: float) -> Scale:
        """The same scale cut to a share of its families (a national fraction)."""
        return replace(
            self,
            families=max(1, round(self.families * fraction)),
            fraction=self.fraction * fraction,
        )


SCALES: dict[str, Scale] = {
    # Ten years of a mid-sized authority: 13,000 families give ~3,490 referrals a year
    # (12,400 gave 33,285 referrals, 2.68 a family).
    "council": Scale("council", families=13_000, years=10, seed=7),
    # One year of England: 353,500 families give ~633,000 referrals (~5.8 M events;
    # the generator writes ~9 events per referral in a one-year window).
    "national": Scale(
        "national",
        families=353_500,
        years=1,
        seed=11,
        background_families=20_000,
        projected_pass=False,
        # The hour the issue allows has room for one pass of ~5.8 M events into
        # PostgreSQL, not three: the second consume, SQLite and file ingest run at
        # council scale. One process alone slows to ~1,800 events/s as the store
        # passes 3 M events (~75 min in all); a national deployment scales consume
        # out by processes, and so does this pass.
        consumers=2,
        parallel_consumers=1,
        sqlite=False,
        file_ingest_postgres=False,
        whole_store_as_at_limit=50_000,
    ),
    # The smoke test's scale: proves the harness end to end in well under a minute.
    "tiny": Scale(
        "tiny",
        families=40,
        years=2,
        seed=3,
        probes=5,
        background_rate=100.0,
        background_families=40,
    ),
}
