"""The quota check every protected route runs after authentication: charge the caller's key for
this request (and for the items of a batch), or refuse with 429 and `Retry-After`."""

from __future__ import annotations

import time

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from ..api.batch import read_json
from ..api.deps import ApiKeyDep
from ..api.errors import ApiError
from ..store import quotas as quota_store
from .quotas import Limit, QuotaSettings

CODE_EXCEEDED = "quota.exceeded"
CODE_BATCH_OVER_QUOTA = "quota.batch_exceeds_quota"


async def batch_item_count(request: Request) -> int:
    """The entries of the body's `items`; requests without a batch body count none."""
    if request.method not in ("POST", "PUT", "PATCH"):
        return 0
    try:
        data = await read_json(request)
    except ApiError:
        return 0  # the route answers the broken body itself
    items = data.get("items") if isinstance(data, dict) else None
    return len(items) if isinstance(items, list) else 0


def _refusal(limit: Limit, amount: int, now: float) -> ApiError:
    if amount > limit.limit:
        return ApiError(413, CODE_BATCH_OVER_QUOTA,
                        f"This batch holds {amount} items, more than this API key may send in a whole quota window "
                        f"({limit.limit}); split it", {"metric": limit.metric, "limit": limit.limit})
    wait = limit.seconds_to_reset(now)
    what = "requests" if limit.metric == "requests" else "batch items"
    return ApiError(
        429, CODE_EXCEEDED,
        f"This API key used up its {limit.limit} {what} per {limit.window_seconds} s; try again in {wait} s",
        {"metric": limit.metric, "limit": limit.limit, "window_seconds": limit.window_seconds,
         "retry_after_seconds": wait},
        headers={"Retry-After": str(wait)})


async def enforce_quota(request: Request, key: ApiKeyDep) -> None:
    settings: QuotaSettings = request.app.state.settings.quotas
    limits = settings.limits_for(key.role, key.rate_limit, key.item_quota)
    if not limits:
        return
    charges = [quota_store.Charge(limit, 1 if limit.metric == "requests" else await batch_item_count(request))
               for limit in limits]
    now = time.time()
    refused = await run_in_threadpool(quota_store.charge, request.app.state.database, key.key_id, charges, now)
    if refused is not None:
        raise _refusal(refused.limit, refused.amount, now)
