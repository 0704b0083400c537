"""Load limits: oversized bodies get 413 before they fill memory, and heavy requests beyond the
bound are shed with 503 at once instead of queueing behind each other."""

from __future__ import annotations

import socket
import time
from urllib.parse import urlsplit

import httpx
import orjson

from tests.reliability.conftest import (
    MAX_REQUEST_BYTES,
    SHED_RETRY_AFTER_SECONDS,
    Replicas,
)
from tests.reliability.slow_upload import SlowUpload

DATEV_BODY = {"profile": "cafe-berlin", "from": "2026-01-01", "to": "2026-01-31"}


def delivery_checks(count: int) -> bytes:
    return orjson.dumps({"items": [{"target": f"hubspot:{n:08d}"} for n in range(count)]})


def test_a_body_declared_larger_than_the_limit_gets_413_unread(tight: Replicas) -> None:
    body = delivery_checks(3000)
    assert len(body) > MAX_REQUEST_BYTES
    answer = tight.first.client.post("/v1/delivery/check", content=body, headers={"Content-Type": "application/json"})
    assert answer.status_code == 413 and answer.json()["error"]["code"] == "body.too_large"


def test_the_413_comes_before_a_byte_of_the_body_is_sent(tight: Replicas) -> None:
    host, port = urlsplit(tight.first.url).netloc.split(":")
    with socket.create_connection((host, int(port)), timeout=5) as connection:
        connection.sendall(f"POST /v1/delivery/check HTTP/1.1\r\nHost: {host}\r\n"
                           f"Authorization: Bearer {tight.first.key}\r\nContent-Type: application/json\r\n"
                           f"Content-Length: {100 * MAX_REQUEST_BYTES}\r\n\r\n".encode())
        status_line = connection.recv(4096).split(b"\r\n", 1)[0]
    assert status_line == b"HTTP/1.1 413 Request Entity Too Large"


def test_a_streamed_body_is_refused_as_soon_as_it_passes_the_limit(tight: Replicas) -> None:
    body = delivery_checks(3000)
    chunks = (body[start:start + 4096] for start in range(0, len(body), 4096))  # no Content-Length: chunked
    answer = tight.first.client.post("/v1/delivery/check", content=chunks)
    assert answer.status_code == 413 and answer.json()["error"]["code"] == "body.too_large"


def test_a_body_within_the_limit_is_served(tight: Replicas) -> None:
    body = delivery_checks(500)
    assert len(body) < MAX_REQUEST_BYTES
    chunks = (body[start:start + 4096] for start in range(0, len(body), 4096))
    answer = tight.first.client.post("/v1/delivery/check", content=chunks)
    assert answer.status_code == 200 and len(answer.json()["results"]) == 500


def shed_while(slow: SlowUpload, client: httpx.Client, path: str, body: dict[str, object]) -> httpx.Response:
    """The answer to `body` while `slow` holds the heavy slot (retrying briefly until the slow
    request has reached the server)."""
    deadline = time.monotonic() + 5
    while True:
        answer = client.post(path, json=body)
        if answer.status_code == 503 or time.monotonic() > deadline:
            return answer
        time.sleep(0.05)


def test_heavy_requests_beyond_the_bound_are_shed_at_once_with_retry_after(tight: Replicas) -> None:
    client = tight.first.client
    slow = SlowUpload(client, "/v1/datev", orjson.dumps(DATEV_BODY))
    try:
        started = time.monotonic()
        shed = shed_while(slow, client, "/v1/datev", DATEV_BODY)
        assert shed.status_code == 503 and time.monotonic() - started < 5
        assert shed.json()["error"]["code"] == "load.shed"
        assert shed.headers["Retry-After"] == str(SHED_RETRY_AFTER_SECONDS)
        batch_dedup = client.post("/v1/dedup", json={"mode": "batch", "items": []})
        assert batch_dedup.status_code == 503
        # Light work goes on beside the heavy request.
        assert client.post("/v1/dedup", json={"mode": "resolve", "items": []}).status_code != 503
        assert client.post("/v1/delivery/check", json={"items": [{"target": "hubspot:1"}]}).status_code == 200
    finally:
        first = slow.finish()
    assert first.status_code != 503
    assert client.post("/v1/datev", json=DATEV_BODY).status_code != 503
