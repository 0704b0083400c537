"""Take in a webhook delivery of POS sales in one call: map, validate and store, book, resolve the
customer, check the CRM's circuit, and plan the CRM batches the workflow sends.

The same steps exist as separate endpoints (and node operations) for workflows that want each step
on the canvas; this one call is the fast path of the POS template (n8n's cost grows per item
and per node, so the fewer items flow through n8n, the more sales a worker takes per second).

Nothing is dropped: every payload ends stored (and booked where its location has a profile), or as
a quarantine ticket naming why; a sale whose CRM circuit is open is parked as a delivery ticket for
the Redelivery template. Every step is idempotent per event, so a retried delivery (or a client
retry after a crash) completes what is missing and doubles nothing: a repeat delivery is booked
if its booking is missing, and never planned for the CRM again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from ..accounting.service import book_events
from ..model.sale import Sale
from ..profiles.model import LocationProfile
from ..profiles.registry import ProfileRegistry
from ..quarantine.redelivery import RedeliveryPolicy
from ..quarantine.service import Parking, TicketRequest, add_from_requests, park_deliveries
from ..reliability.breaker import BreakerPolicy
from ..sources.batch import map_and_check
from ..store.database import Database
from ..store.quarantine import TicketOrigin
from ..validation.pipeline import ProfileLookup
from .hubspot_batches import Delivery, HubSpotPlan, plan_batches
from .hubspot_readiness import Candidate, bound_for_hubspot, check_readiness


@dataclass(frozen=True)
class IntakePolicies:
    breaker: BreakerPolicy
    redelivery: RedeliveryPolicy
    clock_skew: timedelta = timedelta(minutes=5)


@dataclass
class _Sale:
    """What happened to one payload so far; `answer` is what the caller gets for it."""

    answer: dict[str, Any]
    sale: Sale | None = None
    payload: dict[str, Any] | None = None  # the sale's canonical JSON
    payload_hash: str = ""  # its content hash, taken from validation so the booking store hashes nothing again
    profile: LocationProfile | None = None
    new: bool = False


def take_in(database: Database, profiles: ProfileRegistry, validation_profile: ProfileLookup, source: str,
            payloads: Sequence[Any], policies: IntakePolicies, origin: TicketOrigin = TicketOrigin()) -> HubSpotPlan:
    checked = map_and_check(database, source, payloads, quarantine=True, validate_with=validation_profile,
                            clock_skew=policies.clock_skew, origin=origin)
    sales = []
    for result in checked:
        answer: dict[str, Any] = {"index": result.index, "ok": result.ok,
                                  "event_id": result.event.id if result.event is not None else None,
                                  "booked": None, "delivery": "none"}
        if result.ok:
            answer.update(stored=result.stored, warnings=[w.model_dump() for w in result.warnings])
        else:
            answer.update(errors=[e.model_dump() for e in result.errors], ticket_id=result.ticket_id)
        entry = _Sale(answer)
        if result.ok and isinstance(result.event, Sale):
            entry.sale, entry.payload, entry.new = result.event, result.payload, result.stored == "new"
            entry.payload_hash = result.payload_hash
            entry.profile = profiles.get(entry.sale.location_id)
        sales.append(entry)
    _book(database, sales, policies, origin)
    deliveries = _plan_crm(database, [s for s in sales if s.new and s.answer["ok"]], policies, origin)
    return HubSpotPlan([entry.answer for entry in sales], plan_batches(deliveries))


def _book(database: Database, sales: list[_Sale], policies: IntakePolicies, origin: TicketOrigin) -> None:
    """Book every stored sale of a location with accounting settings (a repeat delivery too: its
    booking is answered from the store if it exists, and made now if a crash prevented it)."""
    by_profile: dict[str, list[_Sale]] = {}
    for entry in sales:
        # A location without a profile (or one without accounting) is stored, not booked.
        if entry.sale is not None and entry.profile is not None and entry.profile.accounting is not None:
            by_profile.setdefault(entry.profile.id, []).append(entry)
    unbookable: list[_Sale] = []
    for group in by_profile.values():
        answers = book_events(database, group[0].profile, [entry.sale for entry in group],
                              payload_hashes=[entry.payload_hash for entry in group], with_bookings=False)
        for entry, booked in zip(group, answers):
            if booked["ok"]:
                entry.answer["booked"] = booked["stored"]
            else:
                entry.answer.update(ok=False, errors=booked["errors"])
                unbookable.append(entry)
    _quarantine(database, policies, origin, unbookable, stage="book",
                reason="Sale could not be booked under its location profile")


def _plan_crm(database: Database, sales: list[_Sale], policies: IntakePolicies, origin: TicketOrigin) -> list[Delivery]:
    """New sales of HubSpot locations with a customer reference, ready for HubSpot. Sales whose
    circuit is open are parked as delivery tickets for the Redelivery template; sales whose customer
    cannot be resolved are quarantined."""
    bound = [entry for entry in sales if entry.sale is not None and bound_for_hubspot(entry.sale, entry.profile)]
    candidates = [Candidate(entry.sale, entry.profile, entry.profile.delivery_target) for entry in bound]
    deliveries: list[Delivery] = []
    parked: list[tuple[_Sale, Parking]] = []
    unresolved: list[_Sale] = []
    for entry, ready in zip(bound, check_readiness(database, policies.breaker, candidates)):
        if ready.circuit is not None:
            entry.answer["delivery"] = "parked"
            reason = f"{ready.refusal}: parked without calling"
            parked.append((entry, Parking(entry.sale.id, ready.circuit["target"], reason, origin, entry.payload)))
        elif ready.delivery is None:
            entry.answer["customer_errors"] = ready.customer_errors
            unresolved.append(entry)
        else:
            entry.answer.update(delivery="planned", golden_id=ready.delivery.golden_id, decision=ready.decision)
            deliveries.append(ready.delivery)
    if parked:
        tickets = park_deliveries(database, [parking for _, parking in parked], policies.redelivery)
        for entry, parking in parked:
            entry.answer["ticket_id"] = tickets.get(parking.event_id)
    _quarantine(database, policies, origin, unresolved, stage="identity",
                reason="Customer reference could not be resolved", errors_key="customer_errors")
    return deliveries


def _quarantine(database: Database, policies: IntakePolicies, origin: TicketOrigin, failed: list[_Sale], *,
                stage: str, reason: str, errors_key: str = "errors") -> None:
    requests = [TicketRequest(stage=stage, source=entry.sale.source or "pos", payload=entry.payload,
                              errors=entry.answer.get(errors_key, []), reason=reason, event_id=entry.sale.id,
                              workflow=origin.workflow, node=origin.node, execution_id=origin.execution_id)
                for entry in failed]
    if requests:
        for entry, ticket in zip(failed, add_from_requests(database, requests, policies.redelivery)):
            entry.answer["ticket_id"] = ticket["ticket_id"]
