"""Identity routes: dedup (resolve against the graph, or batch among the items), golden
customers, unmerge, and the review queue."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from ...identity import graph, service
from ...identity.settings import MatchSettings
from ..batch import body_doc, read_envelope, read_json, results
from ..deps import ApiKeyDep, DatabaseDep, ProfilesDep, profile_lookup
from ..errors import ApiError

router = APIRouter(tags=["identity"])


class DedupRequest(BaseModel):
    items: list[Any] = Field(description="Customer records (canonical Customer JSON)")
    mode: Literal["resolve", "batch"] = Field(
        "resolve", description="resolve: against the stored identity graph; batch: among the items only, nothing stored")
    profile: str | None = Field(None, description="Location profile whose `identity` weights and thresholds apply")


class UnmergeRequest(BaseModel):
    merge_id: int | None = Field(None, description="The merge to undo (see history); default: the latest")


class ReviewBatch(BaseModel):
    items: list[Any] = Field(description='[{"review_id": 12}, ...]')




def _settings(profiles: Any, profile_id: str | None) -> MatchSettings:
    """The named profile's identity settings (404 for an unknown profile), else the defaults."""
    if profile_id is None:
        return service.settings_for(None)
    return service.settings_for(profile_lookup(profiles, profile_id)(profile_id))


def _actor(key: Any) -> str:
    return f"key:{key.key_id}" + (f" ({key.label})" if key.label else "")


@router.post("/v1/dedup", summary="Resolve customer records to golden customers, or dedup a set among itself",
             openapi_extra=body_doc(DedupRequest))
async def dedup(request: Request, database: DatabaseDep, profiles: ProfilesDep) -> dict[str, Any]:
    body = await read_envelope(request, DedupRequest)
    settings = _settings(profiles, body.profile)
    return await run_in_threadpool(service.dedup, database, body.items, body.mode, settings)


@router.get("/v1/customers/{golden_id}", summary="A golden customer: record, links and merge history")
def get_customer(golden_id: str, database: DatabaseDep) -> dict[str, Any]:
    customer = graph.get_customer(database, golden_id)
    if customer is None:
        raise ApiError(404, "identity.unknown_golden_id", f"No golden customer '{golden_id}'")
    return customer


@router.post("/v1/customers/{golden_id}/unmerge", summary="Split a golden customer back to the state before a merge")
async def unmerge(golden_id: str, request: Request, database: DatabaseDep, profiles: ProfilesDep,
                  key: ApiKeyDep) -> dict[str, Any]:
    raw = await read_json(request) if await request.body() else {}
    body = UnmergeRequest.model_validate(raw if isinstance(raw, dict) else {})
    try:
        return await run_in_threadpool(graph.unmerge, database, golden_id, body.merge_id, actor=_actor(key),
                                       settings=_settings(profiles, None))
    except graph.GraphError as exc:
        status = 404 if exc.code == "identity.unknown_golden_id" else 409
        raise ApiError(status, exc.code, str(exc)) from exc


@router.get("/v1/review", summary="The review queue")
def list_reviews(database: DatabaseDep, status: Literal["open", "approved", "rejected"] = "open",
                 limit: int = 100, offset: int = 0) -> dict[str, Any]:
    return graph.list_reviews(database, status, min(max(limit, 1), 1000), max(offset, 0))


@router.post("/v1/review/approve", summary="Approve review items: merge each pair", openapi_extra=body_doc(ReviewBatch))
async def approve(request: Request, database: DatabaseDep, profiles: ProfilesDep, key: ApiKeyDep) -> dict[str, Any]:
    body = await read_envelope(request, ReviewBatch)
    return results(await run_in_threadpool(service.decide_reviews, database, body.items, True, _actor(key),
                                           _settings(profiles, None)))


@router.post("/v1/review/reject", summary="Reject review items: remember each pair as different people",
             openapi_extra=body_doc(ReviewBatch))
async def reject(request: Request, database: DatabaseDep, profiles: ProfilesDep, key: ApiKeyDep) -> dict[str, Any]:
    body = await read_envelope(request, ReviewBatch)
    return results(await run_in_threadpool(service.decide_reviews, database, body.items, False, _actor(key),
                                           _settings(profiles, None)))
