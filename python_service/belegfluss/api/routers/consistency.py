from __future__ import annotations

from datetime import timedelta
from typing import Any, Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from ...consistency import crm_contacts
from ...consistency.runner import CHECKS, CheckOptions, run_checks
from ...store import audit
from ..batch import body_doc, read_envelope, results
from ..deps import DatabaseDep, ProfilesDep

router = APIRouter(prefix="/v1", tags=["consistency"])

CheckName = Literal["undelivered_sales", "missing_bookings", "geldtransit", "receipt_sequence"]


class CheckRequest(BaseModel):
    checks: list[CheckName] = Field(default_factory=lambda: list(CHECKS))
    fix: bool = Field(True, description="Fix what can be fixed (with an audit entry); the rest become tickets")
    grace_minutes: int = Field(60, ge=0, description="How long after storing a sale counts as undelivered")


@router.post("/check", summary="Run the consistency checks (the nightly correction job)",
             openapi_extra=body_doc(CheckRequest))
async def check(request: Request, database: DatabaseDep, profiles: ProfilesDep) -> dict[str, Any]:
    body = await read_envelope(request, CheckRequest)
    options = CheckOptions(checks=tuple(body.checks), fix=body.fix,
                           delivery_grace=timedelta(minutes=body.grace_minutes))
    return await run_in_threadpool(run_checks, database, profiles.all(), request.app.state.settings.redelivery,
                                   options)


class CrmContactsRequest(BaseModel):
    target: str = Field(min_length=1, description='The CRM the contacts come from, e.g. "hubspot:cafe-berlin"')
    items: list[Any] = Field(description='[{"contact_id": "501", "golden_id": "g_..."}, ...]')


@router.post("/check/crm-contacts", summary="Which CRM contacts point at merged golden customers",
             openapi_extra=body_doc(CrmContactsRequest))
async def check_crm_contacts(request: Request, database: DatabaseDep) -> dict[str, Any]:
    body = await read_envelope(request, CrmContactsRequest)
    return results(await run_in_threadpool(crm_contacts.check_crm_contacts, database, body.target, body.items))


@router.get("/audit", summary="The audit trail: what the sidecar changed by itself, when and why")
def audit_trail(database: DatabaseDep, subject: str | None = None, action: str | None = None,
                limit: int = 100) -> dict[str, Any]:
    return {"entries": audit.entries(database, subject, action, min(limit, 1000))}
