"""The nightly consistency template in a real n8n: a sale stored but never delivered to the CRM is
found, queued for redelivery, delivered by the Redelivery template, and the team gets a summary."""

from __future__ import annotations

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
