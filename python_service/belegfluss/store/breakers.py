"""Circuit breakers per delivery target, shared by every replica through the database.

Each change is a compare-and-swap: read the row with its version, compute the next state with the
pure functions of `reliability/breaker.py`, then `UPDATE … WHERE target = ? AND version = ?`. When
another replica or worker changed the row in between, nothing is written and the change is computed
again from the new state, so two callers can never both claim the half-open probe. A new target is
created by `INSERT … ON CONFLICT DO NOTHING` under the same rule.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import BigInteger, Column, Integer, Row, String, Table, Text, select, update

from ..reliability.breaker import Breaker
from .database import Database, UtcDateTime, metadata

Result = TypeVar("Result")
Change = Callable[[Breaker], tuple[Result, Breaker]]

TARGET_CHARS = 200
MAX_SWAP_ATTEMPTS = 50

delivery_breakers = Table(
    "delivery_breakers",
    metadata,
    Column("target", String(TARGET_CHARS), primary_key=True),
    Column("state", String(16), nullable=False),
    Column("failures", Integer, nullable=False),
    Column("openings", Integer, nullable=False),
    Column("open_until", UtcDateTime()),
    Column("probe_until", UtcDateTime()),
    Column("last_status", Integer),
    Column("last_error", Text),
    Column("version", BigInteger, nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
)

_STATE_COLUMNS = ("state", "failures", "openings", "open_until", "probe_until", "last_status", "last_error")


class BreakerContention(RuntimeError):
    """The row kept changing under us: far more concurrent writers on one target than expected."""


def _breaker(row: Row[Any]) -> Breaker:
    return Breaker(
        target=row.target, state=row.state, failures=row.failures, openings=row.openings,
        open_until=row.open_until, probe_until=row.probe_until,
        last_status=row.last_status, last_error=row.last_error,
    )


def _values(breaker: Breaker) -> dict[str, object]:
    return {name: getattr(breaker, name) for name in _STATE_COLUMNS}


def _read(database: Database, target: str) -> tuple[Breaker, int | None]:
    with database.connect() as connection:
        row = connection.execute(select(delivery_breakers).where(delivery_breakers.c.target == target)).first()
    return (_breaker(row), row.version) if row else (Breaker(target), None)


def _swap(database: Database, old_version: int | None, new: Breaker) -> bool:
    now = datetime.now(UTC)
    with database.transaction() as connection:
        if old_version is None:
            written = connection.execute(
                database.insert(delivery_breakers)
                .values(target=new.target, version=1, updated_at=now, **_values(new))
                .on_conflict_do_nothing()
                .returning(delivery_breakers.c.version)
            )
        else:
            written = connection.execute(
                update(delivery_breakers)
                .where(delivery_breakers.c.target == new.target, delivery_breakers.c.version == old_version)
                .values(version=old_version + 1, updated_at=now, **_values(new))
                .returning(delivery_breakers.c.version)
            )
        # RETURNING rather than rowcount: psycopg reports no rowcount for an INSERT … ON CONFLICT.
        return written.first() is not None


def transition(database: Database, target: str, change: Change[Result]) -> tuple[Result, Breaker]:
    """Apply `change` to the stored breaker of `target` atomically; answer its result and the new state."""
    for _attempt in range(MAX_SWAP_ATTEMPTS):
        current, version = _read(database, target)
        result, new = change(current)
        if new == current or _swap(database, version, new):
            return result, new
    raise BreakerContention(f"circuit breaker '{target}' changed {MAX_SWAP_ATTEMPTS} times while being updated")


def list_breakers(database: Database, state: str | None = None) -> list[Breaker]:
    query = select(delivery_breakers).order_by(delivery_breakers.c.target)
    if state is not None:
        query = query.where(delivery_breakers.c.state == state)
    with database.connect() as connection:
        return [_breaker(row) for row in connection.execute(query)]
