"""Quarantine round trips: nothing invalid is dropped; tickets can be listed, read, resolved and
retried with a corrected payload."""

from __future__ import annotations

import uuid

from tests.builders import sale
from tests.conftest import Sidecar


def add(sidecar: Sidecar, *items: dict) -> list[dict]:
    response = sidecar.client.post("/v1/quarantine", json={"items": list(items)})
    assert response.status_code == 200, response.text
    return response.json()["results"]


def test_ticket_added_by_a_workflow_keeps_payload_and_context(any_sidecar: Sidecar) -> None:
    payload = {"order": uuid.uuid4().hex, "broken": True}
    [answer] = add(any_sidecar, {"source": "n8n", "payload": payload, "reason": "HubSpot answered 500",
                                  "workflow": "POS sale → CRM", "node": "Upsert HubSpot contact",
                                  "execution_id": "42"})
    ticket = any_sidecar.client.get(f"/v1/quarantine/{answer['ticket_id']}").json()
    assert answer["created"] is True
    assert ticket["payload"] == payload and ticket["reason"] == "HubSpot answered 500"
    assert (ticket["workflow"], ticket["node"], ticket["execution_id"]) == ("POS sale → CRM",
                                                                             "Upsert HubSpot contact", "42")


def test_the_same_payload_twice_is_one_open_ticket(any_sidecar: Sidecar) -> None:
    item = {"source": "sumup", "stage": "map", "payload": {"id": uuid.uuid4().hex}}
    [first], [second] = add(any_sidecar, item), add(any_sidecar, item)
    assert first["ticket_id"] == second["ticket_id"] and second["created"] is False


def test_n8n_annotation_becomes_errors_and_leaves_the_payload(any_sidecar: Sidecar) -> None:
    payload = {"id": uuid.uuid4().hex}
    annotated = {**payload, "belegfluss": {"errors": [{"code": "sale.lines_total_mismatch", "path": "$.total",
                                                       "message": "Total differs", "value": "1.00"}]}}
    [answer] = add(any_sidecar, {"source": "canonical", "stage": "validate", "payload": annotated})
    ticket = any_sidecar.client.get(f"/v1/quarantine/{answer['ticket_id']}").json()
    assert ticket["payload"] == payload and ticket["codes"] == ["sale.lines_total_mismatch"]


def test_list_filters_by_status_source_and_code(any_sidecar: Sidecar) -> None:
    source = "test-" + uuid.uuid4().hex[:6]
    add(any_sidecar,
        {"source": source, "payload": {"n": 1}, "errors": [{"code": "a.one", "path": "$", "message": "x"}]},
        {"source": source, "payload": {"n": 2}, "errors": [{"code": "b.two", "path": "$", "message": "y"}]})
    listed = any_sidecar.client.get("/v1/quarantine", params={"source": source}).json()
    assert listed["total"] == 2
    only_b = any_sidecar.client.get("/v1/quarantine", params={"source": source, "code": "b.two"}).json()
    assert [t["payload"] for t in only_b["tickets"]] == [{"n": 2}]


def test_resolve_closes_a_ticket_with_its_resolution(any_sidecar: Sidecar) -> None:
    [answer] = add(any_sidecar, {"source": "n8n", "payload": {"x": uuid.uuid4().hex}})
    [resolved] = any_sidecar.client.post("/v1/quarantine/resolve", json={"items": [
        {"id": answer["ticket_id"], "resolution": "booked manually", "note": "Beleg 4711 an Stb."}]}).json()["results"]
    assert resolved["ticket"]["status"] == "resolved"
    assert resolved["ticket"]["resolution"] == "booked manually"
    open_ids = [t["id"] for t in any_sidecar.client.get("/v1/quarantine", params={"status": "open",
                                                                                   "limit": 1000}).json()["tickets"]]
    assert answer["ticket_id"] not in open_ids


def test_resolving_an_unknown_ticket_is_an_item_error(any_sidecar: Sidecar) -> None:
    [answer] = any_sidecar.client.post("/v1/quarantine/resolve", json={"items": [
        {"id": "q_missing", "resolution": "x"}]}).json()["results"]
    assert not answer["ok"] and answer["errors"][0]["code"] == "quarantine.unknown_ticket"


def test_retry_with_a_corrected_payload_stores_the_event_and_closes_the_ticket(any_sidecar: Sidecar) -> None:
    broken = sale(total="7.00", payments=[{"method": "cash", "amount": "7.00"}])
    [failed] = any_sidecar.client.post("/v1/validate", json={"items": [broken], "quarantine": True}).json()["results"]
    still_broken = any_sidecar.client.post(f"/v1/quarantine/{failed['ticket_id']}/retry", json={}).json()
    assert still_broken["ok"] is False and still_broken["ticket"]["status"] == "open"
    assert len(still_broken["ticket"]["attempts"]) == 1

    corrected = {**broken, "total": "6.30", "payments": [{"method": "cash", "amount": "6.30"}]}
    retried = any_sidecar.client.post(f"/v1/quarantine/{failed['ticket_id']}/retry",
                                      json={"payload": corrected}).json()
    assert retried["ok"] is True and retried["stored"] == "new"
    assert retried["ticket"]["status"] == "retried" and len(retried["ticket"]["attempts"]) == 2
    assert any_sidecar.client.get(f"/v1/events/{broken['id']}").json()["total"] == "6.30"
    again = any_sidecar.client.post(f"/v1/quarantine/{failed['ticket_id']}/retry", json={})
    assert again.status_code == 409 and again.json()["error"]["code"] == "quarantine.not_open"


def test_workflow_tickets_cannot_be_replayed_by_the_sidecar(any_sidecar: Sidecar) -> None:
    [answer] = add(any_sidecar, {"source": "n8n", "stage": "workflow", "payload": {"y": uuid.uuid4().hex}})
    response = any_sidecar.client.post(f"/v1/quarantine/{answer['ticket_id']}/retry", json={})
    assert response.status_code == 409 and response.json()["error"]["code"] == "quarantine.not_retryable"


def test_unknown_ticket_is_404(any_sidecar: Sidecar) -> None:
    assert any_sidecar.client.get("/v1/quarantine/q_nothing").status_code == 404


def test_parked_delivery_is_claimed_once_and_dead_lettered_after_its_attempts(any_sidecar: Sidecar) -> None:
    target = "hubspot:" + uuid.uuid4().hex[:8]
    [parked] = add(any_sidecar, {"source": "n8n", "stage": "delivery", "target": target, "max_attempts": 2,
                                  "payload": {"email": "mila@example.org"}, "reason": "HubSpot answered 503"})
    worker = uuid.uuid4().hex

    def claim() -> list[str]:
        tickets = any_sidecar.client.post("/v1/redelivery/claim", json={"worker": worker, "limit": 1000}).json()
        return [t["id"] for t in tickets["tickets"] if t["target"] == target]

    def fail() -> dict:
        return any_sidecar.client.post("/v1/redelivery/report", json={"items": [
            {"id": parked["ticket_id"], "ok": False, "status": 503, "error": "Service Unavailable"}]}).json()["results"][0]

    assert claim() == [parked["ticket_id"]]
    assert claim() == []  # leased to this worker
    assert fail()["dead_lettered"] is False
    assert claim() == [parked["ticket_id"]]
    last = fail()
    assert last["dead_lettered"] is True and last["ticket"]["status"] == "dead"
    dead = any_sidecar.client.get("/v1/quarantine", params={"status": "dead", "limit": 1000}).json()["tickets"]
    assert parked["ticket_id"] in [t["id"] for t in dead]


def test_nightly_check_over_http_finds_a_receipt_gap_and_answers_its_ticket(any_sidecar: Sidecar) -> None:
    register = "R" + uuid.uuid4().hex[:6]
    any_sidecar.client.post("/v1/validate", json={"items": [sale(register_id=register, receipt_number="1"),
                                                            sale(register_id=register, receipt_number="3")]})
    report = any_sidecar.client.post("/v1/check", json={"checks": ["receipt_sequence"]}).json()
    [finding] = [f for f in report["findings"] if f["subject"].endswith(register)]
    assert finding["action"] == "ticket"
    assert any_sidecar.client.get(f"/v1/quarantine/{finding['ticket_id']}").json()["stage"] == "check"
