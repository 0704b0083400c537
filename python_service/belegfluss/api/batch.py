"""Reading batch bodies: raw JSON through orjson, then a pydantic model for the envelope.

Items stay raw (`list[Any]`) so that one malformed item is answered by itself instead of failing
the whole request with a 422.
"""

from __future__ import annotations

from typing import Any, TypeVar

import orjson
from fastapi import Request
from pydantic import BaseModel, ValidationError
from starlette.types import Scope

from ..validation import codes
from .errors import ApiError

Envelope = TypeVar("Envelope", bound=BaseModel)
_UNPARSED = object()
_PARSED_BODY = "json_body"


def hand_on_json(scope: Scope, data: Any) -> None:
    """Keep a body that middleware already parsed (the heavy-request gate) for `read_json`."""
    scope.setdefault("state", {})[_PARSED_BODY] = data  # the dict behind `request.state`


async def read_json(request: Request) -> Any:
    """The body as JSON, parsed once per request (shared with the quota check and the heavy-request gate)."""
    cached = getattr(request.state, _PARSED_BODY, _UNPARSED)
    if cached is not _UNPARSED:
        return cached
    body = await request.body()
    if not body:
        raise ApiError(400, codes.BODY_INVALID_JSON, "The request body is empty; send a JSON object")
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise ApiError(400, codes.BODY_INVALID_JSON, f"The request body is not valid JSON: {exc}") from exc
    hand_on_json(request.scope, data)
    return data


async def read_envelope(request: Request, model: type[Envelope]) -> Envelope:
    data = await read_json(request)
    if not isinstance(data, dict):
        raise ApiError(422, codes.BODY_INVALID, 'The body must be a JSON object like {"items": [...]}')
    items = data.get("items")
    limit: int = request.app.state.settings.max_batch_items
    if isinstance(items, list) and len(items) > limit:
        raise ApiError(413, codes.BODY_BATCH_TOO_LARGE,
                       f"The batch holds {len(items)} items; the limit is {limit}. Split it (n8n: Batch Size)")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        details = [{"path": ".".join(str(p) for p in e["loc"]), "message": e["msg"]}
                   for e in exc.errors(include_url=False)]
        raise ApiError(422, codes.BODY_INVALID, "The request does not have the expected shape", details) from exc


def results(items: list[dict[str, Any]]) -> dict[str, Any]:
    return {"results": items}


def body_doc(model: type[BaseModel]) -> dict[str, Any]:
    """`openapi_extra` for a route that reads its body itself: documents `model` as the JSON body."""
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": model.model_json_schema()}}}}
