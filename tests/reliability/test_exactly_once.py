"""Exactly-once effects across replicas and crashes (issue 6).

- Duplicate storm: 10,000 sales, 30 % of them sent twice and everything re-ordered, posted
  concurrently to two sidecar replicas sharing PostgreSQL through the template's path (validate,
  then book what is new). Exactly the distinct sales are stored and booked, and exactly one answer
  per sale says `stored: new` — the answer the POS template writes its one CRM note for.
- Crash: the sidecar is killed with SIGKILL in the middle of a large booking batch. After a restart
  no event is half-booked, and the client's retry books the rest without a duplicate.
"""

from __future__ import annotations

import random
import signal
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from belegfluss.store.bookings import booking_sets, bookings
from belegfluss.store.database import Database
from belegfluss.store.events import events
from tests.builders import sale
from tests.conftest import POSTGRES_URL, Sidecar, _drop_schema, _fresh_schema, start_sidecar, stop_sidecar

DISTINCT_SALES = 10_000
DUPLICATE_SHARE = 0.30
BATCH = 250


def distinct_sales(count: int, prefix: str) -> list[dict]:
    registers = [f"K{n}" for n in range(1, 9)]
    return [sale(id=f"canonical:{prefix}-{n}", register_id=registers[n % len(registers)],
                 receipt_number=str(n // len(registers) + 1)) for n in range(count)]


@pytest.fixture
def shared_schema(tmp_path: Path) -> Iterator[str]:
    schema = _fresh_schema()
    yield f"{POSTGRES_URL}?schema={schema}"
    _drop_schema(schema)


def post(client: httpx.Client, path: str, body: dict) -> list[dict]:
    response = client.post(path, json=body, timeout=300)
    assert response.status_code == 200, response.text
    return response.json()["results"]


def validate_then_book(client: httpx.Client, batch: list[dict]) -> list[str]:
    """The POS template's path: validate (stores), then book what is valid. Answers `stored` per sale."""
    validated = post(client, "/v1/validate", {"items": batch})
    valid = [event for event, answer in zip(batch, validated) if answer["ok"]]
    assert len(valid) == len(batch), [a["errors"] for a in validated if not a["ok"]][:3]
    booked = post(client, "/v1/book", {"profile": "cafe-berlin", "items": valid})
    assert all(answer["ok"] for answer in booked), [a for a in booked if not a["ok"]][:3]
    return [answer["stored"] for answer in validated]


def booked_sets(database: Database) -> int:
    with database.connect() as connection:
        return connection.scalar(select(func.count()).select_from(booking_sets))


def counts(database: Database) -> tuple[int, int, dict[str, int]]:
    with database.connect() as connection:
        stored = connection.scalar(select(func.count()).select_from(events))
        booked = connection.scalar(select(func.count()).select_from(booking_sets))
        expected_rows = dict(connection.execute(select(booking_sets.c.event_id, booking_sets.c.row_count)).all())
        actual_rows = dict(connection.execute(
            select(bookings.c.event_id, func.count()).group_by(bookings.c.event_id)).all())
    half_booked = {event_id: actual_rows.get(event_id, 0) for event_id, rows in expected_rows.items()
                   if actual_rows.get(event_id, 0) != rows}
    orphans = set(actual_rows) - set(expected_rows)
    return stored, booked, {**half_booked, **{event_id: -1 for event_id in orphans}}


def test_duplicate_storm_on_two_replicas_stores_and_books_each_sale_once(shared_schema: str,
                                                                           tmp_path: Path) -> None:
    replicas = [start_sidecar(shared_schema, tmp_path) for _ in range(2)]
    try:
        unique = distinct_sales(DISTINCT_SALES, "storm")
        rng = random.Random(30)
        deliveries = unique + rng.sample(unique, int(DISTINCT_SALES * DUPLICATE_SHARE))
        rng.shuffle(deliveries)
        batches = [deliveries[i:i + BATCH] for i in range(0, len(deliveries), BATCH)]
        clients = [replica.client for replica in replicas]

        with ThreadPoolExecutor(max_workers=8) as pool:
            answers = list(pool.map(lambda n: validate_then_book(clients[n % 2], batches[n]), range(len(batches))))

        new_per_sale = Counter(event["id"] for batch, stored in zip(batches, answers)
                               for event, outcome in zip(batch, stored) if outcome == "new")
        stored, booked, half_booked = counts(replicas[0].database())
        lost = DISTINCT_SALES - len(new_per_sale)
        doubled = sum(count - 1 for count in new_per_sale.values())
        print(f"\nduplicate storm: {len(deliveries):,} deliveries of {DISTINCT_SALES:,} sales to 2 replicas: "
              f"stored {stored:,}, booked {booked:,}, lost {lost}, doubled {doubled}")
        assert (lost, doubled) == (0, 0)
        assert stored == booked == DISTINCT_SALES
        assert half_booked == {}
    finally:
        for replica in replicas:
            stop_sidecar(replica)


def test_sigkill_during_a_booking_batch_leaves_no_partial_and_no_duplicate_booking(shared_schema: str,
                                                                                   tmp_path: Path) -> None:
    sales = distinct_sales(3_000, "crash")
    sidecar = start_sidecar(shared_schema, tmp_path)
    database = sidecar.database()
    try:
        for start in range(0, len(sales), 1000):
            post(sidecar.client, "/v1/validate", {"items": sales[start:start + 1000]})
        attempt = threading.Thread(target=_book_ignoring_the_crash, args=(sidecar, sales), daemon=True)
        attempt.start()
        deadline = time.monotonic() + 60
        # Wait until the batch is well under way; a cheap count, so the kill lands before the last of
        # its transactions (100 events each) commits.
        while booked_sets(database) < 200:
            assert time.monotonic() < deadline, "the booking batch never started"
            time.sleep(0.05)
        sidecar.process.send_signal(signal.SIGKILL)
        sidecar.process.wait(timeout=10)
        attempt.join(timeout=30)
    finally:
        stop_sidecar(sidecar)

    _stored, booked_before_retry, half_booked = counts(database)
    assert 0 < booked_before_retry < len(sales), "the kill did not land inside the batch"
    assert half_booked == {}

    restarted = start_sidecar(shared_schema, tmp_path)
    try:
        retried = post(restarted.client, "/v1/book", {"profile": "cafe-berlin", "items": sales})
    finally:
        stop_sidecar(restarted)
    outcomes = Counter(answer["stored"] for answer in retried)
    _stored, booked, half_booked = counts(database)
    print(f"\ncrash: {booked_before_retry:,} of {len(sales):,} booked when killed; retry: {dict(outcomes)}")
    assert outcomes == {"new": len(sales) - booked_before_retry, "duplicate": booked_before_retry}
    assert booked == len(sales) and half_booked == {}
    database.dispose()


def _book_ignoring_the_crash(sidecar: Sidecar, sales: list[dict]) -> None:
    try:
        sidecar.client.post("/v1/book", json={"profile": "cafe-berlin", "items": sales}, timeout=300)
    except httpx.HTTPError:
        pass  # the server died under the request: that is the point
