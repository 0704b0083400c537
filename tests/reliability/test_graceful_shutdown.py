"""SIGTERM (what Docker and systemd send) lets requests in flight finish and refuses new ones."""

from __future__ import annotations

import signal
import time
from pathlib import Path

import httpx
import orjson

from tests.conftest import start_sidecar, stop_sidecar
from tests.reliability.slow_upload import SlowUpload

HEADERS_PARSED_SECONDS = 0.5  # time for the server to read the slow request's headers


def refuses_connections(url: str, within_seconds: float) -> bool:
    deadline = time.monotonic() + within_seconds
    while time.monotonic() < deadline:
        try:
            httpx.get(url + "/healthz", timeout=0.5)
        except httpx.ConnectError:
            return True
        except httpx.TransportError:
            pass
        time.sleep(0.05)
    return False


def test_sigterm_finishes_the_request_in_flight_and_refuses_new_connections(tmp_path: Path) -> None:
    sidecar = start_sidecar(f"sqlite:///{tmp_path / 'belegfluss.db'}", tmp_path)
    try:
        targets = [{"target": f"hubspot:{n}"} for n in range(50)]
        slow = SlowUpload(sidecar.client, "/v1/delivery/check", orjson.dumps({"items": targets}))
        time.sleep(HEADERS_PARSED_SECONDS)
        sidecar.process.terminate()
        assert refuses_connections(sidecar.url, within_seconds=5), "new connections were still accepted"
        assert sidecar.process.poll() is None, "the sidecar quit with a request in flight"
        answer = slow.finish()
        assert answer.status_code == 200
        assert [result["target"] for result in answer.json()["results"]] == [t["target"] for t in targets]
        # uvicorn re-raises the signal once it has shut down cleanly, so the exit status names SIGTERM.
        assert sidecar.process.wait(timeout=10) in (0, -signal.SIGTERM)
        assert "Application shutdown complete" in sidecar.log_tail()
    finally:
        stop_sidecar(sidecar)
