"""The nightly consistency template in a real n8n: a sale stored but never delivered to the CRM is
found, queued for redelivery, delivered by the Redelivery template, and the team gets a summary; a CRM
contact still carrying the golden id of a customer since merged into another is repointed."""

from __future__ import annotations

import re
import uuid

from e2e_helpers import call_webhook, close_circuit, crm_state, eventually, tickets


def test_stored_but_undelivered_sale_is_queued_and_then_delivered(n8n, sidecar, hubspot, sumup_sale, unique_email):
    close_circuit(sidecar, "hubspot:cafe-berlin")
    sale = sumup_sale(email=unique_email("forgotten"))
    event = sidecar.post("/v1/map", json={"source": "sumup", "items": [sale]}).json()["results"][0]["event"]
    stored = sidecar.post("/v1/validate", json={"items": [event], "store": True}).json()["results"][0]
    assert stored["stored"] == "new", stored  # stored beside the workflow: no CRM delivery was ever reported

    call_webhook(n8n, "belegfluss/consistency/run?grace_minutes=0", {})

    [ticket] = [t for t in tickets(sidecar, stage="delivery") if t["event_id"] == event["id"]]
    assert ticket["target"] == "hubspot:cafe-berlin"
    assert ticket["source"] == "check"
    summary = eventually(lambda: [m for m in crm_state(hubspot)["notifications"]
                                  if "nightly check" in m.get("text", "")], "the nightly summary")[-1]
    assert "queued for redelivery" in summary["text"]

    def delivered() -> bool:  # the minute's scheduled run may hold the ticket's lease a moment
        call_webhook(n8n, "belegfluss/redelivery/run", {})
        return sidecar.get(f"/v1/quarantine/{ticket['id']}").json()["status"] == "delivered"

    eventually(delivered, "the redelivery of the queued sale")
    notes = [n for n in crm_state(hubspot)["notes"] if sale["transaction_code"] in n["properties"]["hs_note_body"]]
    assert len(notes) == 1


def seed_contacts(n8n, hubspot, contacts: list[dict[str, str]]) -> list[str]:
    """Contacts as the POS template leaves them in HubSpot: each carrying its golden id."""
    inputs = [{"idProperty": "email", "id": contact["email"], "properties": contact} for contact in contacts]
    answer = hubspot.post("/crm/v3/objects/contacts/batch/upsert", json={"inputs": inputs},
                          headers={"Authorization": f"Bearer {n8n.hubspot_token}"})
    answer.raise_for_status()
    return [contact["id"] for contact in answer.json()["results"]]


def golden_id_of(hubspot, contact_id: str) -> str | None:
    [contact] = [c for c in crm_state(hubspot)["contacts"] if c["id"] == contact_id]
    return contact["properties"].get("belegfluss_golden_id")


def test_crm_contact_of_a_merged_customer_is_repointed_to_the_survivor(n8n, sidecar, hubspot, unique_email):
    # Two records of one family at one address and one e-mail address: a review, approved as one person.
    family = {"address": {"street": "Lindenstraße", "house_number": "12", "postcode": "50674", "city": "Köln"},
              "emails": [unique_email("familie.becker")]}
    tag = uuid.uuid4().hex[:8]
    [lena] = sidecar.post("/v1/dedup", json={"items": [
        {"external_ids": {"sumup": f"lena-{tag}"}, "first_name": "Lena", "last_name": "Becker", **family}]}).json()["results"]
    [lara] = sidecar.post("/v1/dedup", json={"items": [
        {"external_ids": {"sumup": f"lara-{tag}"}, "first_name": "Lara", "last_name": "Becker", **family}]}).json()["results"]
    assert lara["decision"] == "review" and lara["golden_id"] != lena["golden_id"], lara
    [approved] = sidecar.post("/v1/review/approve",
                              json={"items": [{"review_id": lara["review_ids"][0]}]}).json()["results"]
    survivor = approved["golden_id"]
    [merged] = {lena["golden_id"], lara["golden_id"]} - {survivor}
    # A full search page (100) of other customers' contacts first: the stale one is found on page two.
    others = sidecar.post("/v1/dedup", json={"items": [
        {"external_ids": {"sumup": f"other-{tag}-{n}"}, "first_name": f"Kunde{n}", "last_name": f"Nummer{tag}",
         "emails": [unique_email(f"kunde{n}")]} for n in range(100)]}).json()["results"]
    seed_contacts(n8n, hubspot, [{"email": unique_email(f"kunde{n}"), "belegfluss_golden_id": other["golden_id"]}
                                 for n, other in enumerate(others)])
    survivor_contact, stale_contact = seed_contacts(n8n, hubspot, [
        {"email": unique_email("lena"), "firstname": "Lena", "belegfluss_golden_id": survivor},
        {"email": unique_email("lara"), "firstname": "Lara", "belegfluss_golden_id": merged}])

    call_webhook(n8n, "belegfluss/consistency/run", {})

    assert golden_id_of(hubspot, stale_contact) == survivor
    assert golden_id_of(hubspot, survivor_contact) == survivor
    audit_subject = {"subject": f"hubspot:cafe-berlin:{stale_contact}"}
    [entry] = sidecar.get("/v1/audit", params=audit_subject).json()["entries"]
    assert entry["action"] == "crm_contact_repointed"
    assert (entry["details"]["from"], entry["details"]["to"]) == (merged, survivor)
    summary = [m for m in crm_state(hubspot)["notifications"] if "nightly check" in m.get("text", "")][-1]["text"]
    counts = re.search(r"CRM contacts: (\d+) checked, (\d+) pointed at a merged customer, (\d+) repointed", summary)
    assert counts, summary
    checked, stale, repointed = map(int, counts.groups())
    assert checked >= 102 and stale >= 1 and repointed == stale, summary

    call_webhook(n8n, "belegfluss/consistency/run", {})  # the contact is current now: nothing more to repoint

    assert len(sidecar.get("/v1/audit", params=audit_subject).json()["entries"]) == 1
    assert golden_id_of(hubspot, stale_contact) == survivor
