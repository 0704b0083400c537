"""Circuit breakers over HTTP: what one n8n worker reports through one replica, every worker sees
through any replica."""

from __future__ import annotations

import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any

import httpx

from tests.reliability.conftest import BREAKER_OPEN_SECONDS, BREAKER_THRESHOLD, Replicas


def new_target() -> str:
    return f"hubspot:{uuid.uuid4().hex[:8]}"


def check(client: httpx.Client, *targets: str) -> list[dict[str, Any]]:
    answer = client.post("/v1/delivery/check", json={"items": [{"target": t} for t in targets]})
    assert answer.status_code == 200, answer.text
    return answer.json()["results"]


def report(client: httpx.Client, *outcomes: dict[str, Any]) -> list[dict[str, Any]]:
    answer = client.post("/v1/delivery/report", json={"items": list(outcomes)})
    assert answer.status_code == 200, answer.text
    return answer.json()["results"]


def open_breaker(client: httpx.Client, target: str) -> dict[str, Any]:
    failures = [{"target": target, "ok": False, "status": 503, "error": "Service Unavailable"}] * BREAKER_THRESHOLD
    return report(client, *failures)[-1]


def test_failures_reported_by_workflows_open_the_breaker_and_park_deliveries(tight: Replicas) -> None:
    client, target = tight.first.client, new_target()
    below = report(client, *[{"target": target, "ok": False, "status": 429}] * (BREAKER_THRESHOLD - 1))
    assert [a["state"] for a in below] == ["closed"] * (BREAKER_THRESHOLD - 1)
    assert check(client, target)[0]["allowed"] is True
    opened = open_breaker(client, target)
    assert opened["state"] == "open" and opened["counted"] is True
    [parked] = check(client, target)
    assert parked["allowed"] is False and parked["state"] == "open"
    assert parked["retry_at"] == opened["retry_at"]


def test_client_errors_of_single_items_do_not_open_the_breaker(tight: Replicas) -> None:
    client, target = tight.first.client, new_target()
    answers = report(client, *[{"target": target, "ok": False, "status": 400, "error": "bad email"}] * 5)
    assert {(a["state"], a["counted"]) for a in answers} == {("closed", False)}


def test_every_replica_sees_the_breaker_another_replica_opened(tight_pg_pair: Replicas) -> None:
    first, second = (sidecar.client for sidecar in tight_pg_pair.sidecars)
    target = new_target()
    open_breaker(first, target)
    assert check(second, target)[0]["allowed"] is False


def test_after_the_open_time_exactly_one_worker_across_replicas_probes(tight_pg_pair: Replicas) -> None:
    clients = [sidecar.client for sidecar in tight_pg_pair.sidecars]
    target = new_target()
    retry_at = datetime.fromisoformat(open_breaker(clients[0], target)["retry_at"])
    time.sleep(max(0.0, retry_at.timestamp() - time.time()) + 0.05)
    with ThreadPoolExecutor(12) as pool:
        answers = list(pool.map(lambda n: check(clients[n % 2], target)[0], range(24)))
    assert sum(answer["allowed"] for answer in answers) == 1
    assert {answer["state"] for answer in answers} == {"half_open"}


def test_a_successful_probe_closes_the_breaker_for_everyone(tight_pg_pair: Replicas) -> None:
    first, second = (sidecar.client for sidecar in tight_pg_pair.sidecars)
    target = new_target()
    open_breaker(first, target)
    time.sleep(BREAKER_OPEN_SECONDS + 0.05)
    assert check(second, target)[0]["allowed"] is True
    assert report(second, {"target": target, "ok": True, "status": 201})[0]["state"] == "closed"
    assert [a["allowed"] for a in check(first, target, target, target)] == [True, True, True]


def test_a_failed_probe_reopens_the_breaker_for_longer(tight: Replicas) -> None:
    client, target = tight.first.client, new_target()
    open_breaker(client, target)
    time.sleep(BREAKER_OPEN_SECONDS + 0.05)
    [probe] = check(client, target)
    failed_at = time.time()
    [reopened] = report(client, {"target": target, "ok": False, "error": "connection refused"})
    assert probe["allowed"] is True and reopened["state"] == "open"
    reopened_for = datetime.fromisoformat(reopened["retry_at"]).timestamp() - failed_at
    assert 2 * BREAKER_OPEN_SECONDS - 0.5 < reopened_for <= 2 * BREAKER_OPEN_SECONDS + 0.05


def test_the_breakers_can_be_listed_with_their_last_error(tight: Replicas) -> None:
    client, target = tight.first.client, new_target()
    open_breaker(client, target)
    listed = client.get("/v1/delivery/breakers", params={"state": "open"}).json()["breakers"]
    [mine] = [breaker for breaker in listed if breaker["target"] == target]
    assert mine["state"] == "open" and mine["failures"] == BREAKER_THRESHOLD and mine["openings"] == 1
    assert mine["last_status"] == 503 and mine["last_error"] == "Service Unavailable"
    closed = client.get("/v1/delivery/breakers", params={"state": "closed"}).json()["breakers"]
    assert target not in {breaker["target"] for breaker in closed}


def test_a_malformed_item_fails_alone(tight: Replicas) -> None:
    client, target = tight.first.client, new_target()
    answers = report(client, {"ok": False}, {"target": target, "ok": True, "status": 200})
    assert answers[0]["ok"] is False and answers[0]["errors"][0]["code"] == "schema.missing"
    assert answers[1]["ok"] is True and answers[1]["index"] == 1
