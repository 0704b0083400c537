"""Validation over HTTP against the real sidecar, on SQLite and on PostgreSQL: idempotent storage,
conflicts into quarantine, refunds against their sale, TSE counters, receipt gaps."""

from __future__ import annotations

import uuid
from datetime import datetime, timezone

from tests.builders import refund_of, sale, tse_vectors
from tests.conftest import Sidecar

VECTORS = tse_vectors()


def validate(sidecar: Sidecar, *events: dict, **options: object) -> list[dict]:
    response = sidecar.client.post("/v1/validate", json={"items": list(events), **options})
    assert response.status_code == 200, response.text
    return response.json()["results"]


def codes_of(answer: dict) -> list[str]:
    return [error["code"] for error in answer["errors"]]


def register() -> str:
    """A register of its own per test, so sequence checks do not see other tests' receipts."""
    return "R" + uuid.uuid4().hex[:8]


def test_valid_sale_is_stored_once_and_a_replay_returns_the_stored_result(any_sidecar: Sidecar) -> None:
    event = sale(register_id=register())
    [first] = validate(any_sidecar, event)
    [again] = validate(any_sidecar, event)
    assert (first["ok"], first["stored"]) == (True, "new")
    assert (again["ok"], again["stored"]) == (True, "duplicate")
    stored = any_sidecar.client.get(f"/v1/events/{event['id']}").json()
    assert stored["total"] == "6.30" and stored["lines"][0]["unit_price"] == "3.80"


def test_same_id_twice_in_one_batch_is_stored_once(any_sidecar: Sidecar) -> None:
    event = sale(register_id=register())
    answers = validate(any_sidecar, event, event)
    assert [a["stored"] for a in answers] == ["new", "duplicate"]
    listed = any_sidecar.client.get("/v1/events", params={"location_id": "cafe-berlin", "limit": 1000}).json()
    assert sum(1 for e in listed["events"] if e["id"] == event["id"]) == 1


def test_changed_event_under_a_stored_id_is_a_conflict_that_lands_in_quarantine(any_sidecar: Sidecar) -> None:
    event = sale(register_id=register())
    validate(any_sidecar, event)
    changed = {**event, "note": "edited after the fact"}
    [answer] = validate(any_sidecar, changed)
    assert not answer["ok"] and codes_of(answer) == ["event.conflict"]
    ticket = any_sidecar.client.get(f"/v1/quarantine/{answer['ticket_id']}").json()
    assert ticket["status"] == "open" and ticket["event_id"] == event["id"]
    assert ticket["payload"]["note"] == "edited after the fact"
    # the stored event is untouched (GoBD: no edits)
    assert "note" not in any_sidecar.client.get(f"/v1/events/{event['id']}").json() or \
        any_sidecar.client.get(f"/v1/events/{event['id']}").json()["note"] is None


def test_refund_of_a_known_sale_passes_and_may_follow_it_in_the_same_batch(any_sidecar: Sidecar) -> None:
    original = sale(register_id=register())
    refund = refund_of(original, register_id=original["register_id"])
    answers = validate(any_sidecar, original, refund)
    assert [a["ok"] for a in answers] == [True, True]


def test_refund_of_an_unknown_sale_is_rejected(any_sidecar: Sidecar) -> None:
    ghost = sale(id="canonical:never-sent")
    [answer] = validate(any_sidecar, refund_of(ghost))
    assert codes_of(answer) == ["refund.unknown_original"]
    assert answer["errors"][0]["path"] == "$.original_id"


def test_refunds_may_not_exceed_the_original_in_total(any_sidecar: Sidecar) -> None:
    original = sale(register_id=register())
    validate(any_sidecar, original)
    [first] = validate(any_sidecar, refund_of(original, "5.00", register_id=original["register_id"]))
    [second] = validate(any_sidecar, refund_of(original, "2.00", register_id=original["register_id"]))
    assert first["ok"]
    assert codes_of(second) == ["refund.exceeds_original"]
    assert "1.30" in second["errors"][0]["message"]


def test_void_reverses_the_whole_sale_once(any_sidecar: Sidecar) -> None:
    original = sale(register_id=register())
    void = {**refund_of(original, "6.30", register_id=original["register_id"]), "type": "void"}
    second_void = {**void, "id": void["id"] + "-again"}
    answers = validate(any_sidecar, original, void, second_void)
    assert [a["ok"] for a in answers] == [True, True, False]
    assert codes_of(answers[2]) == ["refund.exceeds_original"]


def tse_sale(vector: dict, register_id: str) -> dict:
    amount = vector["receipt"]["total_gross"]
    return sale(
        id=f"canonical:tse-{register_id}-{vector['id']}", register_id=register_id,
        receipt_number=str(vector["transaction_number"]),
        occurred_at=datetime.fromtimestamp(vector["log_time_unix"], timezone.utc).isoformat(),
        total=amount, lines=[{"name": "Beleg", "unit_price": amount, "tax_rate": "19"}],
        payments=[{"method": "cash", "amount": amount}],
        tse={"serial": vector["serial_number_hex"] + register_id, "transaction_number": vector["transaction_number"],
             "signature_counter": vector["signature_counter"],
             "start": datetime.fromtimestamp(vector["start_time_unix"], timezone.utc).isoformat(),
             "end": datetime.fromtimestamp(vector["log_time_unix"], timezone.utc).isoformat(),
             "process_type": vector["process_type"], "process_data": vector["process_data"],
             "signature": vector["signature_b64"], "log_message": vector["log_message_b64"],
             "public_key": vector["public_key_spki_der_b64"]},
    )


def test_tse_signature_counters_must_rise_per_tse(any_sidecar: Sidecar) -> None:
    reg = register()
    first, second = (tse_sale(v, reg) for v in VECTORS if v["id"] in ("main-02", "main-03"))
    [ok_second] = validate(any_sidecar, second)
    [late_first] = validate(any_sidecar, first)
    assert ok_second["ok"]
    assert codes_of(late_first) == ["tse.counter_not_rising"]


def test_tampered_tse_log_is_rejected_over_http(any_sidecar: Sidecar) -> None:
    tampered = next(v for v in VECTORS if v["id"] == "main-T1")
    [answer] = validate(any_sidecar, tse_sale(tampered, register()))
    assert "tse.signature_invalid" in codes_of(answer)


def test_kassensichv_bound_register_needs_tse_data(any_sidecar: Sidecar) -> None:
    profile = any_sidecar.client.get("/v1/profiles/test-kiosk").json()
    bound = profile["kassensichv_registers"][0]
    [answer] = validate(any_sidecar, sale(location_id="test-kiosk", register_id=bound))
    [unbound] = validate(any_sidecar, sale(location_id="test-kiosk", register_id="K7"))
    assert codes_of(answer) == ["tse.missing"]
    assert unbound["ok"]


def test_receipt_number_gaps_and_duplicates_are_warnings_not_errors(any_sidecar: Sidecar) -> None:
    reg = register()
    answers = validate(any_sidecar,
                       sale(register_id=reg, receipt_number="101"),
                       sale(register_id=reg, receipt_number="102"),
                       sale(register_id=reg, receipt_number="105"),
                       sale(register_id=reg, receipt_number="102"))
    assert all(a["ok"] for a in answers)
    assert [[w["code"] for w in a["warnings"]] for a in answers] == [
        [], [], ["receipt.gap"], ["receipt.duplicate_number"]]


def test_failures_go_to_quarantine_on_request_with_their_payload(any_sidecar: Sidecar) -> None:
    broken = sale(currency="USD")
    [answer] = validate(any_sidecar, broken, quarantine=True)
    ticket = any_sidecar.client.get(f"/v1/quarantine/{answer['ticket_id']}").json()
    assert ticket["payload"] == broken and ticket["codes"] == ["currency.not_allowed"]
    assert ticket["stage"] == "validate"


def test_check_only_stores_nothing(any_sidecar: Sidecar) -> None:
    event = sale(register_id=register())
    [answer] = validate(any_sidecar, event, store=False)
    assert answer["ok"] and "stored" not in answer
    assert any_sidecar.client.get(f"/v1/events/{event['id']}").status_code == 404
