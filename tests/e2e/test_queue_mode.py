"""The POS → CRM template in n8n's queue mode, the production topology of docker-compose.yml: n8n main,
a webhook processor and two workers sharing Redis and PostgreSQL, two sidecar replicas behind HAProxy
sharing one PostgreSQL schema (`scripts/queue_stack.py`). The template is imported unchanged.

The duplicate storm sends 10,000 distinct sales plus 30 % of them again, shuffled, in concurrent
multi-sale webhook calls: every sale must be stored and booked once and get one CRM note.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
import n8n_stack  # on the path through tests/e2e/conftest.py (scripts/)
import queue_stack  # on the path through tests/e2e/conftest.py (scripts/)
from e2e_helpers import crm_state, eventually, notes_per_receipt, stored_event_ids
from belegfluss.store.bookings import booking_sets, bookings
from belegfluss.store.database import Database
from sqlalchemy import func, select

STORM_DISTINCT_SALES = 10_000
STORM_DUPLICATE_SHARE = 0.30
STORM_SALES_PER_CALL = 100
STORM_CONCURRENT_CALLS = 8
STORM_CUSTOMERS = 1_500
STORM_DEADLINE_S = 300.0


@pytest.fixture(scope="module")
def queue_n8n(tmp_path_factory: pytest.TempPathFactory) -> Iterator[queue_stack.QueueStackInfo]:
    info = queue_stack.up(tmp_path_factory.mktemp("queue-stack"))
    try:
        yield info
    finally:
        queue_stack.down(Path(info.run_dir))


def booked_rows_per_event(info: queue_stack.QueueStackInfo) -> tuple[dict[str, int], dict[str, int]]:
    """Per event id: the rows its booking set announces, and the booking rows stored for it."""
    database = Database(info.sidecar_database_url)
    try:
        with database.engine.connect() as connection:
            announced = dict(connection.execute(select(booking_sets.c.event_id, booking_sets.c.row_count)).all())
            stored = dict(connection.execute(select(bookings.c.event_id, func.count()).group_by(bookings.c.event_id)).all())
    finally:
        database.dispose()
    return announced, stored


def post_concurrently(url: str, calls: list[list[dict[str, Any]]]) -> list[int]:
    with httpx.Client(timeout=60) as client, ThreadPoolExecutor(STORM_CONCURRENT_CALLS) as pool:
        return list(pool.map(lambda body: client.post(url, json=body).status_code, calls))


def deliver_and_wait(info: queue_stack.QueueStackInfo, calls: list[list[dict[str, Any]]],
                     timeout: float = 60.0) -> list[dict[str, Any]]:
    """POSTs the calls as a POS would and waits for the executions they started, which run on the
    workers after the webhook processor has answered."""
    before = len(n8n_stack.executions(info, queue_stack.POS_WORKFLOW_ID))
    statuses = post_concurrently(info.pos_webhook_url("sumup"), calls)
    assert statuses == [200] * len(calls)
    try:
        return n8n_stack.wait_for_executions(info, before + len(calls), timeout, queue_stack.POS_WORKFLOW_ID)[before:]
    except queue_stack.StackError as error:
        raise AssertionError(f"{error}\n{n8n_stack.diagnostics(info)}") from error


def assert_all_succeeded(info: queue_stack.QueueStackInfo, runs: list[dict[str, Any]]) -> None:
    failed = [run["id"] for run in runs if run["status"] != "success"]
    assert not failed, f"executions {failed} failed:\n{n8n_stack.diagnostics(info)}"


def test_pos_sales_reach_the_store_and_hubspot_through_webhook_processor_and_workers(
        queue_n8n, sumup_sale, unique_email):
    anna, ben = unique_email("anna"), unique_email("ben")
    sales = [sumup_sale(email=anna), sumup_sale(email=anna), sumup_sale(email=ben)]

    runs = deliver_and_wait(queue_n8n, [sales])

    assert_all_succeeded(queue_n8n, runs)
    assert [run["mode"] for run in runs] == ["webhook"]

    def worker_logs() -> str:  # a worker logs the end of a job just after recording its status
        return "".join(Path(path).read_text(errors="replace") for name, path in queue_n8n.logs.items()
                       if name.startswith("n8n-worker"))

    eventually(lambda: f"Worker finished execution {runs[0]['id']} (" in worker_logs(),
               "the execution to finish on a worker", timeout=10)
    with queue_n8n.sidecar() as sidecar, queue_n8n.hubspot() as hubspot:
        for sale in sales:
            assert sidecar.get(f"/v1/events/sumup:{sale['transaction_code']}").status_code == 200
        notes = notes_per_receipt(crm_state(hubspot))
        contacts = {c["properties"]["email"] for c in hubspot.get("/__standin/state").json()["contacts"]}
    assert {sale["transaction_code"]: notes[sale["transaction_code"]] for sale in sales} == {
        sale["transaction_code"]: 1 for sale in sales}
    assert {anna, ben} <= contacts


def test_duplicate_storm_stores_and_notes_every_distinct_sale_exactly_once(queue_n8n, sumup_sale, unique_email):
    customers = [unique_email(f"storm{number}") for number in range(STORM_CUSTOMERS)]
    distinct = [sumup_sale(email=customers[number % STORM_CUSTOMERS]) for number in range(STORM_DISTINCT_SALES)]
    shuffle = random.Random(6)
    repeated = shuffle.sample(distinct, int(STORM_DISTINCT_SALES * STORM_DUPLICATE_SHARE))
    deliveries = distinct + repeated
    shuffle.shuffle(deliveries)
    calls = [deliveries[start:start + STORM_SALES_PER_CALL] for start in range(0, len(deliveries), STORM_SALES_PER_CALL)]
    api_requests_before = {replica: sum(queue_stack.access_log_statuses(queue_n8n, replica).values())
                           for replica in queue_stack.REPLICAS}

    runs = deliver_and_wait(queue_n8n, calls, timeout=STORM_DEADLINE_S)

    assert_all_succeeded(queue_n8n, runs)
    expected_ids = {f"sumup:{sale['transaction_code']}" for sale in distinct}
    with queue_n8n.sidecar() as sidecar, queue_n8n.hubspot() as hubspot:
        stored = Counter(event_id for event_id in stored_event_ids(sidecar) if event_id in expected_ids)
        notes = notes_per_receipt(crm_state(hubspot))
    announced_rows, booked_rows = booked_rows_per_event(queue_n8n)
    storm_notes = {sale["transaction_code"]: notes[sale["transaction_code"]] for sale in distinct}
    lost = {"store": len(expected_ids - set(stored)),
            "bookings": len(expected_ids - set(announced_rows)),
            "CRM notes": sum(1 for count in storm_notes.values() if count == 0)}
    doubled = {"store": sum(count - 1 for count in stored.values()),
               "bookings": sum(1 for event_id in expected_ids & set(announced_rows)
                               if booked_rows.get(event_id) != announced_rows[event_id]),
               "CRM notes": sum(count - 1 for count in storm_notes.values() if count > 1)}
    print(f"\nduplicate storm in queue mode: {len(deliveries)} deliveries of {len(distinct)} distinct sales "
          f"in {len(calls)} webhook calls; lost {lost}; doubled {doubled}")
    assert (lost, doubled) == ({where: 0 for where in lost}, {where: 0 for where in doubled})
    # The proxy spreads the workers' calls (intake, delivery reports) over both replicas.
    for replica in queue_stack.REPLICAS:
        served = sum(queue_stack.access_log_statuses(queue_n8n, replica).values())
        assert served > api_requests_before[replica], f"{replica} answered no API request"
