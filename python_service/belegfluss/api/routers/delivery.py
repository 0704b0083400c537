"""Circuit breakers per delivery target, shared by every n8n worker: check before calling a CRM,
report the outcome after."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from ...reliability import delivery
from ..batch import body_doc, read_envelope, results
from ..deps import DatabaseDep

router = APIRouter(prefix="/v1/delivery", tags=["delivery"])


class CheckRequest(BaseModel):
    items: list[Any] = Field(description='[{"target": "hubspot:123"}, ...]')


class ReportRequest(BaseModel):
    items: list[Any] = Field(description='[{"target": "hubspot:123", "ok": false, "status": 503, "error": "..."}, ...]')



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
    policy = request.app.state.settings.breaker
    return results(await run_in_threadpool(delivery.report_items, database, policy, body.items))


@router.get("/breakers", summary="The circuit breakers of all delivery targets")
def breakers(database: DatabaseDep, state: Literal["closed", "open", "half_open"] | None = None) -> dict[str, Any]:
    return {"breakers": delivery.list_breakers(database, state)}
