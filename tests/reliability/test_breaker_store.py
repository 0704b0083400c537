"""Breakers stored in the database: every change is atomic, so concurrent workers neither lose a
reported failure nor both claim the half-open probe (SQLite and PostgreSQL)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from belegfluss.reliability import delivery
from belegfluss.reliability.breaker import BreakerPolicy
from belegfluss.store import breakers as breaker_store
from belegfluss.store.database import Database
from belegfluss.store.deliveries import delivered_event_ids

POLICY = BreakerPolicy(failure_threshold=3, open_seconds=10, probe_seconds=30)
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
WORKERS = 16


def open_breaker(database: Database, target: str) -> None:
    delivery.report_items(database, POLICY, [{"target": target, "ok": False, "status": 503}] * 3, now=T0)


def test_a_report_creates_the_breaker_and_keeps_its_state(database: Database) -> None:
    open_breaker(database, "hubspot:123")
    [stored] = breaker_store.list_breakers(database)
    assert stored.target == "hubspot:123" and stored.state == "open" and stored.failures == 3
    assert stored.open_until == T0 + timedelta(seconds=10) and stored.last_status == 503


def test_checking_an_unknown_target_writes_nothing(database: Database) -> None:
    [answer] = delivery.check_items(database, POLICY, [{"target": "pipedrive:acme"}], now=T0)
    assert answer["allowed"] is True and answer["state"] == "closed"
    assert breaker_store.list_breakers(database) == []


def test_concurrent_workers_claim_the_half_open_probe_once(database: Database) -> None:
    open_breaker(database, "hubspot:123")
    probe_time = T0 + timedelta(seconds=11)
    with ThreadPoolExecutor(WORKERS) as pool:
        answers = list(pool.map(
            lambda _n: delivery.check_items(database, POLICY, [{"target": "hubspot:123"}], now=probe_time)[0],
            range(WORKERS)))
    assert sum(answer["allowed"] for answer in answers) == 1
    assert {answer["state"] for answer in answers} == {"half_open"}


def test_concurrent_failure_reports_are_all_counted(database: Database) -> None:
    policy = BreakerPolicy(failure_threshold=1000)
    with ThreadPoolExecutor(WORKERS) as pool:
        list(pool.map(lambda _n: delivery.report_items(
            database, policy, [{"target": "hubspot:123", "ok": False, "status": 502}], now=T0), range(WORKERS)))
    [stored] = breaker_store.list_breakers(database)
    assert stored.failures == WORKERS and stored.state == "closed"


def test_items_for_one_target_in_one_batch_apply_in_input_order(database: Database) -> None:
    open_breaker(database, "hubspot:123")
    answers = delivery.check_items(database, POLICY, [{"target": "hubspot:123"}, {"target": "hubspot:999"},
                                                      {"target": "hubspot:123"}], now=T0 + timedelta(seconds=10))
    assert [(a["index"], a["target"], a["allowed"]) for a in answers] == [
        (0, "hubspot:123", True), (1, "hubspot:999", True), (2, "hubspot:123", False)]


def test_a_malformed_item_is_answered_by_itself(database: Database) -> None:
    answers = delivery.report_items(database, POLICY, [{"target": "hubspot:123", "ok": "maybe"},
                                                       {"target": "hubspot:123", "ok": True}], now=T0)
    assert answers[0]["ok"] is False and answers[0]["errors"][0]["path"] == "$.ok"
    assert answers[1]["ok"] is True and answers[1]["state"] == "closed"


def test_one_report_for_a_crm_batch_records_every_event_it_delivered(database: Database) -> None:
    batch = {"target": "hubspot:9", "ok": True, "status": 200, "event_ids": ["sumup:a", "sumup:b"]}
    failed = {"target": "hubspot:9", "ok": False, "status": 503, "event_ids": ["sumup:c"]}
    answers = delivery.report_items(database, POLICY, [batch, failed, {"target": "hubspot:9", "ok": True,
                                                                       "event_id": "sumup:d"}], now=T0)
    assert [a["failures"] for a in answers] == [0, 1, 0]  # one outcome per call, not per event
    assert delivered_event_ids(database, "hubspot:9", ["sumup:a", "sumup:b", "sumup:c", "sumup:d"]) == {
        "sumup:a", "sumup:b", "sumup:d"}
