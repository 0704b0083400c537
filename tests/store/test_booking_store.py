"""Stored bookings on SQLite and PostgreSQL: once per event, conflicts refused, exports as batches."""

from __future__ import annotations

import threading
from datetime import date
from typing import Any

import pytest
from belegfluss.accounting import service
from belegfluss.accounting.booking import BOOKING_LIST, net_by_account
from belegfluss.model import EVENT_ADAPTER
from belegfluss.store.bookings import exported_bookings
from belegfluss.store.database import Database
from belegfluss.store.events import store_events
from belegfluss.store.quarantine import get_ticket

from tests.extf_validator import assert_valid_extf
from tests.unit.accounting.stories import PROFILES, load_example_profile

CAFE = load_example_profile("cafe-berlin")
DAY = [
    line for line in (PROFILES / "examples" / "cafe-berlin-2026-03-14.jsonl").read_text().splitlines() if line
]


def cafe_events() -> list[dict[str, Any]]:
    import json

    return [json.loads(line) for line in DAY]


def test_an_event_is_booked_once_and_a_replay_returns_the_stored_bookings(database: Database) -> None:
    events = cafe_events()
    first = service.book_items(database, CAFE, events)
    again = service.book_items(database, CAFE, events)
    assert [a["stored"] for a in first] == ["new"] * len(events)
    assert [a["stored"] for a in again] == ["duplicate"] * len(events)
    assert [a["bookings"] for a in again] == [a["bookings"] for a in first]


def test_a_changed_event_with_the_same_id_is_a_conflict_not_a_second_booking(database: Database) -> None:
    event = cafe_events()[0]
    service.book_items(database, CAFE, [event])
    changed = {
        **event,
        "total": "7.10",
        "payments": [{"method": "cash", "amount": "7.10"}],
        "lines": [*event["lines"], {"name": "Wasser", "unit_price": "1.00", "tax_rate": "19"}],
    }
    [answer] = service.book_items(database, CAFE, [changed])
    assert answer["ok"] is False and answer["errors"][0]["code"] == "booking.conflict"
    file = service.export_period(database, CAFE, date(2026, 3, 1), date(2026, 3, 31))
    assert file.row_count == 2  # only the original's two rows


def test_the_same_event_booked_at_once_by_two_workers_is_stored_once(database: Database) -> None:
    event = cafe_events()[1]
    outcomes: list[str] = []
    barrier = threading.Barrier(4)

    def worker() -> None:
        barrier.wait()
        outcomes.extend(answer["stored"] for answer in service.book_items(database, CAFE, [event]))

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["duplicate"] * 3 + ["new"]
    assert service.export_period(database, CAFE, date(2026, 3, 1), date(2026, 3, 31)).row_count == 2


def test_export_marks_the_period_and_a_later_correction_lands_in_a_new_batch(database: Database) -> None:
    service.book_items(database, CAFE, cafe_events())
    first = service.export_period(database, CAFE, date(2026, 3, 1), date(2026, 3, 31))
    data = b"".join(first.chunks)
    parsed = assert_valid_extf(data)
    assert (first.filename, first.batch, len(parsed.rows)) == (
        "EXTF_Buchungsstapel_cafe-berlin_20260301_20260331.csv",
        1,
        14,
    )
    with pytest.raises(service.NothingToExport, match=first.export_id or "?"):
        service.export_period(database, CAFE, date(2026, 3, 1), date(2026, 3, 31))

    correction = {
        **cafe_events()[1],
        "type": "refund",
        "id": "canonical:cafe-K1-1099",
        "receipt_number": "1099",
        "original_id": "canonical:cafe-K1-1002",
        "occurred_at": "2026-03-20T10:00:00+01:00",
    }
    service.book_items(database, CAFE, [correction])
    second = service.export_period(database, CAFE, date(2026, 3, 1), date(2026, 3, 31))
    rows = assert_valid_extf(b"".join(second.chunks)).rows
    assert (second.batch, second.filename) == (2, "EXTF_Buchungsstapel_cafe-berlin_20260301_20260331_2.csv")
    assert [(r[0].value, r[1].value, r[10].value) for r in rows] == [
        ("7,60", "H", "K1/1099"),
        ("1,00", "H", "K1/1099"),
    ]

    again = b"".join(service.export_again(database, CAFE, first.export_id or "").chunks)
    assert again == data


def test_exported_rows_are_the_booked_rows_and_geldtransit_nets_to_zero(database: Database) -> None:
    answers = service.book_items(database, CAFE, cafe_events())
    booked = BOOKING_LIST.validate_python([row for answer in answers for row in answer["bookings"]])
    file = service.export_period(database, CAFE, date(2026, 3, 1), date(2026, 3, 31))
    exported = list(exported_bookings(database, file.export_id or ""))
    assert exported == booked
    assert 1361 not in net_by_account(exported)  # SumUp sales, tip and wallet cleared by the payout


def test_reconcile_finds_a_receipt_missing_from_the_store_and_opens_a_ticket(database: Database) -> None:
    events = cafe_events()
    receipts = [
        EVENT_ADAPTER.validate_python(e) for e in events if e.get("type") in (None, "sale", "refund", "void")
    ]
    report = next(e for e in events if e.get("type") == "z_report")
    store_events(database, [(r, r.model_dump(mode="json")) for r in receipts if r.receipt_number != "1004"])
    [answer] = service.reconcile_items(database, CAFE, [report])
    assert answer["verdict"] == "mismatch" and answer["receipt_count"] == 6
    assert {(d["dimension"], d["key"], d["difference"]) for d in answer["differences"]} == {
        ("tax_rate", "19", "9.30"),
        ("tax_rate", "7", "3.20"),
        ("payment", "voucher", "10.00"),
        ("payment", "wallet/sumup", "2.50"),
    }
    ticket = get_ticket(database, answer["ticket_id"])
    assert ticket is not None and ticket["stage"] == "reconcile" and ticket["event_id"] == report["id"]


def test_reconcile_of_a_complete_day_matches(database: Database) -> None:
    events = cafe_events()
    receipts = [
        EVENT_ADAPTER.validate_python(e) for e in events if e.get("type") in (None, "sale", "refund", "void")
    ]
    store_events(database, [(r, r.model_dump(mode="json")) for r in receipts])
    [answer] = service.reconcile_items(
        database, CAFE, [next(e for e in events if e.get("type") == "z_report")]
    )
    assert (answer["verdict"], answer["differences"], "ticket_id" in answer) == ("match", [], False)
