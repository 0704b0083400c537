"""Fixed-window usage counters per API key, shared by every replica through the database.

A charge is one statement: `INSERT … ON CONFLICT DO UPDATE SET used = used + n WHERE used + n <=
limit RETURNING used`. The row lock (PostgreSQL) or the single writer (SQLite) makes the check and
the increment one step, so replicas never let more through than the limit together; a charge that
does not fit returns no row and counts nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import BigInteger, Column, Connection, String, Table, delete

from ..reliability.quotas import Limit
from .database import Database, metadata

quota_counters = Table(
    "quota_counters",
    metadata,
    Column("key_id", String(32), primary_key=True),
    Column("metric", String(16), primary_key=True),
    Column("window_start", BigInteger, primary_key=True),
    Column("used", BigInteger, nullable=False),
)


@dataclass(frozen=True)
class Charge:
    limit: Limit
    amount: int


def _charge(connection: Connection, database: Database, key_id: str, charge: Charge, window_start: int) -> bool:
    insert = database.insert(quota_counters).values(
        key_id=key_id, metric=charge.limit.metric, window_start=window_start, used=charge.amount)
    upsert = insert.on_conflict_do_update(
        index_elements=[quota_counters.c.key_id, quota_counters.c.metric, quota_counters.c.window_start],
        set_={"used": quota_counters.c.used + insert.excluded.used},
        where=(quota_counters.c.used + insert.excluded.used) <= charge.limit.limit,
    ).returning(quota_counters.c.used)
    used = connection.execute(upsert).scalar()
    if used is None:
        return False
    if used == charge.amount:
        # The first charge of a new window: the key's older windows are of no use any more.
        connection.execute(delete(quota_counters).where(
            quota_counters.c.key_id == key_id, quota_counters.c.metric == charge.limit.metric,
            quota_counters.c.window_start < window_start))
    return True


class _Refused(Exception):
    def __init__(self, charge: Charge) -> None:
        self.charge = charge


def charge(database: Database, key_id: str, charges: Sequence[Charge], epoch_seconds: float) -> Charge | None:
    """Count all charges, or none of them: answer the first that does not fit its limit."""
    for wanted in charges:
        if wanted.amount > wanted.limit.limit:
            return wanted
    try:
        with database.transaction() as connection:
            for wanted in charges:
                if wanted.amount and not _charge(connection, database, key_id, wanted,
                                                 wanted.limit.window_start(epoch_seconds)):
                    raise _Refused(wanted)  # rolls the charges before it back
    except _Refused as refused:
        return refused.charge
    return None


def usage(database: Database, key_id: str, limit: Limit, epoch_seconds: float) -> int:
    with database.connect() as connection:
        used = connection.scalar(quota_counters.select().with_only_columns(quota_counters.c.used).where(
            quota_counters.c.key_id == key_id, quota_counters.c.metric == limit.metric,
            quota_counters.c.window_start == limit.window_start(epoch_seconds)))
    return int(used or 0)
