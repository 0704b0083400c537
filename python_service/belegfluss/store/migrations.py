"""Versioned schema: `create_all` creates missing tables; numbered steps alter existing ones.

Add a step when a released table changes (a column, an index); never edit a step that shipped.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone

from sqlalchemy import Column, Connection, DateTime, Integer, Table, select

from . import bookings, events, keys, quarantine  # noqa: F401 - registers their tables on the metadata
from .database import Database, metadata

schema_version = Table(
    "schema_version",
    metadata,
    Column("version", Integer, primary_key=True),
    Column("applied_at", DateTime(timezone=True), nullable=False),
)

Step = Callable[[Connection, Database], None]

# (version, what it does, step). Version 1 is the schema as `metadata` declares it today.
STEPS: list[tuple[int, str, Step]] = [
    (1, "initial schema", lambda connection, database: None),
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


def current_version(database: Database) -> int:
    with database.connect() as connection:
        return max(connection.scalars(select(schema_version.c.version)), default=0)
