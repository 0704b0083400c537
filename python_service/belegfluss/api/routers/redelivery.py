from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from ...quarantine import redelivery
from ..batch import body_doc, read_envelope, results
from ..deps import DatabaseDep

router = APIRouter(prefix="/v1/redelivery", tags=["redelivery"])


class ReportBatch(BaseModel):
    items: list[redelivery.OutcomeReport]



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
