"""Canonical events stored by id, idempotently.

The same id with the same content is a no-op (`duplicate`); the same id with other content is a
`conflict`. Both are decided by the primary key and an `INSERT … ON CONFLICT DO NOTHING`, never by a
check-then-insert, so two replicas receiving the same event at once store it once.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any, Literal

from sqlalchemy import BigInteger, Column, Index, String, Table, Text, func, select

from ..model import Sale, ZReport
from .database import Database, UtcDateTime, content_hash, dumps, loads, metadata

StoreOutcome = Literal["new", "duplicate", "conflict"]

events = Table(
    "events",
    metadata,
    Column("event_id", String(200), primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("source", String(32), nullable=False),
    Column("location_id", String(100), nullable=False),
    Column("register_id", String(100), nullable=False),
    Column("receipt_number", String(100), nullable=False),
    Column("receipt_seq", BigInteger),
    Column("original_id", String(200)),
    Column("currency", String(3), nullable=False),
    Column("total_cents", BigInteger, nullable=False),
    Column("occurred_at", UtcDateTime(), nullable=False),
    Column("tse_serial", String(200)),
    Column("tse_transaction_number", BigInteger),
    Column("tse_signature_counter", BigInteger),
    Column("content_hash", String(64), nullable=False),
    Column("payload", Text, nullable=False),
    Column("stored_at", UtcDateTime(), nullable=False),
    Column("write_token", String(32), nullable=False),
)
Index("ix_events_register_seq", events.c.location_id, events.c.register_id, events.c.receipt_seq)
Index("ix_events_original", events.c.original_id)
Index("ix_events_tse", events.c.tse_serial, events.c.tse_signature_counter)
Index("ix_events_location_time", events.c.location_id, events.c.occurred_at)

_TRAILING_NUMBER = re.compile(r"(\d+)\D*$")


def receipt_sequence(receipt_number: str) -> int | None:
    """The running number inside a receipt number ("K1-004711" → 4711, "#1001" → 1001)."""
    match = _TRAILING_NUMBER.search(receipt_number)
    return int(match.group(1)) if match else None


def _cents(amount: Decimal) -> int:
    return int(amount * 100)


def _row(event: Sale | ZReport, payload: dict[str, Any], payload_hash: str, now: datetime,
         token: str) -> dict[str, Any]:
    if isinstance(event, ZReport):
        receipt_number = f"Z{event.z_number}"
        occurred = event.closed_at or datetime.combine(event.business_date, datetime.min.time(), timezone.utc)
        total = sum((t.gross for t in event.totals_by_tax_rate), Decimal(0))
        tse = None
        original_id = None
    else:
        receipt_number = event.receipt_number
        occurred = event.occurred_at
        total = event.total
        tse = event.tse
        original_id = event.original_id
    return {
        "event_id": event.id,
        "kind": event.type,
        "source": event.source,
        "location_id": event.location_id,
        "register_id": event.register_id,
        "receipt_number": receipt_number,
        "receipt_seq": receipt_sequence(receipt_number) if event.type != "z_report" else None,
        "original_id": original_id,
        "currency": event.currency,
        "total_cents": _cents(total),
        "occurred_at": occurred,
        "tse_serial": tse.serial if tse else None,
        "tse_transaction_number": tse.transaction_number if tse else None,
        "tse_signature_counter": tse.signature_counter if tse else None,
        "content_hash": payload_hash,
        "payload": dumps(payload),
        "stored_at": now,
        "write_token": token,
    }


@dataclass(frozen=True)
class StoredEvent:
    event_id: str
    kind: str
    location_id: str
    register_id: str
    currency: str
    total_cents: int
    content_hash: str


def store_events(
    database: Database, items: Sequence[tuple[Sale | ZReport, dict[str, Any]]],
    payload_hashes: Sequence[str] | None = None,
) -> list[StoreOutcome]:
    """Store (event, its JSON payload) pairs; answer per pair whether it was new, a replay or a conflict.
    `payload_hashes`: the payloads' `content_hash` where the caller has it already.

    Rows go in with one executemany `INSERT … ON CONFLICT DO NOTHING`; each call writes its own
    random token, so reading the rows back tells which ones this call inserted, even when another
    replica inserted some of them at the same moment.
    """
    if not items:
        return []
    now = datetime.now(timezone.utc)
    token = uuid.uuid4().hex
    hashes = payload_hashes if payload_hashes is not None else [content_hash(payload) for _, payload in items]
    rows = [_row(event, payload, payload_hash, now, token) for (event, payload), payload_hash in zip(items, hashes)]
    with database.transaction() as connection:
        # Insert in key order: concurrent writers of overlapping batches then lock rows in the same
        # order and wait for each other instead of deadlocking.
        connection.execute(database.insert(events).on_conflict_do_nothing(),
                           sorted(rows, key=lambda row: row["event_id"]))
        written = connection.execute(
            select(events.c.event_id, events.c.content_hash, events.c.write_token)
            .where(events.c.event_id.in_({row["event_id"] for row in rows}))
        ).all()
    inserted = {row.event_id for row in written if row.write_token == token}
    stored_hash = {row.event_id: row.content_hash for row in written}
    outcomes: list[StoreOutcome] = []
    first_seen: set[str] = set()
    for row in rows:
        event_id = row["event_id"]
        if event_id in inserted and event_id not in first_seen:
            first_seen.add(event_id)
            outcomes.append("new")
        else:
            same = stored_hash.get(event_id)
            outcomes.append("duplicate" if same == row["content_hash"] else "conflict")
    return outcomes


def load_events(database: Database, event_ids: Iterable[str]) -> dict[str, StoredEvent]:
    ids = list(set(event_ids))
    if not ids:
        return {}
    columns = (events.c.event_id, events.c.kind, events.c.location_id, events.c.register_id,
               events.c.currency, events.c.total_cents, events.c.content_hash)
    with database.connect() as connection:
        return {row.event_id: StoredEvent(*row) for row in connection.execute(
            select(*columns).where(events.c.event_id.in_(ids)))}


def load_payloads(database: Database, event_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """The stored canonical JSON of each known event id."""
    ids = list(set(event_ids))
    found: dict[str, dict[str, Any]] = {}
    with database.connect() as connection:
        for start in range(0, len(ids), 1000):
            found.update({event_id: loads(payload) for event_id, payload in connection.execute(
                select(events.c.event_id, events.c.payload).where(events.c.event_id.in_(ids[start:start + 1000])))})
    return found


def reversed_cents(database: Database, original_ids: Iterable[str]) -> dict[str, int]:
    """Per original sale: the amount already refunded or voided."""
    ids = list(set(original_ids))
    if not ids:
        return {}
    with database.connect() as connection:
        return dict(connection.execute(
            select(events.c.original_id, func.sum(events.c.total_cents))
            .where(events.c.original_id.in_(ids), events.c.kind.in_(("refund", "void")))
            .group_by(events.c.original_id)
        ).all())


def last_tse_counters(database: Database, serials: Iterable[str]) -> dict[str, int]:
    ids = list(set(serials))
    if not ids:
        return {}
    with database.connect() as connection:
        return dict(connection.execute(
            select(events.c.tse_serial, func.max(events.c.tse_signature_counter))
            .where(events.c.tse_serial.in_(ids)).group_by(events.c.tse_serial)
        ).all())


def known_receipt_numbers(
    database: Database, wanted: Iterable[tuple[str, str, int]]
) -> dict[tuple[str, str, int], list[str]]:
    """For (location, register, receipt_seq) triples: the event ids already stored under each.

    One indexed query per register (a batch touches few registers), not a tuple-IN over all.
    """
    by_register: dict[tuple[str, str], set[int]] = {}
    for location_id, register_id, seq in wanted:
        by_register.setdefault((location_id, register_id), set()).add(seq)
    found: dict[tuple[str, str, int], list[str]] = {}
    with database.connect() as connection:
        for (location_id, register_id), seqs in by_register.items():
            rows = connection.execute(
                select(events.c.receipt_seq, events.c.event_id).where(
                    events.c.location_id == location_id, events.c.register_id == register_id,
                    events.c.receipt_seq.in_(seqs))
            )
            for seq, event_id in rows:
                found.setdefault((location_id, register_id, seq), []).append(event_id)
    return found


def lowest_receipt_numbers(database: Database, registers: Iterable[tuple[str, str]]) -> dict[tuple[str, str], int]:
    lowest: dict[tuple[str, str], int] = {}
    with database.connect() as connection:
        for location_id, register_id in set(registers):
            value = connection.scalar(
                select(func.min(events.c.receipt_seq)).where(
                    events.c.location_id == location_id, events.c.register_id == register_id)
            )
            if value is not None:
                lowest[(location_id, register_id)] = value
    return lowest


def get_event(database: Database, event_id: str) -> dict[str, Any] | None:
    with database.connect() as connection:
        payload = connection.scalar(select(events.c.payload).where(events.c.event_id == event_id))
    return loads(payload)


def list_events(
    database: Database, location_id: str | None = None, kind: str | None = None, limit: int = 100, offset: int = 0
) -> tuple[list[dict[str, Any]], int]:
    conditions = []
    if location_id:
        conditions.append(events.c.location_id == location_id)
    if kind:
        conditions.append(events.c.kind == kind)
    with database.connect() as connection:
        total = connection.scalar(select(func.count()).select_from(events).where(*conditions)) or 0
        payloads = connection.scalars(
            select(events.c.payload).where(*conditions)
            .order_by(events.c.occurred_at, events.c.event_id).limit(limit).offset(offset)
        )
        return [loads(payload) for payload in payloads], total
