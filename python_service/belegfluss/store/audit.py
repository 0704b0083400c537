"""The audit trail: what the sidecar changed on its own initiative, when, and why (GoBD:
no change without a record). Entries are only ever appended."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import BigInteger, Column, Index, Integer, String, Table, Text, select

from .database import Database, UtcDateTime, dumps, loads, metadata

audit_log = Table(
    "audit_log",
    metadata,
    Column("entry_id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("at", UtcDateTime(), nullable=False),
    Column("actor", String(100), nullable=False),
    Column("action", String(100), nullable=False),
    Column("subject", String(200), nullable=False),
    Column("details", Text, nullable=False),
)
Index("ix_audit_subject", audit_log.c.subject, audit_log.c.at)


@dataclass(frozen=True)
class Entry:
    """One entry to append: who (`actor`) did what to which `subject`, and why (`details`)."""

    actor: str
    action: str
    subject: str
    details: dict[str, Any]


def append(database: Database, actor: str, action: str, subject: str, details: dict[str, Any]) -> None:
    append_all(database, [Entry(actor, action, subject, details)])


def append_all(database: Database, new_entries: Sequence[Entry]) -> None:
    """Append entries in one transaction, in order."""
    if not new_entries:
        return
    now = datetime.now(timezone.utc)
    with database.transaction() as connection:
        connection.execute(audit_log.insert(), [
            {"at": now, "actor": entry.actor, "action": entry.action, "subject": entry.subject,
             "details": dumps(entry.details)} for entry in new_entries])


def entries(database: Database, subject: str | None = None, action: str | None = None,
            limit: int = 100) -> list[dict[str, Any]]:
    conditions = []
    if subject:
        conditions.append(audit_log.c.subject == subject)
    if action:
        conditions.append(audit_log.c.action == action)
    with database.connect() as connection:
        rows = connection.execute(select(audit_log).where(*conditions)
                                  .order_by(audit_log.c.entry_id.desc()).limit(limit))
        return [{"at": row.at.isoformat(), "actor": row.actor, "action": row.action, "subject": row.subject,
                 "details": loads(row.details)} for row in rows]
