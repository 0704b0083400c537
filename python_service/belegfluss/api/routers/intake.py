"""The POS fast path: one call takes in a webhook delivery of sales (map, validate and store, book,
resolve customers, check the CRM circuit) and answers the CRM batches to send."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from ...intake.service import IntakePolicies, take_in
from ...sources import MAPPERS
from ...store.quarantine import TicketOrigin
from ..batch import body_doc, read_envelope
from ..deps import DatabaseDep, ProfilesDep, profile_lookup

router = APIRouter(prefix="/v1", tags=["intake"])


class IntakeRequest(BaseModel):
    source: str = Field(description="POS the payloads come from: " + ", ".join(MAPPERS)
                                    + " (an unknown one puts every payload into quarantine)")
    items: list[Any] = Field(description="Vendor payloads, one per sale")
    workflow: str | None = Field(None, description="For tickets: the n8n workflow that sent the payloads")
    node: str | None = Field(None, description="For tickets: the n8n node that sent them")
    execution_id: str | None = Field(None, description="For tickets: the n8n execution")


@router.post("/intake", summary="Take in POS sales: map, validate, store, book, resolve customers, plan CRM batches",
             openapi_extra=body_doc(IntakeRequest))
async def intake(request: Request, database: DatabaseDep, profiles: ProfilesDep) -> dict[str, Any]:
    """Answers `results` (per payload: `event_id`, `stored`, `booked`, `delivery` = planned, parked
    or none, `golden_id`, `ticket_id`, `errors`) and `deliveries` (HubSpot batches: `target`,
    `base_url`, `event_ids`, `contacts` to upsert, `notes` by golden id, and the `deliveries`
    themselves for parking if HubSpot refuses the batch). Everything that fails is in quarantine."""
    body = await read_envelope(request, IntakeRequest)
    settings = request.app.state.settings
    policies = IntakePolicies(settings.breaker, settings.redelivery, timedelta(seconds=settings.clock_skew_seconds))
    origin = TicketOrigin(body.workflow, body.node, body.execution_id)
    result = await run_in_threadpool(take_in, database, profiles, profile_lookup(profiles, None), body.source,
                                     body.items, policies, origin)
    return result.as_json()
