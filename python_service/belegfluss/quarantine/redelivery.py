"""The redelivery queue: failed deliveries (a CRM answered 429/5xx, a circuit was open) wait in
quarantine and are replayed by the shipped "Redelivery" template until they go through or run out
of attempts.

Backoff is exponential with full jitter (AWS architecture blog's "full jitter"): attempt n waits a
random time in [base·2^(n−1)/2, base·2^(n−1)], capped, so parked items of one outage do not all
come back in the same second.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import partial
from typing import Any

from pydantic import BaseModel, Field

from ..store import quarantine as quarantine_store
from ..store.database import Database


@dataclass(frozen=True)
class RedeliveryPolicy:
    base_seconds: float = 30.0
    max_seconds: float = 3600.0
    max_attempts: int = 8
    lease_seconds: float = 120.0

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> "RedeliveryPolicy":
        return cls(
            base_seconds=float(env.get("BELEGFLUSS_REDELIVERY_BASE_SECONDS", cls.base_seconds)),
            max_seconds=float(env.get("BELEGFLUSS_REDELIVERY_MAX_SECONDS", cls.max_seconds)),
            max_attempts=int(env.get("BELEGFLUSS_REDELIVERY_MAX_ATTEMPTS", cls.max_attempts)),
            lease_seconds=float(env.get("BELEGFLUSS_REDELIVERY_LEASE_SECONDS", cls.lease_seconds)),
        )

    def delay(self, attempt: int, rng: random.Random | None = None) -> timedelta:
        """How long to wait before attempt `attempt + 1`, after `attempt` failures (≥ 1)."""
        ceiling = min(self.max_seconds, self.base_seconds * 2 ** max(attempt - 1, 0))
        return timedelta(seconds=(rng or random).uniform(ceiling / 2, ceiling))


class ClaimRequest(BaseModel):
    worker: str = Field(min_length=1, max_length=200, description="Who claims (n8n execution or worker id)")
    limit: int = Field(50, ge=1, le=1000)


class OutcomeReport(BaseModel):
    id: str
    ok: bool
    status: int | None = Field(None, description="HTTP status the target answered, if any")
    error: str | None = None
    claimed_by: str | None = Field(None, min_length=1, max_length=200, description=(
        "The worker that claimed the ticket: then the outcome counts only while no other worker has claimed it since"))


def first_attempt_at(policy: RedeliveryPolicy, now: datetime) -> datetime:
    return now + policy.delay(1)


def claim(database: Database, policy: RedeliveryPolicy, request: ClaimRequest) -> list[dict[str, Any]]:
    now = datetime.now(timezone.utc)
    return quarantine_store.claim_due(database, request.worker, request.limit,
                                      now + timedelta(seconds=policy.lease_seconds), now)


def report(database: Database, policy: RedeliveryPolicy,
           reports: list[OutcomeReport]) -> list[dict[str, Any]]:
    """Per outcome: delivered, back in the queue with its next time, or dead-lettered (alert!)."""
    now = datetime.now(timezone.utc)
    recorded = quarantine_store.record_deliveries(database, [
        quarantine_store.AttemptRequest(outcome.id, partial(_attempt, policy, outcome, now), outcome.claimed_by)
        for outcome in reports], now)
    return [_answer(index, outcome, result) for index, (outcome, result) in enumerate(zip(reports, recorded))]


def _attempt(policy: RedeliveryPolicy, outcome: OutcomeReport, now: datetime,
             attempt_count: int, max_attempts: int) -> quarantine_store.DeliveryAttempt:
    failures = attempt_count + 1
    if outcome.ok:
        status, next_at = "delivered", None
    elif failures >= max_attempts:
        status, next_at = "dead", None
    else:
        status, next_at = "open", now + policy.delay(failures)
    entry = {"at": now.isoformat(), "ok": outcome.ok, "status": outcome.status, "error": outcome.error}
    return quarantine_store.DeliveryAttempt(entry, status, next_at)


def _answer(index: int, outcome: OutcomeReport,
            recorded: quarantine_store.RecordedDelivery) -> dict[str, Any]:
    ticket = recorded.ticket
    if ticket is None or ticket["max_attempts"] == 0:
        error = unknown_ticket(outcome.id)
    elif recorded.held_by_another:
        error = claimed_by_another(outcome.id, ticket, outcome.claimed_by)
    elif recorded.attempt is None:
        error = not_open(outcome.id, ticket)
    else:
        return {"index": index, "ok": True, "ticket": ticket, "dead_lettered": recorded.attempt.status == "dead"}
    return {"index": index, "ok": False, "errors": [error]}


# Item errors about a ticket's state, worded alike wherever a redelivery run names a ticket.

def unknown_ticket(ticket_id: str) -> dict[str, Any]:
    return {"code": "redelivery.unknown_ticket", "path": "$.id", "value": ticket_id,
            "message": f"'{ticket_id}' is not a redelivery ticket"}


def not_open(ticket_id: str, ticket: dict[str, Any]) -> dict[str, Any]:
    return {"code": "redelivery.not_open", "path": "$.id", "value": ticket_id,
            "message": f"Ticket '{ticket_id}' is already {ticket['status']}"}


def claimed_by_another(ticket_id: str, ticket: dict[str, Any], claimed_by: str | None) -> dict[str, Any]:
    """The caller's lease ran out and another run claimed the ticket: that run delivers it."""
    return {"code": "redelivery.claimed_by_another", "path": "$.claimed_by", "value": claimed_by,
            "message": f"Ticket '{ticket_id}' is leased to {ticket['claimed_by']!r} now, not to {claimed_by!r}"}
