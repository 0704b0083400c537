"""Accounting endpoints: book events, export DATEV files, reconcile Z-reports."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from ...accounting import service
from ...accounting.datev.errors import DatevExportError
from ...profiles.model import LocationProfile
from ...store import bookings as booking_store
from ..batch import body_doc, read_envelope, read_json, results
from ..deps import DatabaseDep, ProfilesDep, profile_lookup
from ..errors import ApiError

router = APIRouter(prefix="/v1", tags=["accounting"])


class BookRequest(BaseModel):
    profile: str = Field(description="Location profile id: chart, account mapping, booking mode")
    items: list[Any] = Field(description="Canonical sales, refunds, voids, Z-reports and payouts")


class DatevRequest(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    profile: str
    date_from: date | None = Field(
        default=None, alias="from", description="First day of the period (stored bookings)"
    )
    date_to: date | None = Field(
        default=None, alias="to", description="Last day of the period (stored bookings)"
    )
    export_id: str | None = Field(default=None, description="Fetch an earlier export again, byte for byte")
    bookings: list[Any] | None = Field(default=None, description="Bookings to write instead of stored ones")


class ReconcileRequest(BaseModel):
    profile: str
    items: list[Any] = Field(description="Z-reports to compare with their stored receipts")
    quarantine: bool = Field(
        default=True, description="Open a quarantine ticket for a difference above the threshold"
    )


def _profile(profiles: Any, profile_id: str) -> LocationProfile:
    profile: LocationProfile = profile_lookup(profiles, profile_id)(profile_id)
    if profile.accounting is None:
        raise ApiError(
            422, "profile.no_accounting", f"Location profile '{profile_id}' has no accounting section"
        )
    return profile


@router.post(
    "/book",
    summary="Book canonical events under a location profile, once per event id",
    openapi_extra=body_doc(BookRequest),
)
async def book(request: Request, database: DatabaseDep, profiles: ProfilesDep) -> dict[str, Any]:
    body = await read_envelope(request, BookRequest)
    profile = _profile(profiles, body.profile)
    return results(await run_in_threadpool(service.book_items, database, profile, body.items))


@router.post(
    "/datev",
    summary="DATEV EXTF Buchungsstapel of a period (new batch), an earlier export, or given bookings",
    openapi_extra=body_doc(DatevRequest),
    response_class=StreamingResponse,
)
async def datev(request: Request, database: DatabaseDep, profiles: ProfilesDep) -> StreamingResponse:
    data = await read_json(request)
    try:
        body = DatevRequest.model_validate(data)
    except ValueError as exc:
        raise ApiError(422, "body.invalid", f"The request does not have the expected shape: {exc}") from exc
    profile = _profile(profiles, body.profile)
    try:
        if body.bookings is not None:
            file = service.export_given(profile, body.bookings, body.date_from, body.date_to)
        elif body.export_id is not None:
            file = await run_in_threadpool(service.export_again, database, profile, body.export_id)
        elif body.date_from is not None and body.date_to is not None:
            file = await run_in_threadpool(
                service.export_period, database, profile, body.date_from, body.date_to
            )
        else:
            raise ApiError(422, "body.invalid", 'Send "from" and "to", an "export_id", or "bookings"')
    except DatevExportError as exc:
        raise ApiError(422, "datev.invalid", str(exc)) from exc
    except service.NothingToExport as exc:
        raise ApiError(409, "datev.nothing_to_export", str(exc)) from exc
    except service.ExportUnknown as exc:
        raise ApiError(404, "datev.export_unknown", str(exc)) from exc
    headers = {"Content-Disposition": f'attachment; filename="{file.filename}"'}
    if file.export_id:
        headers.update(
            {
                "X-Belegfluss-Export-Id": file.export_id,
                "X-Belegfluss-Batch": str(file.batch),
                "X-Belegfluss-Rows": str(file.row_count),
            }
        )
    return StreamingResponse(file.chunks, media_type="text/csv; charset=windows-1252", headers=headers)


@router.get("/datev/exports", summary="The DATEV exports of a location (export registry)")
def list_exports(profile: str, database: DatabaseDep, profiles: ProfilesDep) -> dict[str, Any]:
    location = _profile(profiles, profile)
    return {
        "exports": [
            {
                "export_id": e.export_id,
                "from": e.date_from.isoformat(),
                "to": e.date_to.isoformat(),
                "batch": e.batch,
                "rows": e.row_count,
                "created_at": e.created_at.isoformat(),
            }
            for e in booking_store.list_exports(database, location.id)
        ]
    }


@router.post(
    "/reconcile",
    summary="Compare Z-reports with their stored receipts",
    openapi_extra=body_doc(ReconcileRequest),
)
async def reconcile(request: Request, database: DatabaseDep, profiles: ProfilesDep) -> dict[str, Any]:
    body = await read_envelope(request, ReconcileRequest)
    profile = _profile(profiles, body.profile)
    return results(
        await run_in_threadpool(service.reconcile_items, database, profile, body.items, body.quarantine)
    )
