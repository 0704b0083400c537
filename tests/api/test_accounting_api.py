"""Accounting over HTTP against the real sidecar, on SQLite and PostgreSQL: book once, stream DATEV
files with their file name, fetch an export again, reconcile Z-reports into quarantine."""

from __future__ import annotations

import json
import random
import uuid
from typing import Any

from tests.conftest import Sidecar
from tests.extf_validator import assert_valid_extf
from tests.unit.accounting.stories import PROFILES

EXAMPLE = PROFILES / "examples" / "cafe-berlin-2026-03-14.jsonl"


def cafe_day(year: int) -> list[dict[str, Any]]:
    """The café's sample day moved to a year of its own with ids of its own: tests share one sidecar."""
    suffix = uuid.uuid4().hex[:8]
    text = EXAMPLE.read_text(encoding="utf-8").replace("2026-03-", f"{year}-03-")
    text = text.replace('"canonical:cafe-', f'"canonical:cafe-{suffix}-').replace(
        '"sumup:payout-', f'"sumup:payout-{suffix}-'
    )
    return [json.loads(line) for line in text.splitlines() if line]


# Each test books a year of its own: the tests of a worker share one sidecar, and two of them
# exporting the same period would see each other's bookings.
_unused_years = iter(random.sample(range(2030, 3000), 970))


def fresh_year() -> int:
    return next(_unused_years)


def book(sidecar: Sidecar, items: list[dict[str, Any]], profile: str = "cafe-berlin") -> list[dict[str, Any]]:
    response = sidecar.client.post("/v1/book", json={"profile": profile, "items": items})
    assert response.status_code == 200, response.text
    return response.json()["results"]


def test_book_answers_per_item_and_stores_each_event_once(any_sidecar: Sidecar) -> None:
    day = cafe_day(fresh_year())
    first = book(any_sidecar, day)
    again = book(any_sidecar, day)
    assert [a["stored"] for a in first] == ["new"] * len(day) and [a["stored"] for a in again] == [
        "duplicate"
    ] * len(day)
    cash_sale = first[0]["bookings"]
    assert [
        (b["amount"], b["debit_credit"], b["account"], b["contra_account"], b["bu_key"]) for b in cash_sale
    ] == [("3.60", "S", 1000, 8400, ""), ("2.50", "S", 1000, 8301, "2")]


def test_one_bad_item_never_fails_its_batch(any_sidecar: Sidecar) -> None:
    day = cafe_day(fresh_year())
    broken = {**day[0], "payments": [{"method": "cash", "amount": "1.00"}]}
    answers = book(any_sidecar, [broken, day[1], {"type": "payout", "id": "x"}])
    assert [a["ok"] for a in answers] == [False, True, False]
    assert answers[0]["errors"][0]["code"] == "accounting.unbalanced"
    assert answers[2]["errors"][0]["path"].startswith("$")


def test_changed_event_is_a_conflict(any_sidecar: Sidecar) -> None:
    sale = cafe_day(fresh_year())[5]
    book(any_sidecar, [sale])
    [answer] = book(any_sidecar, [{**sale, "note": "edited later"}])
    assert answer["ok"] is False and answer["errors"][0]["code"] == "booking.conflict"


def test_datev_export_streams_a_valid_file_with_its_name_and_marks_the_period(any_sidecar: Sidecar) -> None:
    year = fresh_year()
    book(any_sidecar, cafe_day(year))
    period = {"profile": "cafe-berlin", "from": f"{year}-03-01", "to": f"{year}-03-31"}
    response = any_sidecar.client.post("/v1/datev", json=period)
    assert response.status_code == 200, response.text
    assert response.headers["content-disposition"] == (
        f'attachment; filename="EXTF_Buchungsstapel_cafe-berlin_{year}0301_{year}0331.csv"'
    )
    assert response.headers["content-type"].startswith("text/csv")
    parsed = assert_valid_extf(response.content)
    assert len(parsed.rows) == 14 and parsed.header[14].value == f"{year}0301"

    assert (
        any_sidecar.client.post("/v1/datev", json=period).json()["error"]["code"] == "datev.nothing_to_export"
    )
    export_id = response.headers["x-belegfluss-export-id"]
    again = any_sidecar.client.post("/v1/datev", json={"profile": "cafe-berlin", "export_id": export_id})
    assert again.content == response.content
    listed = any_sidecar.client.get("/v1/datev/exports", params={"profile": "cafe-berlin"}).json()["exports"]
    assert {"export_id": export_id, "batch": 1, "rows": 14}.items() <= next(
        e for e in listed if e["export_id"] == export_id
    ).items()


def test_datev_export_of_given_bookings(any_sidecar: Sidecar) -> None:
    answers = book(any_sidecar, cafe_day(fresh_year())[:2])
    rows = [b for a in answers for b in a["bookings"]]
    response = any_sidecar.client.post("/v1/datev", json={"profile": "cafe-berlin", "bookings": rows})
    assert response.status_code == 200, response.text
    assert len(assert_valid_extf(response.content).rows) == 4


def test_given_booking_with_a_character_cp1252_cannot_carry_is_refused_with_its_row(
    any_sidecar: Sidecar,
) -> None:
    answers = book(any_sidecar, cafe_day(fresh_year())[:1])
    rows = answers[0]["bookings"]
    rows[1] = {**rows[1], "text": "Kasse K1 Bon 1001 7% ✓"}
    response = any_sidecar.client.post("/v1/datev", json={"profile": "cafe-berlin", "bookings": rows})
    assert response.status_code == 422
    assert (
        response.json()["error"]["code"] == "datev.invalid" and "row 2" in response.json()["error"]["message"]
    )


def test_a_period_over_two_wirtschaftsjahre_is_refused(any_sidecar: Sidecar) -> None:
    response = any_sidecar.client.post(
        "/v1/datev", json={"profile": "shop-hamburg", "from": "2026-06-01", "to": "2026-07-31"}
    )
    assert response.status_code == 422 and "Wirtschaftsjahre" in response.json()["error"]["message"]


def test_reconcile_compares_the_z_report_with_stored_receipts(any_sidecar: Sidecar) -> None:
    day = cafe_day(2026)  # a past day: validation refuses receipts from the future
    receipts = [e for e in day if e.get("type") in (None, "refund", "void")]
    report = next(e for e in day if e.get("type") == "z_report")
    register = "R" + uuid.uuid4().hex[:6]
    receipts = [{**r, "register_id": register} for r in receipts]
    report = {**report, "register_id": register}
    stored = any_sidecar.client.post(
        "/v1/validate", json={"items": receipts, "profile": "cafe-berlin"}
    ).json()
    assert all(r["ok"] for r in stored["results"]), stored
    [match] = any_sidecar.client.post(
        "/v1/reconcile", json={"profile": "cafe-berlin", "items": [report]}
    ).json()["results"]
    assert (match["verdict"], match["receipt_count"]) == ("match", 7)

    short = {
        **report,
        "id": report["id"] + "-b",
        "totals_by_payment": [
            {**p, "amount": "30.60"} if p["method"] == "cash" else p for p in report["totals_by_payment"]
        ],
    }
    [mismatch] = any_sidecar.client.post(
        "/v1/reconcile", json={"profile": "cafe-berlin", "items": [short]}
    ).json()["results"]
    assert mismatch["verdict"] == "mismatch"
    assert mismatch["differences"] == [
        {
            "dimension": "payment",
            "key": "cash",
            "z_report": "30.60",
            "receipts": "28.60",
            "difference": "2.00",
        }
    ]
    ticket = any_sidecar.client.get(f"/v1/quarantine/{mismatch['ticket_id']}").json()
    assert ticket["status"] == "open" and ticket["errors"][0]["code"] == "reconcile.difference"
