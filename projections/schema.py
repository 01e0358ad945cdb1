"""The read-model tables, their generations, and the views the dashboard reads.

Every read model is a family-scoped table, built per *generation*: live rows
sit in `rm_<name>_g<N>` and a view `rm_<name>` points at the live generation. A
rebuild fills generation N+1 while N stays readable, then one transaction moves
the views and the tracking row. Dates are ISO text and flags are 0/1 integers on
both databases, so the same SQL reads either.

Tables outside the generations (`cj_*`) outlive rebuilds: the tracking row, the
family id map, and the alert outbox that remembers what Kafka has already been
sent.
"""

from __future__ import annotations

from dataclasses import dataclass

from store.database import Database
from store.tracking import create_tracking_table

# 2: findings; 3: birth year, not date; 4: plain chronology; 5: alerts raised again, closed
SCHEMA_VERSION = 5
PROJECTION = "casejourney"
TEXT, INT, BIG = "TEXT", "INTEGER", "BIGINT"


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[tuple[str, str], ...]
    key: tuple[str, ...]
    indexes: tuple[tuple[str, ...], ...] = ()

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c for c, _ in self.columns)


def _t(name: str, spec: str, key: str, *indexes: str) -> Table:
    columns = []
    for item in spec.split():
        column, _, kind = item.partition(":")
        columns.append((column, {"t": TEXT, "i": INT, "b": BIG}[kind or "t"]))
    return Table(
        name, tuple(columns), tuple(key.split(",")), tuple(tuple(i.split(",")) for i in indexes)
    )


TABLES: dict[str, Table] = {
    t.name: t
    for t in [
        _t(
            "families",
            "family_id children:i referrals:i re_referrals:i cp_plans:i repeat_cp_plans:i "
            "plo_episodes:i open_plo:i persons:i events:i first_on last_on last_recorded_at team",
            "family_id",
            "team",
        ),
        _t(
            "children",
            "family_id child_id birth_year sex referrals:i last_referral_on cp_plans:i "
            "open_plan_id worker_id team role qualified:i allocated_since",
            "family_id,child_id",
            "child_id",
            "team",
        ),
        _t(
            "referrals",
            "family_id child_id referral_id event_id received_on source primary_need outcome "
            "decided_on closed_on closure_reason sequence:i previous_on count_12m:i "
            "re_referral:i team",
            "family_id,referral_id",
            "received_on",
            "child_id",
        ),
        _t(
            "cp_plans",
            "family_id child_id plan_id event_id category started_on ended_on step_down "
            "duration_days:i lasted_long:i reviews:i plan_number:i repeat:i previous_plan_id "
            "previous_ended_on team",
            "family_id,plan_id",
            "started_on",
            "ended_on",
        ),
        _t(
            "plo",
            "family_id plo_id event_id child_ids children:i started_on target_on letter_on "
            "meetings:i meeting_dates initial_meeting_on last_meeting_on next_review_due "
            "ended_on outcome proceedings_id episode_number:i repeat:i earlier_plo_id "
            "earlier_proceedings_id team",
            "family_id,plo_id",
            "started_on",
        ),
        _t(
            "proceedings",
            "family_id proceedings_id plo_id child_ids issued_on due_on concluded_on "
            "court_order team",
            "family_id,proceedings_id",
        ),
        _t(
            "placements",
            "family_id child_id placement_id carer_id event_id started_on extended_on "
            "approved_on ended_on first_expires_on expires_on warn_on team",
            "family_id,placement_id",
            "expires_on",
        ),
        _t(
            "actions",
            "family_id action_id supervision_id event_id child_ids set_on due_on completed_on team",
            "family_id,action_id",
            "due_on",
        ),
        _t(
            "supervisions",
            "family_id supervision_id event_id supervisor_id child_ids held_on positive:i "
            "negative:i team",
            "family_id,supervision_id",
            "held_on",
        ),
        _t(
            "decisions",
            "family_id event_id event_type child_id occurred_on recorded_at worker_id role "
            "qualified:i team",
            "family_id,event_id",
            "occurred_on",
        ),
        _t(
            "timeliness",
            "family_id child_id kind subject_id event_id start_on due_on done_on "
            "working_days:i on_time:i team",
            "family_id,kind,subject_id",
            "kind,done_on",
            "kind,due_on",
        ),
        _t(
            "persons",
            "family_id person_id relationship lives_with:i linked_on unlinked_on",
            "family_id,person_id",
            "person_id",
        ),
        _t(
            "chronology",
            "family_id version:i event_id event_type child_id occurred_at happened_at business_on "
            "recorded_at worker_id role qualified:i what status target_event_id",
            "family_id,version",
        ),
        _t(
            "acknowledgements",
            "family_id alert_id acknowledged_on acknowledged_by",
            "family_id,alert_id",
            "alert_id",
        ),
        _t(
            "findings",
            "family_id finding_id rule severity reference event_id event_type child_id related "
            "reason waiting_since team",
            "family_id,finding_id",
            "rule",
            "severity",
        ),
        _t(
            "alert_rows",
            "alert_id kind family_id child_id trigger_event_id occurred_at raised_on closed_on "
            "detail message team status",
            "alert_id",
            "family_id",
            "kind,occurred_at",
            "occurred_at",
        ),
    ]
}

# Family-derived tables, replaced whole for each family the projection touches.
FAMILY_TABLES: tuple[str, ...] = tuple(n for n in TABLES if n != "alert_rows")
ALERT_COLUMNS = TABLES["alert_rows"].column_names


def physical(name: str, generation: int) -> str:
    return f"rm_{name}_g{generation}"


def create_generation(db: Database, generation: int, *, indexes: bool = True) -> None:
    for table in TABLES.values():
        columns = ", ".join(f"{c} {kind}" for c, kind in table.columns)
        db.execute(f"CREATE TABLE {physical(table.name, generation)} ({columns})")
    if indexes:
        create_indexes(db, generation)


def create_indexes(db: Database, generation: int) -> None:
    """Unique keys and lookups; created after bulk loading during a rebuild."""
    for table in TABLES.values():
        name = physical(table.name, generation)
        db.execute(f"CREATE UNIQUE INDEX {name}_pk ON {name} ({', '.join(table.key)})")
        for n, columns in enumerate(table.indexes, start=1):
            db.execute(f"CREATE INDEX {name}_i{n} ON {name} ({', '.join(columns)})")


def analyse_generation(db: Database, generation: int) -> None:
    """Planner statistics for a freshly loaded generation, before readers see it.

    Tables bulk-loaded by a rebuild have none until autovacuum comes round (a minute
    or more later, and then in the middle of the first users' page views): the
    dashboard's first queries after a swap would be planned blind. ANALYZE samples
    rows rather than reading them all; its cost at national scale is not yet
    measured apart (the rebuild's `statistics` phase).
    """
    for table in TABLES.values():
        db.execute(f"ANALYZE {physical(table.name, generation)}")


def drop_generation(db: Database, generation: int) -> None:
    for table in TABLES.values():
        db.execute(f"DROP TABLE IF EXISTS {physical(table.name, generation)}")


def point_views(db: Database, generation: int) -> None:
    """Move every `rm_<name>` view to the given generation (inside the caller's transaction)."""
    for table in TABLES.values():
        if table.name in ("alert_rows", "acknowledgements"):
            continue
        db.execute(f"DROP VIEW IF EXISTS rm_{table.name}")
        source = physical(table.name, generation)
        db.execute(f"CREATE VIEW rm_{table.name} AS SELECT * FROM {source}")
    db.execute("DROP VIEW IF EXISTS rm_acknowledgements")
    db.execute(
        "CREATE VIEW rm_acknowledgements AS SELECT * FROM "
        f"{physical('acknowledgements', generation)}"
    )
    # An acknowledgement covers an alert as raised by its day: raised again later (a 4th
    # referral), the alert is open again and shows who acknowledged it before.
    db.execute("DROP VIEW IF EXISTS rm_alerts")
    db.execute(
        "CREATE VIEW rm_alerts AS SELECT a.*, "
        "CASE WHEN k.acknowledged_on >= a.raised_on THEN k.acknowledged_on END AS acknowledged_on, "
        "CASE WHEN k.acknowledged_on >= a.raised_on THEN k.acknowledged_by END AS acknowledged_by, "
        "CASE WHEN k.acknowledged_on < a.raised_on THEN k.acknowledged_on END "
        "AS acknowledged_before "
        f"FROM {physical('alert_rows', generation)} a "
        f"LEFT JOIN {physical('acknowledgements', generation)} k ON k.alert_id = a.alert_id"
    )


def create_control_tables(db: Database) -> None:
    """The tables that outlive generations; safe to call from racing processes."""
    create_tracking_table(db)
    db.execute(
        "CREATE TABLE IF NOT EXISTS cj_family_ids (originator_id TEXT PRIMARY KEY, family_id TEXT)"
    )
    db.execute(
        "CREATE TABLE IF NOT EXISTS cj_alert_outbox ("
        "alert_id TEXT PRIMARY KEY, family_id TEXT NOT NULL, message TEXT NOT NULL, "
        "created_position BIGINT NOT NULL, attempted_at TEXT, published_at TEXT, "
        "kafka_partition INTEGER, kafka_offset BIGINT)"
    )
    db.execute(
        "CREATE INDEX IF NOT EXISTS cj_alert_outbox_pending "
        "ON cj_alert_outbox (published_at, created_position)"
    )
    db.execute(
        "CREATE TABLE IF NOT EXISTS cj_publisher_lease "
        "(name TEXT PRIMARY KEY, token TEXT NOT NULL, until TEXT NOT NULL)"
    )


def leftover_generations(db: Database, live: int | None) -> set[int]:
    """Generations whose tables exist but are not live: an interrupted rebuild's."""
    found = set()
    for name in db.table_names():
        if name.startswith("rm_families_g"):
            number = int(name.removeprefix("rm_families_g"))
            if number != live:
                found.add(number)
    return found
