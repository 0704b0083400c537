"""A key over its rate limit or quota gets 429 with `Retry-After`, counted across replicas."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from itertools import cycle

import httpx

from tests.reliability.conftest import RATE_WINDOW_SECONDS, Replicas, fresh_window


def bearer(raw_key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {raw_key}"}


def check_targets(client: httpx.Client, raw_key: str, count: int) -> httpx.Response:
    return client.post("/v1/delivery/check", headers=bearer(raw_key),
                       json={"items": [{"target": f"hubspot:{n}"} for n in range(count)]})


def test_a_key_over_its_rate_limit_gets_429_with_retry_after(tight: Replicas) -> None:
    fresh_window(RATE_WINDOW_SECONDS)
    key = tight.new_key("workflow", rate_limit=5)
    client = tight.first.client
    statuses = [client.get("/v1/auth/check", headers=bearer(key)).status_code for _ in range(5)]
    refused = client.get("/v1/auth/check", headers=bearer(key))
    assert statuses == [200] * 5
    assert refused.status_code == 429
    error = refused.json()["error"]
    assert error["code"] == "quota.exceeded"
    assert error["details"]["metric"] == "requests" and error["details"]["limit"] == 5
    wait = int(refused.headers["Retry-After"])
    assert 0 < wait <= RATE_WINDOW_SECONDS and error["details"]["retry_after_seconds"] == wait


def test_two_replicas_together_let_exactly_the_limit_through(tight_pg_pair: Replicas) -> None:
    fresh_window(RATE_WINDOW_SECONDS)
    key = tight_pg_pair.new_key("workflow", rate_limit=30)
    clients = cycle(sidecar.client for sidecar in tight_pg_pair.sidecars)
    targets = [next(clients) for _ in range(90)]
    with ThreadPoolExecutor(12) as pool:
        statuses = list(pool.map(
            lambda client: client.get("/v1/auth/check", headers=bearer(key)).status_code, targets))
    assert statuses.count(200) == 30
    assert statuses.count(429) == 60


def test_batch_items_count_against_the_item_quota(tight: Replicas) -> None:
    key = tight.new_key("workflow", item_quota=10)
    client = tight.first.client
    assert check_targets(client, key, 6).status_code == 200
    over = check_targets(client, key, 6)
    assert over.status_code == 429 and over.json()["error"]["details"]["metric"] == "items"
    assert int(over.headers["Retry-After"]) > 0
    assert check_targets(client, key, 4).status_code == 200
    assert check_targets(client, key, 1).status_code == 429


def test_a_batch_larger_than_the_whole_quota_is_told_to_split(tight: Replicas) -> None:
    key = tight.new_key("workflow", item_quota=10)
    answer = check_targets(tight.first.client, key, 11)
    assert answer.status_code == 413 and answer.json()["error"]["code"] == "quota.batch_exceeds_quota"
    assert check_targets(tight.first.client, key, 10).status_code == 200


def test_the_role_default_applies_to_keys_without_their_own_limit(tight: Replicas) -> None:
    fresh_window(RATE_WINDOW_SECONDS)
    reader = tight.new_key("reader")  # BELEGFLUSS_RATE_LIMITS="reader=4" in these sidecars
    unlimited_reader = tight.new_key("reader", rate_limit=0)
    client = tight.first.client
    assert [client.get("/v1/auth/check", headers=bearer(reader)).status_code for _ in range(5)] == [200] * 4 + [429]
    assert {client.get("/v1/auth/check", headers=bearer(unlimited_reader)).status_code for _ in range(8)} == {200}


def test_the_admin_role_is_unlimited_by_default(tight: Replicas) -> None:
    client = tight.first.client
    assert {client.get("/v1/auth/check").status_code for _ in range(20)} == {200}

