from __future__ import annotations

from datetime import timedelta
from typing import Any, Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from ...crm import CrmTarget
from ...crm.batch import map_to_crm
from ...sources import MAPPERS
from ...sources.batch import map_batch
from ...store import events as event_store
from ...validation.pipeline import validate_events
from ..batch import body_doc, read_envelope, results
from ..deps import DatabaseDep, ProfilesDep, profile_lookup
from ..errors import ApiError

router = APIRouter(prefix="/v1", tags=["events"])


class MapRequest(BaseModel):
    source: str | None = Field(None, description="POS the payloads come from: " + ", ".join(MAPPERS))
    target: CrmTarget | None = Field(
        None, description="Instead of a source: map golden customers ({golden_id}) to CRM contacts and "
                          "sales to purchase notes for this CRM")
    items: list[Any] = Field(description="Vendor payloads, one per sale (or, with target, customers and sales)")
    quarantine: bool = Field(False, description="Put items that fail into quarantine")
    validate_events: bool = Field(
        False, alias="validate",
        description="Also validate and store the mapped events in this call (answers carry `stored` and `warnings`)")
    profile: str | None = Field(None, description="With validate: the location profile id")
    store: bool = Field(True, description="With validate: store events that pass")


class ValidateRequest(BaseModel):
    items: list[Any] = Field(description="Canonical events (sales, refunds, voids, Z-reports)")
    profile: str | None = Field(None, description="Location profile id; default: the event's location_id")
    store: bool = Field(True, description="Store events that pass (idempotent by event id)")
    quarantine: bool = Field(False, description="Put items that fail into quarantine")
    source: str = "canonical"



@router.post("/map", summary="Map POS payloads to canonical events", openapi_extra=body_doc(MapRequest))
async def map_payloads(request: Request, database: DatabaseDep, profiles: ProfilesDep) -> dict[str, Any]:
    body = await read_envelope(request, MapRequest)
    if body.target is not None:
        return results(await run_in_threadpool(map_to_crm, database, body.target, body.items))
    if body.source not in MAPPERS:
        raise ApiError(422, "source.unknown",
                       f"Unknown source '{body.source}'; choose one of {', '.join(tuple(MAPPERS))}")
    lookup = profile_lookup(profiles, body.profile) if body.validate_events else None
    skew = timedelta(seconds=request.app.state.settings.clock_skew_seconds)
    return results(await run_in_threadpool(
        lambda: map_batch(database, body.source, body.items, body.quarantine, validate_with=lookup,
                          store=body.store, clock_skew=skew)))


@router.post("/validate", summary="Validate canonical events and store those that pass",
             openapi_extra=body_doc(ValidateRequest))
async def validate(request: Request, database: DatabaseDep, profiles: ProfilesDep) -> dict[str, Any]:
    body = await read_envelope(request, ValidateRequest)
    settings = request.app.state.settings
    answers = await run_in_threadpool(
        validate_events, database, body.items, profile_lookup(profiles, body.profile),
        store=body.store, quarantine=body.quarantine, source=body.source,
        clock_skew=timedelta(seconds=settings.clock_skew_seconds),
    )
    return results([answer.as_json() for answer in answers])


@router.get("/events", summary="Stored canonical events")
def list_events(database: DatabaseDep, location_id: str | None = None,
                kind: Literal["sale", "refund", "void", "z_report"] | None = None,
                limit: int = 100, offset: int = 0) -> dict[str, Any]:
    items, total = event_store.list_events(database, location_id, kind, min(limit, 1000), offset)
    return {"events": items, "total": total}


@router.get("/events/{event_id}", summary="One stored canonical event")
def get_event(event_id: str, database: DatabaseDep) -> dict[str, Any]:
    event = event_store.get_event(database, event_id)
    if event is None:
        raise ApiError(404, "event.unknown", f"No stored event '{event_id}'")
    return event
