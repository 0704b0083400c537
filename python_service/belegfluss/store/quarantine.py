"""Quarantine tickets: everything that could not go through, with its payload, never dropped.

An open ticket is unique per (stage, source, payload): adding the same broken payload twice (a
webhook redelivered, a workflow re-run) returns the ticket that already holds it.

Tickets of failed deliveries (stage `delivery`, `max_attempts` > 0) form the redelivery queue:
they are due at `next_attempt_at`, claimed by one worker at a time (a lease), and end
`delivered` or, after the last attempt, `dead` (dead-lettered).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import Column, Index, Integer, String, Table, Text, bindparam, func, or_, select, update

from .database import Database, UtcDateTime, content_hash, dumps, loads, metadata

STATUSES = ("open", "resolved", "retried", "delivered", "dead")
_ADD_ATTEMPTS = 3  # insert, and insert again what a concurrent close freed

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
    return content_hash(key)


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

    One `INSERT … ON CONFLICT DO NOTHING` for the batch, in payload hash order, so concurrent callers
    lock the unique index in one order; one read then finds the open tickets the others already hold.
    """
    now = datetime.now(timezone.utc)
    rows = [_row(ticket, now) for ticket in new_tickets]
    if not rows:
        return []
    inserted: set[str] = set()
    open_ticket_of: dict[str, str] = {}
    pending = rows
    with database.transaction() as connection:
        # A conflicting ticket may be closed between the insert and the read (another worker
        # resolves it): its payload then needs a ticket after all, so it is inserted again.
        for _attempt in range(_ADD_ATTEMPTS):
            inserted |= set(connection.scalars(
                database.insert(tickets).on_conflict_do_nothing().returning(tickets.c.ticket_id),
                sorted(pending, key=lambda row: row["payload_hash"])))
            taken = list({row["payload_hash"] for row in pending if row["ticket_id"] not in inserted})
            if taken:
                open_ticket_of.update(connection.execute(
                    select(tickets.c.payload_hash, tickets.c.ticket_id)
                    .where(tickets.c.payload_hash.in_(taken), tickets.c.status == "open")).all())
            pending = [row for row in pending
                       if row["ticket_id"] not in inserted and row["payload_hash"] not in open_ticket_of]
            if not pending:
                break
        else:
            raise RuntimeError(f"{len(pending)} tickets neither stored nor found open after {_ADD_ATTEMPTS} tries")
    return [(row["ticket_id"], True) if row["ticket_id"] in inserted else (open_ticket_of[row["payload_hash"]], False)
            for row in rows]


def _row(ticket: NewTicket, now: datetime) -> dict[str, Any]:
    return {
        "ticket_id": "q_" + uuid.uuid4().hex[:20], "status": "open", "stage": ticket.stage, "source": ticket.source,
        "reason": _reason(ticket), "codes": ",".join(sorted({str(e.get("code", "")) for e in ticket.errors}))[:1000],
        "errors": dumps(ticket.errors), "payload": dumps(ticket.payload), "payload_hash": _payload_hash(ticket),
        "event_id": ticket.event_id, "workflow": ticket.workflow, "node": ticket.node,
        "execution_id": ticket.execution_id, "attempts": "[]", "created_at": now, "updated_at": now,
        "target": ticket.target, "attempt_count": 0, "max_attempts": ticket.max_attempts,
        "next_attempt_at": ticket.next_attempt_at,
    }


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


def get_tickets(database: Database, ticket_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    """The tickets of these ids that exist, by id, in one read."""
    if not ticket_ids:
        return {}
    with database.connect() as connection:
        rows = connection.execute(select(tickets).where(tickets.c.ticket_id.in_(set(ticket_ids))))
        return {row.ticket_id: _as_dict(row) for row in rows}


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
        claimed = connection.execute(
            update(tickets).where(tickets.c.ticket_id.in_(due.scalar_subquery()))
            .values(claimed_by=worker, claimed_until=lease_until, updated_at=now)
            .returning(*tickets.c)
        ).all()
    return sorted((_as_dict(row) for row in claimed), key=lambda ticket: ticket["next_attempt_at"] or "")


@dataclass(frozen=True)
class DeliveryAttempt:
    """One redelivery attempt: its entry in the ticket's `attempts`, the ticket's status after it
    and when the ticket is due again (None once delivered or dead)."""

    entry: dict[str, Any]
    status: str
    next_attempt_at: datetime | None


AttemptFor = Callable[[int, int], DeliveryAttempt]
"""The attempt to record, given the ticket's attempt count so far and its max attempts."""


@dataclass(frozen=True)
class AttemptRequest:
    """An attempt to record on `ticket_id`; with `claimed_by`, only while that worker holds the ticket."""

    ticket_id: str
    attempt_for: AttemptFor
    claimed_by: str | None = None


@dataclass(frozen=True)
class RecordedDelivery:
    ticket: dict[str, Any] | None  # the ticket once the batch is stored; None: no such ticket
    attempt: DeliveryAttempt | None  # None: not recorded (no open redelivery ticket, or held by another)
    held_by_another: bool = False  # not recorded: another worker has claimed the ticket since


@dataclass
class _OpenTicket:
    attempts: list[dict[str, Any]]
    attempt_count: int
    max_attempts: int
    claimed_by: str | None
    status: str = "open"
    next_attempt_at: datetime | None = None


_RESOLUTIONS = {"delivered": "redelivered", "dead": "dead-lettered"}


def record_deliveries(database: Database, attempts: Sequence[AttemptRequest],
                      now: datetime) -> list[RecordedDelivery]:
    """Record redelivery attempts in order, in one transaction: each only while its ticket is an
    open redelivery ticket. The check is the conditional UPDATE that locks the tickets until the
    attempts are written, so two workers reporting one ticket can neither both close it nor lose
    an attempt. An attempt naming its worker (`claimed_by`) is refused once another worker has
    claimed the ticket, so a run whose lease ran out cannot close or reschedule what another run
    is delivering."""
    ticket_ids = sorted({request.ticket_id for request in attempts})
    # PostgreSQL locks in id order, so two workers reporting overlapping batches cannot deadlock.
    still_open = (select(tickets.c.ticket_id)
                  .where(tickets.c.ticket_id.in_(ticket_ids), tickets.c.status == "open", tickets.c.max_attempts > 0)
                  .order_by(tickets.c.ticket_id).with_for_update())
    with database.transaction() as connection:
        locked = connection.execute(
            update(tickets).where(tickets.c.ticket_id.in_(still_open.scalar_subquery()))
            .values(updated_at=now)
            .returning(tickets.c.ticket_id, tickets.c.attempts, tickets.c.attempt_count, tickets.c.max_attempts,
                       tickets.c.claimed_by)
        ).all()
        open_tickets = {row.ticket_id: _OpenTicket(loads(row.attempts), row.attempt_count, row.max_attempts,
                                                   row.claimed_by) for row in locked}
        recorded: list[RecordedDelivery] = []
        touched: dict[str, _OpenTicket] = {}
        for request in attempts:
            ticket = open_tickets.get(request.ticket_id)
            if ticket is None or ticket.status != "open":
                recorded.append(RecordedDelivery(None, None))
                continue
            if request.claimed_by is not None and ticket.claimed_by not in (None, request.claimed_by):
                recorded.append(RecordedDelivery(None, None, held_by_another=True))
                continue
            attempt = request.attempt_for(ticket.attempt_count, ticket.max_attempts)
            ticket.attempts.append(attempt.entry)
            ticket.attempt_count += 1
            ticket.status, ticket.next_attempt_at = attempt.status, attempt.next_attempt_at
            touched[request.ticket_id] = ticket
            recorded.append(RecordedDelivery(None, attempt))
        if touched:
            connection.execute(
                update(tickets).where(tickets.c.ticket_id == bindparam("b_ticket_id")).values(
                    attempts=bindparam("b_attempts"), attempt_count=bindparam("b_attempt_count"),
                    status=bindparam("b_status"), next_attempt_at=bindparam("b_next_attempt_at"),
                    resolution=bindparam("b_resolution"), claimed_by=None, claimed_until=None, updated_at=now),
                [{"b_ticket_id": ticket_id, "b_attempts": dumps(ticket.attempts),
                  "b_attempt_count": ticket.attempt_count, "b_status": ticket.status,
                  "b_next_attempt_at": ticket.next_attempt_at, "b_resolution": _RESOLUTIONS.get(ticket.status)}
                 for ticket_id, ticket in touched.items()])
        stored = {row.ticket_id: _as_dict(row)
                  for row in connection.execute(select(tickets).where(tickets.c.ticket_id.in_(ticket_ids)))}
    return [RecordedDelivery(stored.get(request.ticket_id), result.attempt, result.held_by_another)
            for request, result in zip(attempts, recorded, strict=True)]
