"""`POST /v1/redelivery/plan` over HTTP against the real sidecar on SQLite and PostgreSQL: claimed
delivery tickets come back as the HubSpot batches intake plans for a first delivery (same golden id,
contact and note), each naming its tickets; every other claimed ticket says why not now. Nothing is
dropped, and only claimed delivery tickets are planned."""

from __future__ import annotations

import json
import uuid
from typing import Any

from tests.api.test_intake_api import sumup_sales, take_in
from tests.conftest import Sidecar

CAFE = "hubspot:cafe-berlin"
FLAKY = "hubspot:test-flaky-crm"


def claim(sidecar: Sidecar, worker: str | None = None) -> list[str]:
    """Every due ticket, claimed by a worker of this test (other tests' leftovers included)."""
    answer = sidecar.client.post("/v1/redelivery/claim", json={"worker": worker or uuid.uuid4().hex, "limit": 1000})
    assert answer.status_code == 200, answer.text
    return [ticket["id"] for ticket in answer.json()["tickets"]]


def plan(sidecar: Sidecar, ticket_ids: list[Any]) -> dict[str, Any]:
    items = [{"id": ticket_id} if isinstance(ticket_id, str) else ticket_id for ticket_id in ticket_ids]
    answer = sidecar.client.post("/v1/redelivery/plan", json={"items": items})
    assert answer.status_code == 200, answer.text
    return answer.json()


def park_after_failed_batch(sidecar: Sidecar, batch: dict[str, Any]) -> list[str]:
    """HubSpot refused a batch: its sales are parked as delivery tickets, as the POS template does.
    The target's breaker forgets the failure again, so other tests find it closed."""
    failure = {"target": batch["target"], "ok": False, "status": 503, "error": "Service Unavailable",
               "event_ids": batch["event_ids"], "park": True}
    [reported] = sidecar.client.post("/v1/delivery/report", json={"items": [failure]}).json()["results"]
    sidecar.client.post("/v1/delivery/report", json={"items": [{"target": batch["target"], "ok": True}]})
    return reported["ticket_ids"]


def add_delivery_ticket(sidecar: Sidecar, payload: Any, target: str = CAFE) -> str:
    ticket = {"source": "n8n", "stage": "delivery", "target": target, "event_id": f"test:{uuid.uuid4().hex}",
              "payload": payload, "reason": "HubSpot answered 503"}
    [added] = sidecar.client.post("/v1/quarantine", json={"items": [ticket]}).json()["results"]
    return added["ticket_id"]


def open_circuit(sidecar: Sidecar, target: str) -> None:
    failures = [{"target": target, "ok": False, "status": 503, "error": "down"}] * 5
    assert sidecar.client.post("/v1/delivery/report", json={"items": failures}).status_code == 200


def test_parked_sales_are_planned_as_on_their_first_delivery(any_sidecar: Sidecar) -> None:
    first = take_in(any_sidecar, sumup_sales(3, customers=2))
    [first_batch] = first["deliveries"]
    ticket_ids = park_after_failed_batch(any_sidecar, first_batch)
    assert set(ticket_ids) <= set(claim(any_sidecar))

    answer = plan(any_sidecar, ticket_ids)

    [batch] = answer["deliveries"]
    assert (batch["target"], batch["base_url"]) == (CAFE, "https://api.hubapi.com")
    assert batch["event_ids"] == first_batch["event_ids"] and batch["ticket_ids"] == ticket_ids
    # The same contacts (golden ids again: resolve is idempotent) and the same notes, word for word.
    assert json.loads(batch["upsert_body"]) == json.loads(first_batch["upsert_body"])
    assert batch["notes"] == first_batch["notes"]
    assert [(r["ticket_id"], r["delivery"], r["golden_id"]) for r in answer["results"]] == [
        (ticket_id, "planned", result["golden_id"]) for ticket_id, result in zip(ticket_ids, first["results"])]


def test_tickets_of_an_open_circuit_are_not_sent_now_and_say_why(any_sidecar: Sidecar) -> None:
    open_circuit(any_sidecar, FLAKY)
    parked = take_in(any_sidecar, sumup_sales(2, location="test-flaky-crm"))["results"]
    ticket_ids = [result["ticket_id"] for result in parked]
    assert set(ticket_ids) <= set(claim(any_sidecar))

    answer = plan(any_sidecar, ticket_ids)

    assert answer["deliveries"] == []
    for result, sale in zip(answer["results"], parked):
        assert (result["ok"], result["delivery"], result["event_id"], result["target"]) == (
            True, "not_now", sale["event_id"], FLAKY)
        assert result["reason"].startswith("HubSpot circuit open until ")


def test_every_claimed_ticket_ends_in_one_batch_or_one_answer_saying_why_not(any_sidecar: Sidecar) -> None:
    planned = park_after_failed_batch(any_sidecar, take_in(any_sidecar, sumup_sales(2))["deliveries"][0])
    [anonymous_sale] = sumup_sales(1)
    del anonymous_sale["customer_email"]
    stored = take_in(any_sidecar, [anonymous_sale])["results"][0]
    no_customer = park_after_failed_batch(any_sidecar, {"target": CAFE, "event_ids": [stored["event_id"]]})
    stored_sale = any_sidecar.client.get(f"/v1/events/{take_in(any_sidecar, sumup_sales(1))['results'][0]['event_id']}")
    no_profile = add_delivery_ticket(any_sidecar, {**stored_sale.json(), "location_id": "nowhere-known"})
    no_sale = add_delivery_ticket(any_sidecar, {"email": "mila@example.org"})
    ticket_ids = planned + no_customer + [no_profile, no_sale]
    assert set(ticket_ids) <= set(claim(any_sidecar))

    answer = plan(any_sidecar, ticket_ids)

    batched = [ticket_id for batch in answer["deliveries"] for ticket_id in batch["ticket_ids"]]
    assert batched == planned
    outcomes = {r["ticket_id"]: (r["delivery"], r.get("reason", "")) for r in answer["results"]}
    assert len(outcomes) == len(ticket_ids) and all(r["ok"] for r in answer["results"])
    assert outcomes[no_customer[0]][0] == "none"  # nothing to send: the ticket may be closed
    assert outcomes[no_profile] == ("not_now", "Location 'nowhere-known' has no profile delivering to HubSpot")
    assert outcomes[no_sale] == ("not_now", "The ticket holds no stored sale to deliver")


def test_only_claimed_delivery_tickets_are_planned(any_sidecar: Sidecar) -> None:
    [claimed] = park_after_failed_batch(any_sidecar, take_in(any_sidecar, sumup_sales(1))["deliveries"][0])
    delivered = add_delivery_ticket(any_sidecar, {"email": "done@example.org"})
    assert {claimed, delivered} <= set(claim(any_sidecar))
    any_sidecar.client.post("/v1/redelivery/report", json={"items": [{"id": delivered, "ok": True}]})
    not_claimed = add_delivery_ticket(any_sidecar, {"email": "nobody@example.org"})
    [workflow_ticket] = any_sidecar.client.post("/v1/quarantine", json={"items": [
        {"source": "n8n", "stage": "workflow", "payload": {"x": uuid.uuid4().hex}}]}).json()["results"]

    answer = plan(any_sidecar, ["q_nothing", workflow_ticket["ticket_id"], not_claimed, delivered, claimed,
                                claimed, 42, {"id": ""}])

    codes = [result["errors"][0]["code"] if not result["ok"] else result["delivery"]
             for result in answer["results"]]
    assert codes == ["redelivery.unknown_ticket", "redelivery.unknown_ticket", "redelivery.not_claimed",
                     "redelivery.not_open", "planned", "redelivery.listed_twice", "schema.model_type",
                     "schema.string_too_short"]
    assert [result["index"] for result in answer["results"]] == list(range(8))
    assert [batch["ticket_ids"] for batch in answer["deliveries"]] == [[claimed]]


def test_a_ticket_another_run_holds_by_now_is_not_planned_again(any_sidecar: Sidecar) -> None:
    """This run's lease ran out and another run claimed the ticket: only the holder may send it."""
    [ticket_id] = park_after_failed_batch(any_sidecar, take_in(any_sidecar, sumup_sales(1))["deliveries"][0])
    holder = f"n8n execution {uuid.uuid4().hex[:8]}"
    assert ticket_id in claim(any_sidecar, holder)

    late = plan(any_sidecar, [{"id": ticket_id, "claimed_by": "n8n execution that lost its lease"}])
    current = plan(any_sidecar, [{"id": ticket_id, "claimed_by": holder}])

    [refused] = late["results"]
    assert refused["ok"] is False and refused["errors"][0]["code"] == "redelivery.claimed_by_another"
    assert holder in refused["errors"][0]["message"] and late["deliveries"] == []
    assert current["results"][0]["delivery"] == "planned"
    assert [batch["ticket_ids"] for batch in current["deliveries"]] == [[ticket_id]]


def test_two_tickets_for_one_sale_send_it_once(any_sidecar: Sidecar) -> None:
    """A ticket queued by hand beside the one the POS template parked: the sale goes out once, with
    the first ticket; the other is answered `none`, so the run closes it."""
    [parked] = park_after_failed_batch(any_sidecar, take_in(any_sidecar, sumup_sales(1))["deliveries"][0])
    sale = any_sidecar.client.get("/v1/quarantine/" + parked).json()["payload"]
    by_hand = add_delivery_ticket(any_sidecar, sale)  # another event id: a ticket of its own
    assert {parked, by_hand} <= set(claim(any_sidecar))

    answer = plan(any_sidecar, [parked, by_hand])

    [first, second] = answer["results"]
    assert first["delivery"] == "planned"
    assert (second["delivery"], second["reason"]) == ("none", f"The sale goes out with ticket {parked}")
    [batch] = answer["deliveries"]
    assert batch["ticket_ids"] == [parked] and batch["event_ids"] == [sale["id"]]


def test_a_delivery_ticket_names_a_target_the_breaker_can_take(any_sidecar: Sidecar) -> None:
    """A target longer than the breaker's would make every later plan of the ticket fail: refused at once."""
    ticket = {"source": "n8n", "stage": "delivery", "target": "hubspot:" + "x" * 200,
              "event_id": f"test:{uuid.uuid4().hex}", "payload": {"id": "sumup:x"}, "reason": "HubSpot answered 503"}

    answer = any_sidecar.client.post("/v1/quarantine", json={"items": [ticket]})

    assert answer.status_code == 422 and "target" in answer.text


def test_an_outcome_from_a_run_whose_lease_ran_out_does_not_touch_the_holders_ticket(any_sidecar: Sidecar) -> None:
    """Run A's lease ran out, run B claimed the ticket and is sending it: A's late report neither
    closes nor reschedules it, and B's lease stays."""
    [ticket_id] = park_after_failed_batch(any_sidecar, take_in(any_sidecar, sumup_sales(1))["deliveries"][0])
    holder = f"n8n execution {uuid.uuid4().hex[:8]}"
    assert ticket_id in claim(any_sidecar, holder)

    late = any_sidecar.client.post("/v1/redelivery/report", json={"items": [
        {"id": ticket_id, "ok": False, "status": 503, "error": "down", "claimed_by": "n8n execution A"}]}).json()
    ticket = any_sidecar.client.get(f"/v1/quarantine/{ticket_id}").json()

    [refused] = late["results"]
    assert refused["ok"] is False and refused["errors"][0]["code"] == "redelivery.claimed_by_another"
    assert (ticket["attempt_count"], ticket["claimed_by"], ticket["status"]) == (0, holder, "open")

    [done] = any_sidecar.client.post("/v1/redelivery/report", json={"items": [
        {"id": ticket_id, "ok": True, "status": 200, "claimed_by": holder}]}).json()["results"]
    assert done["ok"] is True and done["ticket"]["status"] == "delivered"
