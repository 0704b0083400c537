"""The heavy-request gate peeks into a `/v1/dedup` body to tell batch dedup from resolve: the route
must read that same parse, not parse the body a second time."""

from __future__ import annotations

import asyncio
from typing import Any

import orjson
import pytest
from belegfluss.api.batch import read_json
from belegfluss.reliability.load_shedding import HeavyRequestGate
from starlette.requests import Request
from starlette.types import Message, Receive, Scope, Send


def _post(gate: HeavyRequestGate, path: str, body: bytes) -> None:
    scope: Scope = {"type": "http", "method": "POST", "path": path, "headers": [], "query_string": b""}
    messages = [{"type": "http.request", "body": body, "more_body": False}]

    async def receive() -> Message:
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        pass

    asyncio.run(gate(scope, receive, send))


def _route_reading_json(seen: list[Any]) -> Any:
    async def route(scope: Scope, receive: Receive, send: Send) -> None:
        seen.append(await read_json(Request(scope, receive)))
    return route


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    """Every body orjson parses during the test."""
    parsed: list[bytes] = []
    real_loads = orjson.loads

    def counting_loads(body: bytes) -> Any:
        parsed.append(body)
        return real_loads(body)

    monkeypatch.setattr(orjson, "loads", counting_loads)
    return parsed


@pytest.mark.parametrize("mode", ["batch", "resolve"])
def test_dedup_body_is_parsed_once_for_the_gate_and_the_route(mode: str, parses: list[bytes]) -> None:
    seen: list[Any] = []
    body = orjson.dumps({"items": [{"first_name": "Jürgen"}], "mode": mode})

    _post(HeavyRequestGate(_route_reading_json(seen), limit=1, retry_after_seconds=1), "/v1/dedup", body)

    assert seen == [{"items": [{"first_name": "Jürgen"}], "mode": mode}]
    assert parses == [body]


def test_a_broken_dedup_body_passes_the_gate_for_the_route_to_answer() -> None:
    routed: list[bytes] = []

    async def route(scope: Scope, receive: Receive, send: Send) -> None:
        routed.append(await Request(scope, receive).body())

    _post(HeavyRequestGate(route, limit=0, retry_after_seconds=1), "/v1/dedup", b"{not json")

    assert routed == [b"{not json"]  # not shed although the bound is 0: a broken body is not heavy
