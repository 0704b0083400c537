from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from ...quarantine import service
from ...store import quarantine as quarantine_store
from ..batch import body_doc, read_envelope, read_json, results
from ..deps import DatabaseDep, ProfilesDep, profile_lookup
from ..errors import ApiError

router = APIRouter(prefix="/v1/quarantine", tags=["quarantine"])


class AddRequest(BaseModel):
    items: list[service.TicketRequest]


class ResolveBatch(BaseModel):
    items: list[service.ResolveRequest]


class RetryRequest(BaseModel):
    payload: Any = None
    profile: str | None = None


@router.post("", summary="Put items into quarantine as tickets",
             openapi_extra=body_doc(AddRequest))
async def add(request: Request, database: DatabaseDep) -> dict[str, Any]:
    body = await read_envelope(request, AddRequest)
    policy = request.app.state.settings.redelivery
    return results(await run_in_threadpool(service.add_from_requests, database, body.items, policy))


@router.get("", summary="List tickets")
def list_tickets(database: DatabaseDep,
                 status: Literal["open", "resolved", "retried", "delivered", "dead"] | None = None,
                 source: str | None = None, code: str | None = None, stage: str | None = None,
                 limit: int = 100, offset: int = 0) -> dict[str, Any]:
    tickets, total = quarantine_store.list_tickets(database, status, source, code, stage, min(limit, 1000), offset)
    return {"tickets": tickets, "total": total}


@router.post("/resolve", summary="Resolve tickets",
             openapi_extra=body_doc(ResolveBatch))
async def resolve(request: Request, database: DatabaseDep) -> dict[str, Any]:
    body = await read_envelope(request, ResolveBatch)
    return results(await run_in_threadpool(service.resolve, database, body.items))


@router.get("/{ticket_id}", summary="One ticket")
def get_ticket(ticket_id: str, database: DatabaseDep) -> dict[str, Any]:
    ticket = quarantine_store.get_ticket(database, ticket_id)
    if ticket is None:
        raise ApiError(404, "quarantine.unknown_ticket", f"No quarantine ticket '{ticket_id}'")
    return ticket


@router.post("/{ticket_id}/retry", summary="Retry a ticket, optionally with a corrected payload",
             openapi_extra=body_doc(RetryRequest))
async def retry(ticket_id: str, request: Request, database: DatabaseDep, profiles: ProfilesDep) -> dict[str, Any]:
    raw = await read_json(request) if await request.body() else {}
    body = RetryRequest.model_validate(raw if isinstance(raw, dict) else {"payload": raw})
    ticket = quarantine_store.get_ticket(database, ticket_id)
    if ticket is None:
        raise ApiError(404, "quarantine.unknown_ticket", f"No quarantine ticket '{ticket_id}'")
    if ticket["status"] != "open":
        raise ApiError(409, "quarantine.not_open", f"Ticket '{ticket_id}' is {ticket['status']}, not open")
    try:
        return await run_in_threadpool(service.retry, database, ticket, body.payload,
                                       profile_lookup(profiles, body.profile))
    except service.NotRetryable as exc:
        raise ApiError(409, "quarantine.not_retryable", str(exc)) from exc
