"""Delivery guard for workflows: check the breaker of a target before calling it, report how the
call went afterwards. Batch in, one answer per item out; items for the same target are applied in
input order within one atomic change of that target's breaker."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

from pydantic import BaseModel, Field, ValidationError

from ..model.errors import schema_errors
from ..quarantine.redelivery import RedeliveryPolicy
from ..quarantine.service import Parking, park_deliveries
from ..store import breakers as breaker_store
from ..store import deliveries as delivery_store
from ..store.database import Database
from ..store.quarantine import TicketOrigin
from .breaker import Breaker, BreakerPolicy, Outcome, check, report, retry_at, trips

Item = TypeVar("Item", bound="TargetItem")
Step = Callable[[Breaker, Item], tuple[dict[str, Any], Breaker]]


class TargetItem(BaseModel):
    target: str = Field(min_length=1, max_length=breaker_store.TARGET_CHARS,
                        description='The service a workflow delivers to, e.g. "hubspot:<portal id>"')


class CheckItem(TargetItem):
    pass


class ReportItem(TargetItem):
    ok: bool = Field(description="Whether the delivery succeeded")
    status: int | None = Field(None, ge=100, le=599, description="The target's HTTP status, none for a network error")
    error: str | None = Field(None, description="A short text for people: what went wrong")
    event_id: str | None = Field(None, description="The event delivered; successes are recorded per event and target")
    event_ids: list[str] = Field(default_factory=list, max_length=1000,
                                 description="The events one call delivered (a CRM batch): one outcome for the call")
    park: bool = Field(False, description="A failure: park its events (stored sales) as delivery tickets for redelivery")


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _parse(items: list[Any], model: type[Item]) -> tuple[list[tuple[int, Item]], dict[int, dict[str, Any]]]:
    parsed: list[tuple[int, Item]] = []
    failed: dict[int, dict[str, Any]] = {}
    for index, raw in enumerate(items):
        try:
            parsed.append((index, model.model_validate(raw)))
        except ValidationError as exc:
            failed[index] = {"index": index, "ok": False,
                             "errors": [error.model_dump() for error in schema_errors(exc)]}
    return parsed, failed


def _apply_per_target(database: Database, parsed: list[tuple[int, Item]], answers: dict[int, dict[str, Any]],
                      count: int, step: Step[Item]) -> list[dict[str, Any]]:
    by_target: dict[str, list[tuple[int, Item]]] = {}
    for index, item in parsed:
        by_target.setdefault(item.target, []).append((index, item))
    for target, entries in by_target.items():
        def fold(breaker: Breaker, entries: list[tuple[int, Item]] = entries) -> tuple[dict[int, dict[str, Any]], Breaker]:
            folded: dict[int, dict[str, Any]] = {}
            for index, item in entries:
                answer, breaker = step(breaker, item)
                folded[index] = {"index": index, "ok": True, "target": item.target, **answer}
            return folded, breaker

        folded, _breaker = breaker_store.transition(database, target, fold)
        answers.update(folded)
    return [answers[index] for index in range(count)]


def check_items(database: Database, policy: BreakerPolicy, items: list[Any],
                now: datetime | None = None) -> list[dict[str, Any]]:
    """Per item: may the workflow deliver now (`allowed`), the breaker's `state`, and `retry_at`."""
    moment = now or datetime.now(UTC)

    def step(breaker: Breaker, _item: CheckItem) -> tuple[dict[str, Any], Breaker]:
        decision, after = check(breaker, moment, policy)
        return {"allowed": decision.allowed, "state": decision.state, "retry_at": _iso(decision.retry_at)}, after

    return _apply_per_target(database, *_parse(items, CheckItem), len(items), step)


def report_items(database: Database, policy: BreakerPolicy, items: list[Any], now: datetime | None = None, *,
                 redelivery: RedeliveryPolicy | None = None,
                 origin: TicketOrigin = TicketOrigin()) -> list[dict[str, Any]]:
    """Per item: the breaker's state after this outcome, and whether the outcome counted against the
    target. A failure with `park` parks its events for redelivery (answering their `ticket_ids`)."""
    moment = now or datetime.now(UTC)

    def step(breaker: Breaker, item: ReportItem) -> tuple[dict[str, Any], Breaker]:
        outcome = Outcome(item.ok, item.status, item.error)
        after = report(breaker, outcome, moment, policy)
        return {"state": after.state, "failures": after.failures, "counted": trips(outcome),
                "retry_at": _iso(retry_at(after))}, after

    parsed, failed = _parse(items, ReportItem)
    answers = _apply_per_target(database, parsed, failed, len(items), step)
    delivered: list[tuple[str, str]] = []
    parked: list[tuple[dict[str, Any], list[Parking]]] = []
    for index, item in parsed:
        answer = answers[index]
        event_ids = ([item.event_id] if item.event_id else []) + item.event_ids
        if item.ok:
            delivered.extend((event_id, item.target) for event_id in event_ids)
        elif item.park:
            reason = f"Delivery to {item.target} failed: {item.error or f'HTTP {item.status or 0}'}"
            parked.append((answer, [Parking(event_id, item.target, reason, origin) for event_id in event_ids]))
    delivery_store.record_deliveries(database, delivered, moment)
    if parked:
        tickets = park_deliveries(database, [p for _, parkings in parked for p in parkings],
                                  redelivery or RedeliveryPolicy())
        for answer, parkings in parked:
            answer["ticket_ids"] = [tickets.get(p.event_id) for p in parkings]
    return answers


def describe(breaker: Breaker) -> dict[str, Any]:
    return {"target": breaker.target, "state": breaker.state, "failures": breaker.failures,
            "openings": breaker.openings, "retry_at": _iso(retry_at(breaker)),
            "last_status": breaker.last_status, "last_error": breaker.last_error}


def list_breakers(database: Database, state: str | None = None) -> list[dict[str, Any]]:
    return [describe(breaker) for breaker in breaker_store.list_breakers(database, state)]
