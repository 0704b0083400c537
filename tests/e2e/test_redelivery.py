"""The Redelivery template with the POS template in a real n8n, against a flaky CRM: while HubSpot
fails, the circuit opens and sales are parked instead of sent; after recovery the Redelivery template
delivers each of them exactly once; a ticket is dead-lettered only after its last attempt, with an alert."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from e2e_helpers import (
    call_webhook,
    close_circuit,
    crm_state,
    deliver,
    eventually,
    notes_per_receipt,
    tickets,
)

TARGET = "hubspot:cafe-berlin"
UPSERT = "POST /crm/v3/objects/contacts/batch/upsert"
MAX_ATTEMPTS = 3  # BELEGFLUSS_REDELIVERY_MAX_ATTEMPTS of the test stack (conftest.FAST_REDELIVERY)


def breaker(sidecar: httpx.Client) -> dict[str, Any]:
    return next((b for b in sidecar.get("/v1/delivery/breakers").json()["breakers"] if b["target"] == TARGET),
                {"state": "closed", "retry_at": None})


@pytest.fixture
def healthy_hubspot(sidecar: httpx.Client) -> None:
    """HubSpot answers, and its circuit is closed with no failures counted from earlier tests."""
    close_circuit(sidecar, TARGET)


def run_redelivery(stack) -> None:
    call_webhook(stack, "belegfluss/redelivery/run", {})


def delivery_tickets(sidecar: httpx.Client, event_ids: set[str]) -> list[dict[str, Any]]:
    return [t for t in tickets(sidecar, stage="delivery") if t["event_id"] in event_ids]


def wait_until_circuit_may_probe(sidecar: httpx.Client) -> None:
    retry_at = breaker(sidecar)["retry_at"]
    if retry_at:
        time.sleep(max(0.0, (datetime.fromisoformat(retry_at) - datetime.now(UTC)).total_seconds()) + 0.2)


def test_flaky_crm_parks_sales_and_redelivery_delivers_each_exactly_once(n8n, sidecar, hubspot, healthy_hubspot,
                                                                         sumup_sale, unique_email):
    hubspot.post("/__standin/faults", json={"status": 503, "count": 1000}).raise_for_status()
    during_outage = [sumup_sale(email=unique_email(f"outage{n}")) for n in range(6)]
    deliver(n8n, "sumup", during_outage)  # HubSpot fails: six failures open the circuit (threshold 5)

    assert breaker(sidecar)["state"] == "open"
    assert breaker(sidecar)["last_status"] == 503  # the status HubSpot answered, taken from the HTTP node's error
    calls_while_failing = crm_state(hubspot)["requests"][UPSERT]
    while_open = [sumup_sale(email=unique_email(f"open{n}")) for n in range(2)]
    deliver(n8n, "sumup", while_open)

    assert crm_state(hubspot)["requests"][UPSERT] == calls_while_failing  # parked without calling HubSpot
    sales = during_outage + while_open
    event_ids = {f"sumup:{sale['transaction_code']}" for sale in sales}
    parked = delivery_tickets(sidecar, event_ids)
    assert sorted(t["event_id"] for t in parked) == sorted(event_ids)  # one ticket per sale, none lost
    assert {t["target"] for t in parked} == {TARGET}
    assert not any(notes_per_receipt(crm_state(hubspot))[sale["transaction_code"]] for sale in sales)

    hubspot.delete("/__standin/faults").raise_for_status()  # HubSpot is back
    wait_until_circuit_may_probe(sidecar)
    for _ in range(MAX_ATTEMPTS):  # the first run sends one probe, the next the rest
        run_redelivery(n8n)
        if all(t["status"] == "delivered" for t in delivery_tickets(sidecar, event_ids)):
            break
    run_redelivery(n8n)  # a further run finds nothing left to send

    assert {t["status"] for t in delivery_tickets(sidecar, event_ids)} == {"delivered"}
    notes = notes_per_receipt(crm_state(hubspot))
    assert {sale["transaction_code"]: notes[sale["transaction_code"]] for sale in sales} == {
        sale["transaction_code"]: 1 for sale in sales}
    assert breaker(sidecar)["state"] == "closed"


def test_ticket_is_dead_lettered_after_its_last_attempt_and_the_team_is_alerted(n8n, sidecar, hubspot,
                                                                                healthy_hubspot, sumup_sale,
                                                                                unique_email):
    hubspot.post("/__standin/faults", json={"status": 503, "count": 1000}).raise_for_status()
    sale = sumup_sale(email=unique_email("doomed"))
    event_id = f"sumup:{sale['transaction_code']}"
    deliver(n8n, "sumup", [sale])
    [ticket] = delivery_tickets(sidecar, {event_id})

    def alerts() -> list[dict[str, Any]]:
        return [m for m in crm_state(hubspot)["notifications"] if ticket["id"] in m.get("text", "")]

    for _ in range(MAX_ATTEMPTS + 2):  # scheduled runs may take a turn too; the bound is generous
        if ticket["status"] != "open":
            break
        assert not alerts()  # no alert while attempts are left
        wait_until_circuit_may_probe(sidecar)
        run_redelivery(n8n)
        ticket = sidecar.get(f"/v1/quarantine/{ticket['id']}").json()

    assert ticket["status"] == "dead"
    assert ticket["attempt_count"] == MAX_ATTEMPTS
    assert [a["ok"] for a in ticket["attempts"]] == [False] * MAX_ATTEMPTS
    alert = eventually(alerts, "the dead-letter alert")[0]
    assert TARGET in alert["text"] and event_id in alert["text"]
    assert not notes_per_receipt(crm_state(hubspot))[sale["transaction_code"]]
