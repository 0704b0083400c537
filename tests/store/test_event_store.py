"""Idempotent storage on SQLite and PostgreSQL: one row per event id, replays are no-ops, changed
content is a conflict, and concurrent writers of the same events store them once."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from belegfluss.model import EVENT_ADAPTER
from belegfluss.store import events as event_store
from belegfluss.store.database import Database
from belegfluss.store.migrations import current_version
from tests.builders import refund_of, sale


def pair(event: dict) -> tuple:
    parsed = EVENT_ADAPTER.validate_python(event)
    return parsed, parsed.model_dump(mode="json")


def test_new_then_duplicate_then_conflict(database: Database) -> None:
    event = sale()
    assert event_store.store_events(database, [pair(event)]) == ["new"]
    assert event_store.store_events(database, [pair(event)]) == ["duplicate"]
    assert event_store.store_events(database, [pair({**event, "note": "changed"})]) == ["conflict"]
    assert event_store.get_event(database, event["id"])["note"] is None


def test_amounts_survive_the_round_trip_exactly(database: Database) -> None:
    event = sale(total="6.30")
    event_store.store_events(database, [pair(event)])
    stored = event_store.load_events(database, [event["id"]])[event["id"]]
    assert stored.total_cents == 630
    assert event_store.get_event(database, event["id"])["lines"][1]["unit_price"] == "2.50"


def test_refunded_amount_is_summed_per_original(database: Database) -> None:
    original = sale()
    event_store.store_events(database, [pair(original), pair(refund_of(original, "1.00")),
                                        pair(refund_of(original, "2.50"))])
    assert event_store.reversed_cents(database, [original["id"]]) == {original["id"]: 350}


def test_concurrent_writers_store_each_event_once(database: Database) -> None:
    events = [pair(sale()) for _ in range(60)]
    batches = [events[i::3] + events for i in range(3)]  # every writer sends everything, in another order

    with ThreadPoolExecutor(max_workers=6) as pool:
        outcomes = list(pool.map(lambda batch: event_store.store_events(database, batch), batches * 2))

    assert sum(outcome.count("new") for outcome in outcomes) == len(events)
    assert all(o in ("new", "duplicate") for outcome in outcomes for o in outcome)
    listed, total = event_store.list_events(database, limit=1000)
    assert total == len(events) and len({e["id"] for e in listed}) == len(events)


def test_schema_version_is_recorded_and_migrate_is_repeatable(database: Database) -> None:
    database.migrate()
    assert current_version(database) >= 1
