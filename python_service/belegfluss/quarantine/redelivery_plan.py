"""The plan of a redelivery run: the delivery tickets a worker claimed, as HubSpot batches in the
shape the POS intake answers (each batch naming its tickets too), planned the way intake plans a
first delivery (`intake.hubspot_readiness`, `intake.hubspot_batches`), so a replayed sale gets the
same golden id, contact and note wording.

Nothing is dropped: every claimed ticket ends in exactly one batch (`delivery: planned`) or in an
answer saying why not now (`not_now`: the circuit is open, the customer cannot be resolved, the
location has no HubSpot profile, the payload is no sale), which the workflow reports as a failed
attempt; a sale naming no customer has nothing to send (`none`) and its ticket can be closed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from ..intake.hubspot_batches import HubSpotPlan, plan_batches
from ..intake.hubspot_readiness import Candidate, bound_for_hubspot, check_readiness
from ..model.errors import schema_errors
from ..model.sale import Sale
from ..profiles.registry import ProfileRegistry
from ..reliability.breaker import BreakerPolicy
from ..store import quarantine as quarantine_store
from ..store.database import Database
from .redelivery import claimed_by_another, not_open, unknown_ticket


class TicketRef(BaseModel):
    id: str = Field(min_length=1, max_length=40, description="A delivery ticket id, as Claim answered it")
    claimed_by: str | None = Field(
        None, min_length=1, max_length=200,
        description="The worker that claimed it (Claim's `claimed_by`): the ticket must still be leased to it")


@dataclass
class _Replay:
    """A claimed ticket on its way through the plan; `answer` is what the caller gets for it."""

    ticket: dict[str, Any]
    answer: dict[str, Any]


def plan(database: Database, profiles: ProfileRegistry, breaker: BreakerPolicy, items: Sequence[Any],
         now: datetime | None = None) -> HubSpotPlan:
    """Per item (`{"id": <ticket id>}`), in input order: planned into a batch, not now (why), none
    (nothing to send), or an error when it is no delivery ticket this run holds."""
    moment = now or datetime.now(timezone.utc)
    answers: list[dict[str, Any]] = []
    refs: dict[int, TicketRef] = {}
    for index, item in enumerate(items):
        try:
            refs[index] = TicketRef.model_validate(item)
            answers.append({})
        except ValidationError as exc:
            answers.append({"index": index, "ok": False, "errors": [e.model_dump() for e in schema_errors(exc)]})
    stored = quarantine_store.get_tickets(database, [ref.id for ref in refs.values()])
    replays: list[_Replay] = []
    seen: set[str] = set()
    for index, ref in refs.items():
        ticket_id = ref.id
        problem = _claim_problem(stored.get(ticket_id), ref, moment, ticket_id in seen)
        seen.add(ticket_id)
        if problem is not None:
            answers[index] = {"index": index, "ok": False, "errors": [problem]}
            continue
        ticket = stored[ticket_id]
        answers[index] = {"index": index, "ok": True, "ticket_id": ticket_id, "event_id": ticket["event_id"],
                          "target": ticket["target"]}
        replays.append(_Replay(ticket, answers[index]))
    return HubSpotPlan(answers, _plan_hubspot(database, profiles, breaker, replays))


def _claim_problem(ticket: dict[str, Any] | None, ref: TicketRef, now: datetime,
                   listed_before: bool) -> dict[str, Any] | None:
    """Why a ticket cannot be planned by the caller, as an item error; None when it can."""
    ticket_id = ref.id

    def error(code: str, message: str) -> dict[str, Any]:
        return {"code": code, "path": "$.id", "value": ticket_id, "message": message}

    if ticket is None or ticket["stage"] != "delivery" or ticket["max_attempts"] == 0:
        return unknown_ticket(ticket_id)
    if ticket["status"] != "open":
        return not_open(ticket_id, ticket)
    if ticket["claimed_until"] is None or datetime.fromisoformat(ticket["claimed_until"]) <= now:
        return error("redelivery.not_claimed",
                     f"Ticket '{ticket_id}' is not claimed (or its lease ran out): claim it before planning it")
    if ref.claimed_by is not None and ticket["claimed_by"] != ref.claimed_by:
        return claimed_by_another(ticket_id, ticket, ref.claimed_by)
    if listed_before:
        return error("redelivery.listed_twice", f"Ticket '{ticket_id}' is listed twice; it is planned once")
    return None


def _plan_hubspot(database: Database, profiles: ProfileRegistry, breaker: BreakerPolicy,
                  replays: list[_Replay]) -> list[dict[str, Any]]:
    """The HubSpot batches of the replays that can go now; every other replay's answer says why not."""
    bound: list[tuple[_Replay, Candidate]] = []
    planned_with: dict[tuple[str, str], str] = {}  # (target, sale id) → the ticket that carries it
    for replay in replays:
        try:
            sale = Sale.model_validate(replay.ticket["payload"])
        except ValidationError:
            _not_now(replay, "The ticket holds no stored sale to deliver")
            continue
        profile = profiles.get(sale.location_id)
        if profile is None or profile.crm.target != "hubspot":
            _not_now(replay, f"Location '{sale.location_id}' has no profile delivering to HubSpot")
        elif not bound_for_hubspot(sale, profile):
            replay.answer.update(delivery="none", reason="The sale names no customer: nothing to send to HubSpot")
        else:
            # A ticket names the target it was parked for; one queued by hand may leave it to the profile.
            target = replay.ticket["target"] or profile.delivery_target
            first = planned_with.setdefault((target, sale.id), replay.ticket["id"])
            if first != replay.ticket["id"]:
                # Two tickets for one sale (one queued by hand, say): the sale goes out once.
                replay.answer.update(delivery="none", reason=f"The sale goes out with ticket {first}")
                continue
            bound.append((replay, Candidate(sale, profile, target)))
    deliveries = []
    ticket_of: dict[tuple[str, str], str] = {}
    for (replay, candidate), ready in zip(bound, check_readiness(database, breaker, [c for _, c in bound])):
        if ready.delivery is None:
            _not_now(replay, ready.refusal)
            continue
        replay.answer.update(delivery="planned", golden_id=ready.delivery.golden_id)
        deliveries.append(ready.delivery)
        ticket_of[(candidate.target, candidate.sale.id)] = replay.ticket["id"]
    batches = plan_batches(deliveries)
    for batch in batches:
        # An open delivery ticket is unique per (target, event), so each event names one ticket.
        batch["ticket_ids"] = [ticket_of[(batch["target"], event_id)] for event_id in batch["event_ids"]]
    return batches


def _not_now(replay: _Replay, reason: str) -> None:
    replay.answer.update(delivery="not_now", reason=reason)
