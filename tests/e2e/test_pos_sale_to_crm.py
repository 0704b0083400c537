"""The POS → CRM template in a real n8n: what a POS delivers ends in the Belegfluss store, booked under
its location profile, in HubSpot (a contact per golden customer, a note per purchase) or as a quarantine
ticket, never nowhere."""

from __future__ import annotations

import json
import sqlite3
import uuid
from pathlib import Path

from e2e_helpers import (
    contacts_by_email,
    crm_state,
    deliver,
    notes_for,
    tickets,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "pos"


def test_many_sales_in_one_call_are_stored_and_reach_hubspot(n8n, sidecar, hubspot, sumup_sale, unique_email):
    anna, ben = unique_email("anna"), unique_email("ben")
    sales = [sumup_sale(email=anna), sumup_sale(email=anna), sumup_sale(email=ben, phone="+49301234567"),
             sumup_sale()]

    answer = deliver(n8n, "sumup", sales)

    assert answer.status_code == 200
    for sale in sales:
        stored = sidecar.get(f"/v1/events/sumup:{sale['transaction_code']}")
        assert stored.status_code == 200, stored.text
    state = crm_state(hubspot)
    contacts = contacts_by_email(state)
    assert contacts[ben]["properties"]["phone"] == "+49301234567"
    anna_notes = notes_for(state, contacts[anna]["id"])
    assert sorted(n["properties"]["hs_note_body"].split()[1] for n in anna_notes) == sorted(
        s["transaction_code"] for s in sales[:2])
    assert len(notes_for(state, contacts[ben]["id"])) == 1


def test_a_single_sale_object_is_taken_like_a_list_of_one(n8n, sidecar, hubspot, sumup_sale, unique_email):
    carla = unique_email("carla")
    sale = sumup_sale(email=carla)

    deliver(n8n, "sumup", sale)

    assert sidecar.get(f"/v1/events/sumup:{sale['transaction_code']}").status_code == 200
    state = crm_state(hubspot)
    assert len(notes_for(state, contacts_by_email(state)[carla]["id"])) == 1


def test_duplicate_webhook_delivery_creates_no_second_note(n8n, hubspot, sumup_sale, unique_email):
    dora = unique_email("dora")
    sale = sumup_sale(email=dora)

    deliver(n8n, "sumup", [sale])
    deliver(n8n, "sumup", [sale])  # the POS retried: same transaction, same event id

    state = crm_state(hubspot)
    notes = notes_for(state, contacts_by_email(state)[dora]["id"])
    assert [n["properties"]["hs_note_body"].split()[1] for n in notes] == [sale["transaction_code"]]


def test_malformed_payload_ends_as_ticket_holding_its_payload(n8n, sidecar, hubspot):
    malformed = json.loads((FIXTURES / "sumup" / "malformed_missing_transaction_code.json").read_text())
    malformed["id"] = "malformed-e2e-payload"

    deliver(n8n, "sumup", [malformed])

    ticket = next(t for t in tickets(sidecar, source="sumup") if t["payload"].get("id") == "malformed-e2e-payload")
    assert ticket["payload"] == malformed
    assert "sumup.missing_field" in ticket["codes"]
    assert ticket["workflow"] == "Belegfluss: POS sale to CRM"
    assert ticket["node"] == "Take in POS sales" and ticket["reason"] == "POS payload could not be mapped"


def test_sale_failing_validation_is_quarantined_and_not_sent_to_hubspot(n8n, sidecar, hubspot, sumup_sale,
                                                                        unique_email):
    emil = unique_email("emil")
    sale = sumup_sale(email=emil)
    event = sidecar.post("/v1/map", json={"source": "sumup", "items": [sale]}).json()["results"][0]["event"]
    event["id"] = event["id"] + "-canonical"
    event["total"] = "99.99"  # the lines add up to 9.10

    deliver(n8n, "canonical", [event])

    ticket = next(t for t in tickets(sidecar) if t["payload"].get("id") == event["id"])
    assert ticket["node"] == "Take in POS sales" and ticket["reason"] == "Sale failed validation"
    assert ticket["errors"], ticket
    assert emil not in contacts_by_email(crm_state(hubspot))
    assert sidecar.get(f"/v1/events/{event['id']}").status_code == 404


def test_payload_from_an_unknown_pos_is_quarantined(n8n, sidecar):
    payload = {"order": "from a POS Belegfluss does not know", "marker": "unknown-pos-e2e"}

    deliver(n8n, "cashbox3000", payload)

    ticket = next(t for t in tickets(sidecar, source="cashbox3000") if t["payload"].get("marker") == "unknown-pos-e2e")
    assert ticket["payload"] == payload
    assert "cashbox3000" in ticket["reason"]


def test_hubspot_rate_limit_is_retried_until_the_purchase_arrives(n8n, hubspot, sumup_sale, unique_email):
    fritz = unique_email("fritz")
    hubspot.post("/__standin/faults", json={"status": 429, "count": 2, "retry_after": 1}).raise_for_status()

    deliver(n8n, "sumup", [sumup_sale(email=fritz)])

    state = crm_state(hubspot)
    assert state["rejected"].get("POST /crm/v3/objects/contacts/batch/upsert", 0) >= 2
    assert len(notes_for(state, contacts_by_email(state)[fritz]["id"])) == 1


def stored_booking_rows(stack, event_id: str) -> int:
    """Booking rows the sidecar holds for an event, read beside it from its SQLite store."""
    database = Path(stack.run_dir) / "belegfluss.db"
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=10) as connection:
        return connection.execute("SELECT count(*) FROM bookings WHERE event_id = ?", (event_id,)).fetchone()[0]


def test_new_sale_is_booked_once_under_its_location_profile(n8n, sidecar, sumup_sale, unique_email):
    sale = sumup_sale(email=unique_email("berta"))
    event_id = f"sumup:{sale['transaction_code']}"

    deliver(n8n, "sumup", [sale])
    rows_after_first_delivery = stored_booking_rows(n8n, event_id)
    deliver(n8n, "sumup", [sale])  # the POS retried the webhook

    stored = sidecar.get(f"/v1/events/{event_id}").json()
    rebooked = sidecar.post("/v1/book", json={"profile": "cafe-berlin", "items": [stored]}).json()["results"][0]
    assert rebooked["ok"], rebooked
    assert rebooked["stored"] == "duplicate"  # the template booked it before
    assert rows_after_first_delivery == len(rebooked["bookings"]) > 0
    assert stored_booking_rows(n8n, event_id) == rows_after_first_delivery


def canonical_sale(sidecar, sumup_sale, **customer: str) -> dict:
    """A canonical sale of the Berlin café with the given customer reference (SumUp carries no names)."""
    event = sidecar.post("/v1/map", json={"source": "sumup", "items": [sumup_sale()]}).json()["results"][0]["event"]
    event["customer"] = customer
    return event


def test_same_customer_with_other_email_spelling_becomes_one_hubspot_contact(n8n, sidecar, hubspot, sumup_sale):
    mailbox = f"lena.vogel.{uuid.uuid4().hex[:6]}"
    phone = f"+49 30 {uuid.uuid4().int % 10**8:08d}"
    first = canonical_sale(sidecar, sumup_sale, name="Lena Vogel", email=f"{mailbox}@gmail.com", phone=phone)
    second = canonical_sale(sidecar, sumup_sale, name="Lena Vogel", email=f"{mailbox}@googlemail.com",
                            phone="0" + phone.removeprefix("+49 ").replace(" ", ""))

    deliver(n8n, "canonical", [first])
    deliver(n8n, "canonical", [second])

    state = crm_state(hubspot)
    lenas = [c for c in state["contacts"] if mailbox in (c["properties"].get("email") or "")]
    assert len(lenas) == 1, lenas
    contact = lenas[0]
    assert contact["properties"]["belegfluss_golden_id"].startswith("gc_")
    assert sorted(n["properties"]["hs_note_body"].split()[1] for n in notes_for(state, contact["id"])) == sorted(
        [first["receipt_number"], second["receipt_number"]])


def test_delivered_sales_are_reported_to_the_circuit_breaker(n8n, sidecar, sumup_sale, unique_email):
    sale = sumup_sale(email=unique_email("carl"))

    deliver(n8n, "sumup", [sale])

    breaker = next(b for b in sidecar.get("/v1/delivery/breakers").json()["breakers"]
                   if b["target"] == "hubspot:cafe-berlin")
    assert breaker["state"] == "closed"
    undelivered = sidecar.post("/v1/check", json={"checks": ["undelivered_sales"], "fix": False,
                                                  "grace_minutes": 0}).json()
    assert f"sumup:{sale['transaction_code']}" not in {f["subject"] for f in undelivered["findings"]}
