"""Versioned schema: `create_all` creates missing tables; numbered steps alter existing ones.

Additive changes need no step: a column declared on a table but missing in an existing database
is added at start (it must be nullable or carry a `server_default`). Add a numbered step for
anything else (renames, type changes, data moves); never edit a step that shipped.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone

from sqlalchemy import Column, Connection, Integer, Table, delete, inspect, select
from sqlalchemy.schema import CreateColumn

from . import audit, bookings, breakers, deliveries, events, identity, keys, quarantine, quotas  # noqa: F401 - registers their tables on the metadata
from .database import Database, UtcDateTime, metadata

schema_version = Table(
    "schema_version",
    metadata,
    Column("version", Integer, primary_key=True),
    Column("applied_at", UtcDateTime(), nullable=False),
)

Step = Callable[[Connection, Database], None]

# (version, what it does, step). Version 1 is the schema as `metadata` declares it today.
def _identity_golden_of_index(connection: Connection, database: Database) -> None:
    if database.is_postgres:  # an index-only scan for the resolve key lookup; SQLite has no INCLUDE
        connection.exec_driver_sql("CREATE INDEX IF NOT EXISTS ix_identity_records_golden_of "
                                   "ON identity_source_records (record_id) INCLUDE (golden_id)")


def _drop_identity_golden_of_index(connection: Connection, database: Database) -> None:
    # Resolving no longer looks up the golden customer of every key hit, only of the few records it
    # scores (with their features, from the table): the index would only slow down every insert.
    if database.is_postgres:
        connection.exec_driver_sql("DROP INDEX IF EXISTS ix_identity_records_golden_of")


def _drop_blocking_keys_foreign_key(connection: Connection, database: Database) -> None:
    # See `store/identity.py: blocking_keys`. SQLite cannot drop a constraint without rebuilding the
    # table; its existing files keep the check until step 6 makes the table anew.
    if database.is_postgres:
        connection.exec_driver_sql("ALTER TABLE identity_blocking_keys "
                                   "DROP CONSTRAINT IF EXISTS identity_blocking_keys_record_id_fkey")


def _drop_birth_date_keys(connection: Connection, database: Database) -> None:
    # Resolve no longer looks up a birth date alone (`identity/blocking.py: GRAPH_RULES`); such keys
    # would only fill the index. Keys are derived data: nothing a user gave is lost. On a large graph
    # a `VACUUM identity_blocking_keys` afterwards gives the space back at once (autovacuum waits
    # until a fifth of the table is dead).
    connection.execute(delete(identity.blocking_keys).where(identity.blocking_keys.c.key.startswith("b:")))


def _rebuild_blocking_keys_with_places(connection: Connection, database: Database) -> None:
    # Resolve reads a key's records nearest an incoming record's place (`identity/blocking.py:
    # graph_keys`), which the old table (key, record id) had no column for. Keys are derived data:
    # the table is made anew and filled from every record's stored features. The identity package
    # computes them, so it is imported here, when the step runs, not when the store loads.
    from ..identity.graph import rebuild_blocking_keys

    identity.blocking_keys.drop(connection, checkfirst=True)
    identity.blocking_keys.create(connection)
    rebuild_blocking_keys(connection)


STEPS: list[tuple[int, str, Step]] = [
    (1, "initial schema", lambda connection, database: None),
    (2, "identity: golden id beside the record id in one index", _identity_golden_of_index),
    (3, "identity: drop that index again (resolve ranks key hits by record)", _drop_identity_golden_of_index),
    (4, "identity: no foreign-key check per blocking key", _drop_blocking_keys_foreign_key),
    (5, "identity: the graph keeps no birth-date-only keys", _drop_birth_date_keys),
    (6, "identity: each blocking key orders its records by place", _rebuild_blocking_keys_with_places),
]


def upgrade(database: Database) -> None:
    metadata.create_all(database.engine, checkfirst=True)
    with database.transaction() as connection:
        applied = set(connection.scalars(select(schema_version.c.version)))
        for version, _description, step in STEPS:
            if version in applied:
                continue
            step(connection, database)
            connection.execute(
                database.insert(schema_version)
                .values(version=version, applied_at=datetime.now(timezone.utc))
                .on_conflict_do_nothing()
            )
    add_missing_columns(database)


def add_missing_columns(database: Database) -> None:
    """ALTER TABLE … ADD COLUMN for every declared column an existing table lacks."""
    inspector = inspect(database.engine)
    with database.transaction() as connection:
        for table in metadata.sorted_tables:
            existing = {column["name"] for column in inspector.get_columns(table.name)}
            for column in table.columns:
                if column.name not in existing:
                    definition = CreateColumn(column).compile(dialect=database.engine.dialect)
                    guard = "IF NOT EXISTS " if database.is_postgres else ""
                    connection.exec_driver_sql(f"ALTER TABLE {table.name} ADD COLUMN {guard}{definition}")


def current_version(database: Database) -> int:
    with database.connect() as connection:
        return max(connection.scalars(select(schema_version.c.version)), default=0)
