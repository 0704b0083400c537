"""`POST /v1/intake`, the POS fast path, over HTTP against the real sidecar on SQLite and PostgreSQL:
a webhook delivery of sales is stored, booked and planned for HubSpot in one call; nothing is
dropped (tickets name why) and nothing is planned twice."""

from __future__ import annotations

import copy
import json
import uuid
from collections import Counter
from typing import Any

from tests.conftest import REPO, Sidecar

SUMUP_SALE = json.loads((REPO / "tests/fixtures/pos/sumup/card_sale_tax_inclusive.json").read_text())


def sumup_sales(count: int, *, customers: int | None = None, location: str = "cafe-berlin") -> list[dict[str, Any]]:
    tag = uuid.uuid4().hex[:10].upper()
    sales = []
    for number in range(count):
        sale = copy.deepcopy(SUMUP_SALE)
        sale.update(id=f"{tag}-{number}", transaction_code=f"{tag}{number:05d}", location_id=location,
                    customer_email=f"guest{number % (customers or count)}.{tag.lower()}@example.de")
        sales.append(sale)
    return sales


def take_in(sidecar: Sidecar, items: list[Any], source: str = "sumup", **fields: Any) -> dict[str, Any]:
    response = sidecar.client.post("/v1/intake", json={"source": source, "items": items, **fields})
    assert response.status_code == 200, response.text
    return response.json()


def test_new_sales_are_stored_booked_and_planned_for_hubspot_in_batches_of_100(any_sidecar: Sidecar) -> None:
    sales = sumup_sales(230, customers=150)
    answer = take_in(any_sidecar, sales)
    results = answer["results"]
    assert [r["index"] for r in results] == list(range(230))
    assert {(r["ok"], r["stored"], r["booked"], r["delivery"]) for r in results} == {(True, "new", "new", "planned")}
    batches = answer["deliveries"]
    assert [len(b["notes"]) for b in batches] == [100, 100, 30]
    assert all(b["target"] == "hubspot:cafe-berlin" and b["base_url"] == "https://api.hubapi.com" for b in batches)
    # One note per sale, each naming the golden id of its contact, which is in the same batch.
    assert sorted(e for b in batches for e in b["event_ids"]) == sorted(r["event_id"] for r in results)
    for batch in batches:
        contacts = json.loads(batch["upsert_body"])["inputs"]
        assert {n["golden_id"] for n in batch["notes"]} == {c["id"] for c in contacts}
        assert all(c["idProperty"] == "belegfluss_golden_id" for c in contacts)
        assert [n["properties"]["hs_note_body"].split()[-1].rstrip("]") for n in batch["notes"]] == batch["event_ids"]
    golden_ids = Counter(r["golden_id"] for r in results)
    assert len(golden_ids) == 150  # the same guest twice is one golden customer
    first_note = batches[0]["notes"][0]["properties"]["hs_note_body"]
    assert first_note.startswith(f"Purchase {sales[0]['transaction_code']} at cafe-berlin: 9.10 EUR")


def test_repeat_delivery_is_not_booked_or_planned_again(any_sidecar: Sidecar) -> None:
    sales = sumup_sales(3)
    take_in(any_sidecar, sales)
    again = take_in(any_sidecar, sales + sales[:1])
    assert [(r["stored"], r["booked"], r["delivery"]) for r in again["results"]] == [("duplicate", "duplicate", "none")] * 4
    assert again["deliveries"] == []


def test_every_payload_that_fails_becomes_a_ticket_naming_the_node(any_sidecar: Sidecar) -> None:
    good, invalid = sumup_sales(2)
    invalid["amount"] = 99.99  # the products add up to 9.10
    answer = take_in(any_sidecar, [good, "not a sale", invalid], workflow="POS sale", node="Take in POS sales",
                     execution_id="42")
    ok, malformed, failed = answer["results"]
    assert ok["ok"] and not malformed["ok"] and not failed["ok"]
    for result in (malformed, failed):
        ticket = any_sidecar.client.get(f"/v1/quarantine/{result['ticket_id']}").json()
        assert (ticket["node"], ticket["workflow"], ticket["execution_id"]) == ("Take in POS sales", "POS sale", "42")
        assert ticket["errors"] and ticket["errors"][0]["code"] == result["errors"][0]["code"]
    assert [e for b in answer["deliveries"] for e in b["event_ids"]] == [ok["event_id"]]


def test_payloads_of_an_unknown_pos_are_quarantined_not_refused(any_sidecar: Sidecar) -> None:
    answer = take_in(any_sidecar, sumup_sales(2), source="kassomat")
    assert {r["errors"][0]["code"] for r in answer["results"]} == {"source.unknown"}
    assert all(r["ticket_id"] for r in answer["results"])


def test_location_without_profile_is_stored_not_booked_and_sent_nowhere(any_sidecar: Sidecar) -> None:
    [result] = take_in(any_sidecar, sumup_sales(1, location="nowhere-known"))["results"]
    assert (result["ok"], result["stored"], result["booked"], result["delivery"]) == (True, "new", None, "none")


def test_sale_without_customer_reference_is_booked_and_not_planned(any_sidecar: Sidecar) -> None:
    [sale] = sumup_sales(1)
    del sale["customer_email"]
    answer = take_in(any_sidecar, [sale])
    assert answer["results"][0]["booked"] == "new" and answer["results"][0]["delivery"] == "none"
    assert answer["deliveries"] == []


def test_sale_of_a_location_with_an_open_circuit_is_parked_for_redelivery(any_sidecar: Sidecar) -> None:
    target = "hubspot:test-flaky-crm"
    failures = [{"target": target, "ok": False, "status": 503, "error": "down"}] * 5
    assert any_sidecar.client.post("/v1/delivery/report", json={"items": failures}).status_code == 200
    answer = take_in(any_sidecar, sumup_sales(2, location="test-flaky-crm"))
    assert answer["deliveries"] == []
    for result in answer["results"]:
        assert result["delivery"] == "parked"
        ticket = any_sidecar.client.get(f"/v1/quarantine/{result['ticket_id']}").json()
        assert (ticket["stage"], ticket["target"], ticket["event_id"]) == ("delivery", target, result["event_id"])
        assert ticket["payload"]["id"] == result["event_id"] and ticket["next_attempt_at"]


def test_a_failed_crm_batch_reported_with_park_becomes_delivery_tickets_of_the_stored_sales(
        any_sidecar: Sidecar) -> None:
    answer = take_in(any_sidecar, sumup_sales(3))
    [batch] = answer["deliveries"]
    report = {"target": batch["target"], "ok": False, "status": 503, "error": "Service Unavailable",
              "event_ids": batch["event_ids"], "park": True}
    response = any_sidecar.client.post("/v1/delivery/report", json={
        "items": [report], "workflow": "POS sale", "node": "Report failed deliveries", "execution_id": "7"})
    [reported] = response.json()["results"]
    assert len(reported["ticket_ids"]) == 3
    for event_id, ticket_id in zip(batch["event_ids"], reported["ticket_ids"]):
        ticket = any_sidecar.client.get(f"/v1/quarantine/{ticket_id}").json()
        assert (ticket["stage"], ticket["target"], ticket["event_id"]) == ("delivery", batch["target"], event_id)
        assert ticket["payload"] == any_sidecar.client.get(f"/v1/events/{event_id}").json()
        assert ticket["node"] == "Report failed deliveries" and "Service Unavailable" in ticket["reason"]
    any_sidecar.client.post("/v1/delivery/report", json={"items": [{"target": batch["target"], "ok": True}]})


def test_batch_over_the_limit_is_refused_whole(sidecar: Sidecar) -> None:
    response = sidecar.client.post("/v1/intake", json={"source": "sumup", "items": [{}] * 5001})
    assert response.status_code == 413 and response.json()["error"]["code"] == "body.batch_too_large"
