"""Run the consistency checks and act on each finding: fix it with an audit entry, or open a
quarantine ticket that says what to look at. Running twice opens no second ticket (open tickets
are unique per payload)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from ..accounting import service as accounting
from ..profiles.model import LocationProfile
from ..quarantine.redelivery import RedeliveryPolicy
from ..quarantine.service import Parking, park_deliveries
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
        # Check by check: a later check sees what an earlier one fixed (Geldtransit the missing bookings).
        findings = list(found[name]())
        outcomes = _act(database, findings, by_id, redelivery, options.fix)
        for finding, outcome in zip(findings, outcomes, strict=True):
            report["fixed" if outcome.get("fixed") else "tickets"] += 1
            report["findings"].append({"check": finding.check, "subject": finding.subject,
                                       "message": finding.message, **outcome})
    return report


Indexed = list[tuple[int, checks.Finding]]
Outcomes = dict[int, dict[str, Any]]


def _act(database: Database, findings: list[checks.Finding], profiles: dict[str, LocationProfile],
         redelivery: RedeliveryPolicy, fix: bool) -> list[dict[str, Any]]:
    """What was done about each finding, in order. The work is batched: the missing bookings of a
    profile in one call, all undelivered sales parked in one call, all tickets added in one call."""
    indexed = list(enumerate(findings))
    booked, unbookable = _book_missing(
        database, [(i, f) for i, f in indexed if fix and f.check == "missing_booking"], profiles)
    parked = _park_undelivered(
        database, [(i, f) for i, f in indexed if f.check == "undelivered_sale"], redelivery)
    ticketed = _open_tickets(
        database, [(i, f) for i, f in indexed if i not in booked and i not in parked], unbookable)
    outcomes = booked | parked | ticketed
    return [outcomes[i] for i, _ in indexed]


def _book_missing(database: Database, findings: Indexed,
                  profiles: dict[str, LocationProfile]) -> tuple[Outcomes, dict[int, list[dict[str, Any]]]]:
    """Book the missing events, each with an audit entry; answers the booked ones and the errors of
    those that could not be booked."""
    by_profile: dict[str, Indexed] = defaultdict(list)
    for i, finding in findings:
        by_profile[finding.details["profile"]].append((i, finding))
    booked: Outcomes = {}
    errors: dict[int, list[dict[str, Any]]] = {}
    entries: list[audit.Entry] = []
    for profile_id, group in by_profile.items():
        payloads = [finding.payload for _, finding in group]
        answers = accounting.book_items(database, profiles[profile_id], payloads)
        for (i, finding), answer in zip(group, answers, strict=True):
            if not answer["ok"]:
                errors[i] = answer["errors"]
                continue
            booked[i] = {"fixed": True, "action": "booked"}
            entries.append(audit.Entry("belegfluss check", "booked_missing_event", finding.subject, {
                "profile": profile_id, "rows": len(answer.get("bookings", [])), "reason": finding.message}))
    audit.append_all(database, entries)
    return booked, errors


def _park_undelivered(database: Database, findings: Indexed, redelivery: RedeliveryPolicy) -> Outcomes:
    """The redelivery queue hands each sale to the Redelivery template, which delivers it."""
    if not findings:
        return {}
    tickets = park_deliveries(database, [
        Parking(finding.subject, finding.details["target"], finding.message, payload=finding.payload,
                source="check")
        for _, finding in findings], redelivery)
    return {i: {"fixed": False, "action": "queued for redelivery", "ticket_id": tickets[finding.subject]}
            for i, finding in findings}


def _open_tickets(database: Database, findings: Indexed, errors: dict[int, list[dict[str, Any]]]) -> Outcomes:
    if not findings:
        return {}
    created = quarantine_store.add_tickets(database, [quarantine_store.NewTicket(
        stage="check", source="check", reason=finding.message,
        payload={"check": finding.check, "subject": finding.subject, **finding.details},
        errors=errors.get(i) or [{"code": f"check.{finding.check}", "path": "$", "message": finding.message,
                                  "value": finding.subject}]) for i, finding in findings])
    return {i: {"fixed": False, "action": "ticket", "ticket_id": ticket_id}
            for (i, _), (ticket_id, _created) in zip(findings, created, strict=True)}
