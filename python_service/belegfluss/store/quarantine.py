"""Quarantine tickets: everything that could not go through, with its payload, never dropped.

An open ticket is unique per (stage, source, payload): adding the same broken payload twice (a
webhook redelivered, a workflow re-run) returns the ticket that already holds it.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import Column, DateTime, Index, String, Table, Text, func, select, update

from .database import Database, dumps, loads, metadata

STATUSES = ("open", "resolved", "retried")

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
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)
Index("ix_tickets_status_created", tickets.c.status, tickets.c.created_at)
Index(
    "ux_tickets_open_payload",
    tickets.c.payload_hash,
    unique=True,
    sqlite_where=tickets.c.status == "open",
    postgresql_where=tickets.c.status == "open",
)


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


def _payload_hash(ticket: NewTicket) -> str:
    return hashlib.sha256(dumps([ticket.stage, ticket.source, ticket.payload]).encode()).hexdigest()


def _reason(ticket: NewTicket) -> str:
    if ticket.reason:
        return ticket.reason[:500]
    if ticket.errors:
        first = ticket.errors[0]
        more = f" (+{len(ticket.errors) - 1} more)" if len(ticket.errors) > 1 else ""
        return f"{first.get('message', first.get('code', 'error'))}{more}"[:500]
    return "quarantined"


def add_tickets(database: Database, new_tickets: list[NewTicket]) -> list[tuple[str, bool]]:
    """Store tickets; answer (ticket id, created) per input, reusing an open ticket for the same payload."""
    now = datetime.now(timezone.utc)
    results: list[tuple[str, bool]] = []
    with database.transaction() as connection:
        for ticket in new_tickets:
            payload_hash = _payload_hash(ticket)
            ticket_id = "q_" + uuid.uuid4().hex[:20]
            codes = ",".join(sorted({str(e.get("code", "")) for e in ticket.errors}))
            inserted = connection.execute(
                database.insert(tickets)
                .values(
                    ticket_id=ticket_id, status="open", stage=ticket.stage, source=ticket.source,
                    reason=_reason(ticket), codes=codes[:1000], errors=dumps(ticket.errors),
                    payload=dumps(ticket.payload), payload_hash=payload_hash, event_id=ticket.event_id,
                    workflow=ticket.workflow, node=ticket.node, execution_id=ticket.execution_id,
                    attempts="[]", created_at=now, updated_at=now,
                )
                .on_conflict_do_nothing()
                .returning(tickets.c.ticket_id)
            ).first()
            if inserted is not None:
                results.append((ticket_id, True))
            else:
                existing = connection.scalar(
                    select(tickets.c.ticket_id).where(
                        tickets.c.payload_hash == payload_hash, tickets.c.status == "open"
                    )
                )
                results.append((existing, False))
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
        "created_at": row.created_at.isoformat() if row.created_at else None,
        "updated_at": row.updated_at.isoformat() if row.updated_at else None,
    }


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
