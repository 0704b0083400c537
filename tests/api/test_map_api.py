"""POS payloads over HTTP: mapped in order, failures quarantined with the vendor payload, and the
one-call path (map + validate + store) that the n8n Map node can use."""

from __future__ import annotations

import copy
import json
import uuid
from pathlib import Path

from tests.conftest import Sidecar

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "pos"


def fixture(source: str, name: str) -> dict:
    return json.loads((FIXTURES / source / f"{name}.json").read_text())


def unique_sumup(name: str = "wallet_sale_with_tip") -> dict:
    payload = fixture("sumup", name)
    payload["transaction_code"] = "T" + uuid.uuid4().hex[:9].upper()
    payload["register_id"] = "R" + uuid.uuid4().hex[:6]
    return payload


def map_items(sidecar: Sidecar, source: str, items: list, **options: object) -> list[dict]:
    response = sidecar.client.post("/v1/map", json={"source": source, "items": items, **options})
    assert response.status_code == 200, response.text
    return response.json()["results"]


def test_each_vendor_maps_to_canonical_receipts_in_input_order(sidecar: Sidecar) -> None:
    answers = map_items(sidecar, "square", [fixture("square", "card_payment_with_tip"),
                                            fixture("square", "malformed_failed_payment"),
                                            fixture("square", "split_tender_cash_and_card")])
    assert [a["index"] for a in answers] == [0, 1, 2]
    assert [a["ok"] for a in answers] == [True, False, True]
    assert answers[0]["event"]["id"].startswith("square:")
    assert all(isinstance(line["unit_price"], str) for line in answers[0]["event"]["lines"])


def test_unmappable_payload_lands_in_quarantine_and_a_corrected_retry_stores_it(any_sidecar: Sidecar) -> None:
    broken = unique_sumup()
    code = broken.pop("transaction_code")
    [answer] = map_items(any_sidecar, "sumup", [broken], quarantine=True)
    ticket = any_sidecar.client.get(f"/v1/quarantine/{answer['ticket_id']}").json()
    assert (ticket["stage"], ticket["source"], ticket["payload"]) == ("map", "sumup", broken)
    assert ticket["codes"] == ["sumup.missing_field"]

    retried = any_sidecar.client.post(f"/v1/quarantine/{ticket['id']}/retry",
                                      json={"payload": {**broken, "transaction_code": code}}).json()
    assert retried["ok"] and retried["stored"] == "new" and retried["event_id"] == f"sumup:{code}"


def test_map_and_validate_in_one_call_stores_once(any_sidecar: Sidecar) -> None:
    payload = unique_sumup()
    [first] = map_items(any_sidecar, "sumup", [payload], validate=True)
    [again] = map_items(any_sidecar, "sumup", [copy.deepcopy(payload)], validate=True)
    assert (first["ok"], first["stored"]) == (True, "new")
    assert (again["ok"], again["stored"]) == (True, "duplicate")
    stored = any_sidecar.client.get(f"/v1/events/{first['event']['id']}").json()
    assert stored == first["event"]


def test_validation_failure_in_the_one_call_path_keeps_the_vendor_payload(any_sidecar: Sidecar) -> None:
    payload = unique_sumup()
    payload["currency"] = "CHF"
    [answer] = map_items(any_sidecar, "sumup", [payload], validate=True, quarantine=True)
    assert not answer["ok"] and answer["errors"][0]["code"] == "currency.not_allowed"
    ticket = any_sidecar.client.get(f"/v1/quarantine/{answer['ticket_id']}").json()
    assert ticket["stage"] == "map" and ticket["payload"] == payload


def test_map_alone_stores_nothing(sidecar: Sidecar) -> None:
    [answer] = map_items(sidecar, "sumup", [unique_sumup()])
    assert "stored" not in answer
    assert sidecar.client.get(f"/v1/events/{answer['event']['id']}").status_code == 404
