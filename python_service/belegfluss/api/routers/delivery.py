"""Circuit breakers per delivery target, shared by every n8n worker: check before calling a CRM,
report the outcome after."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from ...reliability import delivery
from ...store.quarantine import TicketOrigin
from ..batch import body_doc, read_envelope, results
from ..deps import DatabaseDep

router = APIRouter(prefix="/v1/delivery", tags=["delivery"])


class CheckRequest(BaseModel):
    items: list[Any] = Field(description='[{"target": "hubspot:123"}, ...]')


class ReportRequest(BaseModel):
    items: list[Any] = Field(description='[{"target": "hubspot:123", "ok": false, "status": 503, "error": "..."}, ...]')
    workflow: str | None = Field(None, description="For tickets of parked events: the n8n workflow")
    node: str | None = Field(None, description="For tickets of parked events: the n8n node")
    execution_id: str | None = Field(None, description="For tickets of parked events: the n8n execution")



@router.post("/check", summary="May these deliveries go out now? (claims the half-open probe)",
             openapi_extra=body_doc(CheckRequest))
async def check(request: Request, database: DatabaseDep) -> dict[str, Any]:
    body = await read_envelope(request, CheckRequest)
    policy = request.app.state.settings.breaker
    return results(await run_in_threadpool(delivery.check_items, database, policy, body.items))


@router.post("/report", summary="Report delivery outcomes; failures open the target's breaker",
             openapi_extra=body_doc(ReportRequest))
async def report(request: Request, database: DatabaseDep) -> dict[str, Any]:
    body = await read_envelope(request, ReportRequest)
    settings = request.app.state.settings
    origin = TicketOrigin(body.workflow, body.node, body.execution_id)
    return results(await run_in_threadpool(lambda: delivery.report_items(
        database, settings.breaker, body.items, redelivery=settings.redelivery, origin=origin)))


@router.get("/breakers", summary="The circuit breakers of all delivery targets")
def breakers(database: DatabaseDep, state: Literal["closed", "open", "half_open"] | None = None) -> dict[str, Any]:
    return {"breakers": delivery.list_breakers(database, state)}
