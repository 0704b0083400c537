"""Quarantine tickets: everything that could not go through, with its payload, never dropped.

An open ticket is unique per (stage, source, payload): adding the same broken payload twice (a
webhook redelivered, a workflow re-run) returns the ticket that already holds it.

Tickets of failed deliveries (stage `delivery`, `max_attempts` > 0) form the redelivery queue:
they are due at `next_attempt_at`, claimed by one worker at a time (a lease), and end
`delivered` or, after the last attempt, `dead` (dead-lettered).
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import Column, Index, Integer, String, Table, Text, func, or_, select, update

from .database import Database, UtcDateTime, dumps, loads, metadata

STATUSES = ("open", "resolved", "retried", "delivered", "dead")

tickets = Table(
    "quarantine_tickets",
    metadata,
    Column("ticket_id", String(40), primary_key=True),
    Column("status", String(16), nullable=False),
    Column("stage", String(32), nullable=False),
    Column("source", String(64), nullable=False),
    Column("reason", String(500), nullable=False),
    Column("codes", String(1000), nullable=False, default=""),
    Column("errors", Text, nullable=False),
    Column("payload", Text, nullable=False),
    Column("payload_hash", String(64), nullable=False),
    Column("event_id", String(200)),
    Column("workflow", String(200)),
    Column("node", String(200)),
    Column("execution_id", String(100)),
    Column("attempts", Text, nullable=False, default="[]"),
    Column("resolution", String(100)),
    Column("note", Text),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    Column("target", String(200)),
    Column("attempt_count", Integer, nullable=False, server_default="0"),
    Column("max_attempts", Integer, nullable=False, server_default="0"),
    Column("next_attempt_at", UtcDateTime()),
    Column("claimed_by", String(200)),
    Column("claimed_until", UtcDateTime()),
)
Index("ix_tickets_status_created", tickets.c.status, tickets.c.created_at)
Index("ix_tickets_due", tickets.c.status, tickets.c.next_attempt_at)
Index(
    "ux_tickets_open_payload",
    tickets.c.payload_hash,
    unique=True,
    sqlite_where=tickets.c.status == "open",
    postgresql_where=tickets.c.status == "open",
)


@dataclass(frozen=True)
class TicketOrigin:
    """Who put a ticket in (the n8n workflow, node and execution), so people can find the run."""

    workflow: str | None = None
    node: str | None = None
    execution_id: str | None = None


@dataclass(frozen=True)
class NewTicket:
    stage: str
    source: str
    payload: Any
    errors: list[dict[str, Any]]
    reason: str = ""
    event_id: str | None = None
    workflow: str | None = None
    node: str | None = None
    execution_id: str | None = None
    target: str | None = None
    max_attempts: int = 0
    next_attempt_at: datetime | None = None


def _payload_hash(ticket: NewTicket) -> str:
    """What makes an open ticket unique: its payload per stage and source, but for a delivery the
    (target, event) pair, whoever parked it — so the POS template and the nightly check queue one
    redelivery of a sale, not two."""
    if ticket.stage == "delivery" and ticket.target and ticket.event_id:
        key: list[Any] = ["delivery", ticket.target, ticket.event_id]
    else:
        key = [ticket.stage, ticket.source, ticket.payload]
    return hashlib.sha256(dumps(key).encode()).hexdigest()


def _reason(ticket: NewTicket) -> str:
    if ticket.reason:
        return ticket.reason[:500]
    if ticket.errors:
        first = ticket.errors[0]
        more = f" (+{len(ticket.errors) - 1} more)" if len(ticket.errors) > 1 else ""
        return f"{first.get('message', first.get('code', 'error'))}{more}"[:500]
    return "quarantined"


def add_tickets(database: Database, new_tickets: list[NewTicket]) -> list[tuple[str, bool]]:
    """Store tickets; answer (ticket id, created) per input, reusing an open ticket for the same payload.

    Tickets go in by payload hash order, so concurrent callers lock the unique index in one order.
    """
    now = datetime.now(timezone.utc)
    hashes = [_payload_hash(ticket) for ticket in new_tickets]
    results: list[tuple[str, bool]] = [("", False)] * len(new_tickets)
    with database.transaction() as connection:
        for position in sorted(range(len(new_tickets)), key=hashes.__getitem__):
            ticket, payload_hash = new_tickets[position], hashes[position]
            ticket_id = "q_" + uuid.uuid4().hex[:20]
            codes = ",".join(sorted({str(e.get("code", "")) for e in ticket.errors}))
            inserted = connection.execute(
                database.insert(tickets)
                .values(
                    ticket_id=ticket_id, status="open", stage=ticket.stage, source=ticket.source,
                    reason=_reason(ticket), codes=codes[:1000], errors=dumps(ticket.errors),
                    payload=dumps(ticket.payload), payload_hash=payload_hash, event_id=ticket.event_id,
                    workflow=ticket.workflow, node=ticket.node, execution_id=ticket.execution_id,
                    attempts="[]", created_at=now, updated_at=now, target=ticket.target,
                    attempt_count=0, max_attempts=ticket.max_attempts, next_attempt_at=ticket.next_attempt_at,
                )
                .on_conflict_do_nothing()
                .returning(tickets.c.ticket_id)
            ).first()
            if inserted is not None:
                results[position] = (ticket_id, True)
            else:
                existing = connection.scalar(
                    select(tickets.c.ticket_id).where(tickets.c.payload_hash == payload_hash, tickets.c.status == "open")
                )
                results[position] = (existing, False)
    return results


def _as_dict(row: Any) -> dict[str, Any]:
    return {
        "id": row.ticket_id,
        "status": row.status,
        "stage": row.stage,
        "source": row.source,
        "reason": row.reason,
        "codes": [code for code in row.codes.split(",") if code],
        "errors": loads(row.errors),
        "payload": loads(row.payload),
        "event_id": row.event_id,
        "workflow": row.workflow,
        "node": row.node,
        "execution_id": row.execution_id,
        "attempts": loads(row.attempts),
        "resolution": row.resolution,
        "note": row.note,
        "created_at": _iso(row.created_at),
        "updated_at": _iso(row.updated_at),
        "target": row.target,
        "attempt_count": row.attempt_count,
        "max_attempts": row.max_attempts,
        "next_attempt_at": _iso(row.next_attempt_at),
        "claimed_by": row.claimed_by,
        "claimed_until": _iso(row.claimed_until),
    }


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def get_ticket(database: Database, ticket_id: str) -> dict[str, Any] | None:
    with database.connect() as connection:
        row = connection.execute(select(tickets).where(tickets.c.ticket_id == ticket_id)).first()
    return _as_dict(row) if row else None


def list_tickets(
    database: Database,
    status: str | None = None,
    source: str | None = None,
    code: str | None = None,
    stage: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> tuple[list[dict[str, Any]], int]:
    conditions = []
    if status:
        conditions.append(tickets.c.status == status)
    if source:
        conditions.append(tickets.c.source == source)
    if stage:
        conditions.append(tickets.c.stage == stage)
    if code:
        conditions.append(tickets.c.codes.contains(code))
    with database.connect() as connection:
        total = connection.scalar(select(func.count()).select_from(tickets).where(*conditions)) or 0
        rows = connection.execute(
            select(tickets).where(*conditions)
            .order_by(tickets.c.created_at.desc(), tickets.c.ticket_id).limit(limit).offset(offset)
        )
        return [_as_dict(row) for row in rows], total


def resolve_ticket(database: Database, ticket_id: str, resolution: str, note: str | None = None,
                   status: str = "resolved") -> dict[str, Any] | None:
    with database.transaction() as connection:
        connection.execute(
            update(tickets).where(tickets.c.ticket_id == ticket_id)
            .values(status=status, resolution=resolution, note=note, updated_at=datetime.now(timezone.utc))
        )
    return get_ticket(database, ticket_id)


def record_attempt(database: Database, ticket_id: str, attempt: dict[str, Any],
                   errors: list[dict[str, Any]] | None = None, payload: Any = None) -> None:
    """Append a retry attempt to a ticket; a failed retry keeps the ticket open with the new errors."""
    with database.transaction() as connection:
        row = connection.execute(select(tickets.c.attempts).where(tickets.c.ticket_id == ticket_id)).first()
        if row is None:
            return
        attempts = loads(row.attempts) + [attempt]
        values: dict[str, Any] = {"attempts": dumps(attempts), "updated_at": datetime.now(timezone.utc)}
        if errors is not None:
            values["errors"] = dumps(errors)
            values["codes"] = ",".join(sorted({str(e.get("code", "")) for e in errors}))[:1000]
        if payload is not None:
            values["payload"] = dumps(payload)
        connection.execute(update(tickets).where(tickets.c.ticket_id == ticket_id).values(**values))


def claim_due(database: Database, worker: str, limit: int, lease_until: datetime, now: datetime) -> list[dict[str, Any]]:
    """Claim up to `limit` due redelivery tickets for one worker, atomically.

    PostgreSQL: `FOR UPDATE SKIP LOCKED` lets concurrent claimers pass each other without waiting
    or double-claiming; SQLite serialises writers, so the single UPDATE is atomic there too.
    """
    due = (
        select(tickets.c.ticket_id)
        .where(tickets.c.status == "open", tickets.c.max_attempts > 0, tickets.c.next_attempt_at <= now,
               or_(tickets.c.claimed_until.is_(None), tickets.c.claimed_until < now))
        .order_by(tickets.c.next_attempt_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    with database.transaction() as connection:
        claimed = list(connection.scalars(
            update(tickets).where(tickets.c.ticket_id.in_(due.scalar_subquery()))
            .values(claimed_by=worker, claimed_until=lease_until, updated_at=now)
            .returning(tickets.c.ticket_id)
        ))
        rows = connection.execute(select(tickets).where(tickets.c.ticket_id.in_(claimed))).all() if claimed else []
    return sorted((_as_dict(row) for row in rows), key=lambda ticket: ticket["next_attempt_at"] or "")


def record_delivery(database: Database, ticket_id: str, attempt: dict[str, Any], status: str,
                    next_attempt_at: datetime | None, now: datetime) -> dict[str, Any] | None:
    """Store one redelivery attempt: the outcome, the new status and when to try again."""
    with database.transaction() as connection:
        row = connection.execute(select(tickets.c.attempts, tickets.c.attempt_count)
                                 .where(tickets.c.ticket_id == ticket_id)).first()
        if row is None:
            return None
        connection.execute(
            update(tickets).where(tickets.c.ticket_id == ticket_id).values(
                attempts=dumps(loads(row.attempts) + [attempt]), attempt_count=row.attempt_count + 1,
                status=status, next_attempt_at=next_attempt_at, claimed_by=None, claimed_until=None,
                resolution="redelivered" if status == "delivered" else ("dead-lettered" if status == "dead" else None),
                updated_at=now,
            )
        )
    return get_ticket(database, ticket_id)
