"""Which event reached which delivery target (a CRM note written, a contact upserted).

Workflows report successful deliveries with the event id; the nightly consistency check finds
stored sales that never arrived. One row per (event, target): a redelivered duplicate adds none.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Column, String, Table, select

from .database import Database, UtcDateTime, metadata

deliveries = Table(
    "deliveries",
    metadata,
    Column("event_id", String(200), primary_key=True),
    Column("target", String(200), primary_key=True),
    Column("delivered_at", UtcDateTime(), nullable=False),
)


def record_deliveries(database: Database, delivered: Iterable[tuple[str, str]], now: datetime) -> None:
    rows = [{"event_id": event_id, "target": target, "delivered_at": now} for event_id, target in set(delivered)]
    if rows:
        with database.transaction() as connection:
            connection.execute(database.insert(deliveries).on_conflict_do_nothing(),
                               sorted(rows, key=lambda row: (row["event_id"], row["target"])))


def delivered_event_ids(database: Database, target: str, event_ids: Iterable[str]) -> set[str]:
    ids = list(set(event_ids))
    found: set[str] = set()
    with database.connect() as connection:
        for start in range(0, len(ids), 1000):
            found.update(connection.scalars(select(deliveries.c.event_id).where(
                deliveries.c.target == target, deliveries.c.event_id.in_(ids[start:start + 1000]))))
    return found
