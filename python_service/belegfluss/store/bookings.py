"""Booking sets stored once per event, and the DATEV export registry (Festschreibung).

`booking_sets` has the event id as primary key: the first `INSERT … ON CONFLICT DO NOTHING` wins,
so an event replayed (or sent by two replicas at once) is booked once. A replay with the same
content gets the stored rows back; the same id with other content is a conflict, never a second
booking.

An export takes the period's bookings that no export holds yet, marks them with its export id in
one UPDATE (so two concurrent exports never share a row) and streams exactly those. Exported rows
are never changed; a correction arriving later is a new booking set and lands in the next export
(batch) of its period. A past export can be fetched again, byte for byte.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Any, Literal

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    select,
    update,
)

from ..accounting.booking import Booking
from .database import Database, UtcDateTime, dumps, loads, metadata

StoreOutcome = Literal["new", "duplicate", "conflict"]

booking_sets = Table(
    "booking_sets",
    metadata,
    Column("event_id", String(200), primary_key=True),
    Column("location_id", String(100), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("warnings", Text, nullable=False),
    Column("row_count", Integer, nullable=False),
    Column("booked_at", UtcDateTime(), nullable=False),
)

bookings = Table(
    "bookings",
    metadata,
    Column("booking_id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("event_id", String(200), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("location_id", String(100), nullable=False),
    Column("document_date", Date, nullable=False),
    Column("amount_cents", BigInteger, nullable=False),
    Column("debit_credit", String(1), nullable=False),
    Column("account", BigInteger, nullable=False),
    Column("contra_account", BigInteger, nullable=False),
    Column("bu_key", String(4), nullable=False),
    Column("document_number", String(36), nullable=False),
    Column("text", String(60), nullable=False),
    Column("cost_center", String(36), nullable=False),
    Column("reverses_event_id", String(200)),
    Column("tax_rate", String(8)),
    Column("currency", String(3), nullable=False),
    Column("export_id", String(40)),
    UniqueConstraint("event_id", "seq", name="ux_bookings_event_seq"),
)
Index("ix_bookings_export_period", bookings.c.location_id, bookings.c.export_id, bookings.c.document_date)
Index("ix_bookings_export", bookings.c.export_id, bookings.c.booking_id)

datev_exports = Table(
    "datev_exports",
    metadata,
    Column("export_id", String(40), primary_key=True),
    Column("location_id", String(100), nullable=False),
    Column("date_from", Date, nullable=False),
    Column("date_to", Date, nullable=False),
    Column("batch", Integer, nullable=False),
    Column("row_count", Integer, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    UniqueConstraint("location_id", "date_from", "date_to", "batch", name="ux_exports_period_batch"),
)


@dataclass(frozen=True)
class StoredSet:
    outcome: StoreOutcome
    bookings: list[Booking]
    warnings: list[dict[str, Any]]


def _row(booking: Booking, seq: int) -> dict[str, Any]:
    return {
        "event_id": booking.event_id,
        "seq": seq,
        "location_id": booking.location_id,
        "document_date": booking.document_date,
        "amount_cents": int(booking.amount * 100),
        "debit_credit": booking.debit_credit,
        "account": booking.account,
        "contra_account": booking.contra_account,
        "bu_key": booking.bu_key,
        "document_number": booking.document_number,
        "text": booking.text,
        "cost_center": booking.cost_center,
        "reverses_event_id": booking.reverses_event_id,
        "tax_rate": None if booking.tax_rate is None else format(booking.tax_rate, "f"),
        "currency": booking.currency,
    }


_CENT = Decimal("0.01")
_BOOKING_COLUMNS = (
    bookings.c.amount_cents,
    bookings.c.debit_credit,
    bookings.c.account,
    bookings.c.contra_account,
    bookings.c.bu_key,
    bookings.c.document_date,
    bookings.c.document_number,
    bookings.c.text,
    bookings.c.event_id,
    bookings.c.location_id,
    bookings.c.cost_center,
    bookings.c.reverses_event_id,
    bookings.c.tax_rate,
    bookings.c.currency,
)


def _booking(row: Sequence[Any]) -> Booking:
    (
        cents,
        debit_credit,
        account,
        contra,
        bu_key,
        day,
        number,
        text,
        event_id,
        location_id,
        cost_center,
        reverses,
        tax_rate,
        currency,
    ) = row
    return Booking(
        amount=Decimal(cents) * _CENT,
        debit_credit=debit_credit,
        account=account,
        contra_account=contra,
        bu_key=bu_key,
        document_date=day if isinstance(day, date) else date.fromisoformat(str(day)),
        document_number=number,
        text=text,
        event_id=event_id,
        location_id=location_id,
        cost_center=cost_center,
        reverses_event_id=reverses,
        tax_rate=None if tax_rate is None else Decimal(tax_rate),
        currency=currency,
    )


@dataclass(frozen=True)
class NewSet:
    """An event's booking set to store: the bookings its posting rules gave, and their warnings."""

    event_id: str
    location_id: str
    kind: str
    event_hash: str
    bookings: list[Booking]
    warnings: list[dict[str, Any]]


SETS_PER_TRANSACTION = 100  # a commit per 100 events, not per event; a crash loses at most the open chunk


def store_booking_sets(database: Database, sets: Sequence[NewSet], *, with_rows: bool = True) -> list[StoredSet]:
    """Store each event's bookings unless its id is booked already, and answer per set what is
    stored (with the stored rows of a duplicate unless `with_rows` is off). Sets are written in
    chunks, each chunk one transaction: every event is booked fully or not at all, and a retry
    after a crash completes the rest."""
    distinct = {new.event_id: new for new in sets}  # one event id twice in a batch is booked once
    # Sorted ids take row locks in one order, so two replicas booking overlapping batches wait for
    # each other instead of deadlocking.
    ordered = sorted(distinct.values(), key=lambda entry: entry.event_id)
    answers: dict[str, StoredSet] = {}
    for start in range(0, len(ordered), SETS_PER_TRANSACTION):
        answers.update(_store_chunk(database, ordered[start:start + SETS_PER_TRANSACTION], with_rows))
    return [answers[new.event_id] for new in sets]


def _store_chunk(database: Database, chunk: list[NewSet], with_rows: bool) -> dict[str, StoredSet]:
    now = datetime.now(timezone.utc)
    with database.transaction() as connection:
        # executemany with RETURNING: SQLAlchemy batches the rows into few statements, compiled once.
        inserted = set(connection.scalars(
            database.insert(booking_sets).on_conflict_do_nothing().returning(booking_sets.c.event_id),
            [{"event_id": new.event_id, "location_id": new.location_id, "kind": new.kind,
              "content_hash": new.event_hash, "warnings": dumps(new.warnings),
              "row_count": len(new.bookings), "booked_at": now} for new in chunk],
        ).all())
        rows = [_row(booking, seq) for new in chunk if new.event_id in inserted
                for seq, booking in enumerate(new.bookings)]
        if rows:
            connection.execute(bookings.insert(), rows)
        answers = {new.event_id: StoredSet("new", new.bookings, new.warnings) for new in chunk
                   if new.event_id in inserted}
        booked_before = [new for new in chunk if new.event_id not in inserted]
        if booked_before:
            answers.update(_stored_sets(connection, booked_before, with_rows))
        return answers


def _stored_sets(connection: Any, sets: list[NewSet], with_rows: bool) -> dict[str, StoredSet]:
    """What is stored for events booked before: a duplicate (same content) or a conflict."""
    ids = [new.event_id for new in sets]
    stored = {event_id: (content_hash, warnings) for event_id, content_hash, warnings in connection.execute(
        select(booking_sets.c.event_id, booking_sets.c.content_hash, booking_sets.c.warnings)
        .where(booking_sets.c.event_id.in_(ids)))}
    duplicates = [new.event_id for new in sets if stored[new.event_id][0] == new.event_hash]
    rows_by_event: dict[str, list[Booking]] = {event_id: [] for event_id in duplicates}
    if with_rows and duplicates:
        for row in connection.execute(select(bookings.c.event_id, *_BOOKING_COLUMNS)
                                      .where(bookings.c.event_id.in_(duplicates))
                                      .order_by(bookings.c.event_id, bookings.c.seq)):
            rows_by_event[row[0]].append(_booking(row[1:]))
    return {new.event_id: StoredSet("duplicate", rows_by_event[new.event_id], loads(stored[new.event_id][1]))
            if new.event_id in rows_by_event else StoredSet("conflict", [], []) for new in sets}


@dataclass(frozen=True)
class ExportBatch:
    export_id: str
    location_id: str
    date_from: date
    date_to: date
    batch: int
    row_count: int
    created_at: datetime


def _export(row: Any) -> ExportBatch:
    return ExportBatch(
        row.export_id, row.location_id, row.date_from, row.date_to, row.batch, row.row_count, row.created_at
    )


def claim_export(database: Database, location_id: str, date_from: date, date_to: date) -> ExportBatch | None:
    """Mark the period's not yet exported bookings as one new export batch; None when there are none."""
    export_id = uuid.uuid4().hex
    created_at = datetime.now(timezone.utc)
    with database.transaction() as connection:
        claimed = connection.execute(
            update(bookings)
            .where(
                bookings.c.location_id == location_id,
                bookings.c.export_id.is_(None),
                bookings.c.document_date >= date_from,
                bookings.c.document_date <= date_to,
            )
            .values(export_id=export_id)
        ).rowcount
        if not claimed:
            return None
        batch = 1 + (
            connection.scalar(
                select(func.max(datev_exports.c.batch)).where(
                    datev_exports.c.location_id == location_id,
                    datev_exports.c.date_from == date_from,
                    datev_exports.c.date_to == date_to,
                )
            )
            or 0
        )
        connection.execute(
            datev_exports.insert().values(
                export_id=export_id,
                location_id=location_id,
                date_from=date_from,
                date_to=date_to,
                batch=batch,
                row_count=claimed,
                created_at=created_at,
            )
        )
    return ExportBatch(export_id, location_id, date_from, date_to, batch, claimed, created_at)


def get_export(database: Database, export_id: str) -> ExportBatch | None:
    with database.connect() as connection:
        row = connection.execute(select(datev_exports).where(datev_exports.c.export_id == export_id)).first()
    return None if row is None else _export(row)


def list_exports(database: Database, location_id: str) -> list[ExportBatch]:
    with database.connect() as connection:
        rows = connection.execute(
            select(datev_exports)
            .where(datev_exports.c.location_id == location_id)
            .order_by(datev_exports.c.date_from, datev_exports.c.batch)
        ).all()
    return [_export(row) for row in rows]


def exported_bookings(database: Database, export_id: str, fetch_rows: int = 10_000) -> Iterator[Booking]:
    """The rows of one export in booking order, fetched `fetch_rows` at a time (server-side cursor on
    PostgreSQL), so a million rows never sit in memory at once."""
    with database.connect() as connection:
        result = connection.execution_options(stream_results=True, yield_per=fetch_rows).execute(
            select(*_BOOKING_COLUMNS).where(bookings.c.export_id == export_id).order_by(bookings.c.booking_id)
        )
        for row in result:
            yield _booking(row)


def insert_bookings(database: Database, rows: Sequence[Booking], first_seq: int = 0) -> None:
    """Bulk insert for tools and benchmarks (no booking set, no idempotency)."""
    with database.transaction() as connection:
        connection.execute(bookings.insert(), [_row(b, first_seq + i) for i, b in enumerate(rows)])
