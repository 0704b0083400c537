from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from ...quarantine import redelivery, redelivery_plan
from ..batch import body_doc, read_envelope, results
from ..deps import DatabaseDep, ProfilesDep

router = APIRouter(prefix="/v1/redelivery", tags=["redelivery"])


class ReportBatch(BaseModel):
    items: list[redelivery.OutcomeReport]


class PlanRequest(BaseModel):
    items: list[Any] = Field(description='The claimed delivery tickets: [{"id": "q_..."}, ...]')


@router.post("/claim", summary="Claim due redelivery tickets (each goes to exactly one worker)",
             openapi_extra=body_doc(redelivery.ClaimRequest))
async def claim(request: Request, database: DatabaseDep) -> dict[str, Any]:
    body = await read_envelope(request, redelivery.ClaimRequest)
    tickets = await run_in_threadpool(redelivery.claim, database, request.app.state.settings.redelivery, body)
    return {"tickets": tickets}


@router.post("/report", summary="Report redelivery outcomes: delivered, retry later, or dead-lettered",
             openapi_extra=body_doc(ReportBatch))
async def report(request: Request, database: DatabaseDep) -> dict[str, Any]:
    body = await read_envelope(request, ReportBatch)
    policy = request.app.state.settings.redelivery
    return results(await run_in_threadpool(redelivery.report, database, policy, body.items))


@router.post("/plan", summary="Plan claimed delivery tickets as HubSpot batches, as intake plans a first delivery",
             openapi_extra=body_doc(PlanRequest))
async def plan(request: Request, database: DatabaseDep, profiles: ProfilesDep) -> dict[str, Any]:
    """Answers `results` (per ticket: `delivery` = planned, not_now with its `reason`, or none when
    the sale names no customer; or `errors` for a ticket that is no claimed delivery ticket) and
    `deliveries`: HubSpot batches as `/v1/intake` answers them, each with its `ticket_ids`."""
    body = await read_envelope(request, PlanRequest)
    breaker = request.app.state.settings.breaker
    answer = await run_in_threadpool(redelivery_plan.plan, database, profiles, breaker, body.items)
    return answer.as_json()
