"""Run the consistency checks and act on each finding: fix it with an audit entry, or open a
quarantine ticket that says what to look at. Running twice opens no second ticket (open tickets
are unique per payload)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from ..accounting import service as accounting
from ..profiles.model import LocationProfile
from ..quarantine.redelivery import RedeliveryPolicy, first_attempt_at
from ..store import audit
from ..store import quarantine as quarantine_store
from ..store.database import Database
from . import checks

CHECKS = ("undelivered_sales", "missing_bookings", "geldtransit", "receipt_sequence")


@dataclass(frozen=True)
class CheckOptions:
    checks: tuple[str, ...] = CHECKS
    fix: bool = True
    delivery_grace: timedelta = timedelta(hours=1)


def run_checks(database: Database, profiles: list[LocationProfile], redelivery: RedeliveryPolicy,
               options: CheckOptions, now: datetime | None = None) -> dict[str, Any]:
    now = now or datetime.now(timezone.utc)
    by_id = {profile.id: profile for profile in profiles}
    found: dict[str, Callable[[], Iterable[checks.Finding]]] = {
        "undelivered_sales": lambda: checks.undelivered_sales(database, profiles, now, options.delivery_grace),
        "missing_bookings": lambda: checks.missing_bookings(database, profiles),
        "geldtransit": lambda: checks.geldtransit_not_netting(database, profiles),
        "receipt_sequence": lambda: checks.receipt_sequence(database),
    }
    report: dict[str, Any] = {"checked_at": now.isoformat(), "findings": [], "fixed": 0, "tickets": 0}
    for name in options.checks:
        for finding in found[name]():
            outcome = _act(database, finding, by_id, redelivery, options.fix, now)
            report["fixed" if outcome.get("fixed") else "tickets"] += 1
            report["findings"].append({"check": finding.check, "subject": finding.subject,
                                       "message": finding.message, **outcome})
    return report


def _act(database: Database, finding: checks.Finding, profiles: dict[str, LocationProfile],
         redelivery: RedeliveryPolicy, fix: bool, now: datetime) -> dict[str, Any]:
    if fix and finding.check == "missing_booking":
        profile = profiles[finding.details["profile"]]
        [answer] = accounting.book_items(database, profile, [finding.payload])
        if answer["ok"]:
            audit.append(database, "belegfluss check", "booked_missing_event", finding.subject,
                         {"profile": profile.id, "rows": len(answer.get("bookings", [])), "reason": finding.message})
            return {"fixed": True, "action": "booked"}
        return _ticket(database, finding, errors=answer["errors"])
    if finding.check == "undelivered_sale":
        # The redelivery queue hands the sale to the Redelivery template, which delivers it.
        [(ticket_id, _created)] = quarantine_store.add_tickets(database, [quarantine_store.NewTicket(
            stage="delivery", source="check", payload=finding.payload, reason=finding.message, errors=[],
            event_id=finding.subject, target=finding.details["target"], max_attempts=redelivery.max_attempts,
            next_attempt_at=first_attempt_at(redelivery, now))])
        return {"fixed": False, "action": "queued for redelivery", "ticket_id": ticket_id}
    return _ticket(database, finding)


def _ticket(database: Database, finding: checks.Finding, errors: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    [(ticket_id, _created)] = quarantine_store.add_tickets(database, [quarantine_store.NewTicket(
        stage="check", source="check", reason=finding.message,
        payload={"check": finding.check, "subject": finding.subject, **finding.details},
        errors=errors or [{"code": f"check.{finding.check}", "path": "$", "message": finding.message,
                           "value": finding.subject}])])
    return {"fixed": False, "action": "ticket", "ticket_id": ticket_id}
