"""Adding tickets from workflows, resolving them, and retrying them through the original path."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from pydantic import BaseModel, Field

from ..sources import map_payload
from ..sources.errors import MappingError
from ..store import events as event_store
from ..store.breakers import TARGET_CHARS
from ..store import quarantine as quarantine_store
from ..store.database import Database
from ..validation.pipeline import ProfileLookup, validate_events
from .redelivery import RedeliveryPolicy, first_attempt_at

# The n8n node attaches its findings to an invalid item under this key; the ticket keeps them as
# errors and stores the payload without them, so the same item quarantined twice is one ticket.
NODE_ANNOTATION = "belegfluss"


class TicketRequest(BaseModel):
    source: str = "n8n"
    stage: str = "workflow"
    payload: Any
    errors: list[dict[str, Any]] = Field(default_factory=list)
    reason: str = ""
    event_id: str | None = None
    workflow: str | None = None
    node: str | None = None
    execution_id: str | None = None
    target: str | None = Field(None, max_length=TARGET_CHARS,
                               description="Delivery target, e.g. hubspot:cafe-berlin (stage delivery)")
    max_attempts: int | None = Field(None, ge=1, le=100, description="Redelivery attempts (stage delivery)")


class ResolveRequest(BaseModel):
    id: str
    resolution: str = Field(min_length=1, max_length=100)
    note: str | None = None


def add_from_requests(database: Database, requests: list[TicketRequest],
                      redelivery: RedeliveryPolicy) -> list[dict[str, Any]]:
    """Tickets of stage `delivery` join the redelivery queue (due after the first backoff)."""
    now = datetime.now(timezone.utc)
    new_tickets = []
    for request in requests:
        queued = request.stage == "delivery"
        payload, errors = request.payload, list(request.errors)
        if isinstance(payload, dict) and isinstance(payload.get(NODE_ANNOTATION), dict):
            payload = {key: value for key, value in payload.items() if key != NODE_ANNOTATION}
            errors = errors or list(request.payload[NODE_ANNOTATION].get("errors") or [])
        new_tickets.append(quarantine_store.NewTicket(
            stage=request.stage, source=request.source, payload=payload, errors=errors, reason=request.reason,
            event_id=request.event_id, workflow=request.workflow, node=request.node,
            execution_id=request.execution_id, target=request.target,
            max_attempts=(request.max_attempts or redelivery.max_attempts) if queued else 0,
            next_attempt_at=first_attempt_at(redelivery, now) if queued else None,
        ))
    created = quarantine_store.add_tickets(database, new_tickets)
    return [{"index": i, "ok": True, "ticket_id": ticket_id, "created": was_created}
            for i, (ticket_id, was_created) in enumerate(created)]


@dataclass(frozen=True)
class Parking:
    """A stored sale whose delivery to `target` failed or was not tried: why, and who parked it."""

    event_id: str
    target: str
    reason: str
    origin: quarantine_store.TicketOrigin = quarantine_store.TicketOrigin()
    payload: dict[str, Any] | None = None  # the stored sale, when the caller has it in hand
    source: str | None = None  # the ticket's source when not the sale's own, e.g. "check" for the nightly check


def park_deliveries(database: Database, parkings: list[Parking], redelivery: RedeliveryPolicy) -> dict[str, str]:
    """Delivery tickets holding each stored sale as payload (what the Redelivery template replays);
    answers the ticket id per event id. Events not in the store get no ticket."""
    payloads = {p.event_id: p.payload for p in parkings if p.payload is not None}
    payloads.update(event_store.load_payloads(database, [p.event_id for p in parkings if p.payload is None]))
    known = [parking for parking in parkings if parking.event_id in payloads]
    requests = [TicketRequest(stage="delivery", source=p.source or str(payloads[p.event_id].get("source") or "pos"),
                              payload=payloads[p.event_id], reason=p.reason, event_id=p.event_id,
                              target=p.target, workflow=p.origin.workflow, node=p.origin.node,
                              execution_id=p.origin.execution_id)
                for p in known]
    tickets = add_from_requests(database, requests, redelivery) if requests else []
    return {parking.event_id: ticket["ticket_id"] for parking, ticket in zip(known, tickets)}


def resolve(database: Database, requests: list[ResolveRequest]) -> list[dict[str, Any]]:
    answers = []
    for index, request in enumerate(requests):
        ticket = quarantine_store.resolve_ticket(database, request.id, request.resolution, request.note)
        if ticket is None:
            answers.append({"index": index, "ok": False, "errors": [{
                "code": "quarantine.unknown_ticket", "path": "$.id", "value": request.id,
                "message": f"No quarantine ticket '{request.id}'"}]})
        else:
            answers.append({"index": index, "ok": True, "ticket": ticket})
    return answers


class NotRetryable(ValueError):
    pass


def retry(database: Database, ticket: dict[str, Any], payload: Any, profile_for: ProfileLookup) -> dict[str, Any]:
    """Run a (corrected) payload through the path it failed on: map for POS payloads, then validate.

    Success stores the event and closes the ticket as `retried`; failure keeps it open with the new
    errors and records the attempt.
    """
    if ticket["stage"] not in ("map", "validate"):
        raise NotRetryable(
            f"ticket {ticket['id']} failed in stage '{ticket['stage']}', which the sidecar cannot replay; "
            f"re-run the workflow or resolve the ticket")
    payload = ticket["payload"] if payload is None else payload
    errors: list[dict[str, Any]] = []
    event_payload: Any = payload
    if ticket["stage"] == "map":
        try:
            event_payload = map_payload(ticket["source"], payload).model_dump(mode="json")
        except MappingError as exc:
            errors = [error.model_dump() for error in exc.errors]
    answer: dict[str, Any] = {}
    if not errors:
        [result] = validate_events(database, [event_payload], profile_for, store=True, quarantine=False,
                                   source=ticket["source"])
        errors = [error.model_dump() for error in result.errors]
        answer = result.as_json()
    attempt = {"ok": not errors, "errors": errors}
    if errors:
        quarantine_store.record_attempt(database, ticket["id"], attempt, errors=errors, payload=payload)
        return {"ok": False, "errors": errors, "ticket": quarantine_store.get_ticket(database, ticket["id"])}
    quarantine_store.record_attempt(database, ticket["id"], attempt, payload=payload)
    closed = quarantine_store.resolve_ticket(database, ticket["id"], "retried", None, status="retried")
    return {"ok": True, "event_id": answer.get("event_id"), "stored": answer.get("stored"),
            "warnings": answer.get("warnings", []), "event": event_payload, "ticket": closed}
