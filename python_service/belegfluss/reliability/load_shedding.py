"""Bounded concurrency for heavy requests: past the bound, shed at once with 503 and `Retry-After`
instead of slowing every other caller down. The bound holds per sidecar process; the heavy routes
are listed here and nowhere else."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..api.batch import hand_on_json
from ..api.errors import error_body
from ..api.responses import JsonResponse

CODE = "load.shed"


@dataclass(frozen=True)
class HeavyRoute:
    method: str
    path: str
    body_field: tuple[str, str] | None = None
    """Heavy only when the JSON body sets this field to this value."""

    def matches_request(self, scope: Scope) -> bool:
        return scope["method"] == self.method and scope["path"].rstrip("/") == self.path

    def matches_body(self, data: Any) -> bool:
        if self.body_field is None:
            return True
        name, value = self.body_field
        return isinstance(data, dict) and data.get(name) == value


HEAVY_ROUTES: tuple[HeavyRoute, ...] = (
    HeavyRoute("POST", "/v1/datev"),  # a period's bookings rendered to one EXTF file
    HeavyRoute("POST", "/v1/dedup", ("mode", "batch")),  # pairwise comparisons among up to 5,000 records
)


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replaying(body: bytes, receive: Receive) -> Receive:
    """A receive that hands the app the body already read, then the client's later messages."""
    pending = True

    async def replay() -> Message:
        nonlocal pending
        if pending:
            pending = False
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


class HeavyRequestGate:
    def __init__(self, app: ASGIApp, limit: int, retry_after_seconds: int,
                 routes: tuple[HeavyRoute, ...] = HEAVY_ROUTES) -> None:
        self.app = app
        self.limit = limit
        self.retry_after_seconds = retry_after_seconds
        self.routes = routes
        self.in_flight = 0  # one event loop per process: no lock needed

    async def _heavy(self, scope: Scope, receive: Receive) -> tuple[bool, Receive]:
        candidates = [route for route in self.routes if route.matches_request(scope)]
        if not candidates:
            return False, receive
        if all(route.body_field is None for route in candidates):
            return True, receive
        body = await _read_body(receive)
        replay = _replaying(body, receive)
        try:
            data = orjson.loads(body)
        except orjson.JSONDecodeError:
            return False, replay  # the route answers the broken body itself, cheaply
        hand_on_json(scope, data)  # the route reads this parse instead of parsing again
        return any(route.matches_body(data) for route in candidates), replay

    def _shed(self) -> JsonResponse:
        return JsonResponse(
            error_body(CODE, f"The sidecar is already working on {self.limit} heavy requests (DATEV exports, "
                             f"batch dedup); try again in {self.retry_after_seconds} s"),
            status_code=503, headers={"Retry-After": str(self.retry_after_seconds)})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        heavy, receive = await self._heavy(scope, receive)
        if not heavy:
            await self.app(scope, receive, send)
            return
        if self.in_flight >= self.limit:
            await self._shed()(scope, receive, send)
            return
        self.in_flight += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.in_flight -= 1
