"""413 for request bodies over the limit, without holding a huge body in memory: a declared
Content-Length over the limit is refused before anything is read, and a body sent without one
(chunked) is counted as it streams in and refused the moment it passes the limit."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..api.errors import error_body
from ..api.responses import JsonResponse

CODE = "body.too_large"


class RequestTooLarge(Exception):
    pass


def _declared_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None  # the server answers a malformed header itself
    return None


class RequestSizeLimit:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    def _refusal(self) -> JsonResponse:
        return JsonResponse(error_body(CODE, f"The request body is larger than {self.max_bytes:,} bytes "
                                             "(BELEGFLUSS_MAX_REQUEST_BYTES); send smaller batches"),
                            status_code=413, headers={"Connection": "close"})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _declared_length(scope)
        if declared is not None and declared > self.max_bytes:
            await self._refusal()(scope, receive, send)
            return

        received = 0
        response_started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise RequestTooLarge
            return message

        async def watching_send(message: Message) -> None:
            nonlocal response_started
            response_started = response_started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, watching_send)
        except RequestTooLarge:
            if response_started:
                raise
            await self._refusal()(scope, receive, watching_send)
