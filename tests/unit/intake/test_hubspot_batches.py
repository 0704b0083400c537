"""HubSpot delivery plans: contacts keyed by golden id, notes by the golden id of their buyer, at
most 100 of each per call, one batch never mixing two targets (each has its own breaker)."""

from __future__ import annotations

import json

from belegfluss.intake.hubspot_batches import Delivery, contact_from_sale, plan_batches
from belegfluss.model.sale import CustomerRef, Sale
from tests.builders import sale


def delivery(golden_id: str, target: str = "hubspot:cafe-berlin", **customer: str) -> Delivery:
    return Delivery(Sale.model_validate(sale(customer=customer or {"email": "a@example.de"})), target,
                    "https://api.hubapi.com", golden_id)


def test_contact_comes_from_the_sale_keyed_by_golden_id() -> None:
    contact = contact_from_sale("gc_1", CustomerRef(email=" Anna.Berg@Example.DE ", name="Anna  Maria Berg",
                                                    phone="+49301234567"))
    assert contact == {"idProperty": "belegfluss_golden_id", "id": "gc_1", "properties": {
        "belegfluss_golden_id": "gc_1", "email": "anna.berg@example.de", "firstname": "Anna Maria",
        "lastname": "Berg", "phone": "+49301234567"}}  # the name split of crm.hubspot, as for golden records
    assert contact_from_sale("gc_2", CustomerRef(card_token="tok"))["properties"] == {"belegfluss_golden_id": "gc_2"}


def test_a_repeat_customer_is_one_contact_with_a_note_per_purchase() -> None:
    deliveries = [delivery("gc_1", email="a@example.de"), delivery("gc_2"), delivery("gc_1", phone="+4930111")]
    [batch] = plan_batches(deliveries)
    contacts = json.loads(batch["upsert_body"])["inputs"]
    assert [c["id"] for c in contacts] == ["gc_1", "gc_2"]
    assert contacts[0]["properties"] == {"belegfluss_golden_id": "gc_1", "email": "a@example.de", "phone": "+4930111"}
    assert [n["golden_id"] for n in batch["notes"]] == ["gc_1", "gc_2", "gc_1"]
    assert batch["event_ids"] == [d.sale.id for d in deliveries]
    assert batch["notes"][0]["properties"]["hs_note_body"].startswith("Purchase ")


def test_batches_hold_at_most_the_limit_and_never_mix_targets() -> None:
    plans = plan_batches([delivery(f"gc_{n}") for n in range(5)] + [delivery("gc_x", target="hubspot:shop")]
                         + [delivery(f"gc_{n}") for n in range(5, 7)], limit=3)
    assert [(b["target"], len(b["notes"]), len(json.loads(b["upsert_body"])["inputs"])) for b in plans] == [
        ("hubspot:cafe-berlin", 3, 3), ("hubspot:cafe-berlin", 3, 3), ("hubspot:cafe-berlin", 1, 1),
        ("hubspot:shop", 1, 1)]
    assert sum(len(b["event_ids"]) for b in plans) == 8
