"""The correction jobs on SQLite and PostgreSQL: each finding is fixed with an audit entry or
becomes a ticket, and a second run finds nothing new."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from belegfluss.accounting import service as accounting
from belegfluss.consistency import checks
from belegfluss.consistency.runner import CheckOptions, run_checks
from belegfluss.profiles.registry import ProfileRegistry
from belegfluss.quarantine.redelivery import RedeliveryPolicy
from belegfluss.quarantine.service import Parking, park_deliveries
from belegfluss.store import audit
from belegfluss.store import quarantine as quarantine_store
from belegfluss.store.database import Database, loads
from belegfluss.store.deliveries import record_deliveries
from belegfluss.validation.pipeline import validate_events

from tests.builders import sale
from tests.conftest import counted_statements

PROFILES = ProfileRegistry.load(Path(__file__).resolve().parents[2] / "workflows" / "profiles")
CAFE = PROFILES.get("cafe-berlin")
POLICY = RedeliveryPolicy(base_seconds=0, max_seconds=0)
LATER = datetime.now(timezone.utc) + timedelta(hours=2)


def store(database: Database, *events: dict) -> None:
    results = validate_events(database, list(events), lambda _location: CAFE)
    assert all(result.ok for result in results), [r.errors for r in results]


def check(database: Database, *names: str, fix: bool = True) -> dict:
    return run_checks(database, [CAFE], POLICY, CheckOptions(checks=names, fix=fix), now=LATER)


def card_sale(amount: str = "6.30", **overrides: object) -> dict:
    return sale(payments=[{"method": "card", "amount": amount, "provider": "sumup"}], **overrides)


def test_missing_booking_is_booked_with_an_audit_entry_and_not_found_again(database: Database) -> None:
    event = sale()
    store(database, event)
    report = check(database, "missing_bookings")
    assert [(f["check"], f["subject"], f["action"]) for f in report["findings"]] == [
        ("missing_booking", event["id"], "booked")]
    [entry] = audit.entries(database, subject=event["id"])
    assert entry["action"] == "booked_missing_event" and entry["actor"] == "belegfluss check"
    assert check(database, "missing_bookings")["findings"] == []


def test_without_fix_a_missing_booking_becomes_a_ticket(database: Database) -> None:
    store(database, sale())
    report = check(database, "missing_bookings", fix=False)
    assert report["tickets"] == 1 and report["fixed"] == 0
    ticket = quarantine_store.get_ticket(database, report["findings"][0]["ticket_id"])
    assert ticket["stage"] == "check" and ticket["codes"] == ["check.missing_booking"]


def customer_sale(**overrides: object) -> dict:
    return sale(customer={"email": f"{uuid.uuid4().hex[:8]}@example.org"}, **overrides)


def test_undelivered_sale_is_queued_for_redelivery_to_its_crm(database: Database) -> None:
    delivered, forgotten, anonymous = customer_sale(), customer_sale(), sale()
    store(database, delivered, forgotten, anonymous)
    record_deliveries(database, [(delivered["id"], "hubspot:cafe-berlin")], datetime.now(timezone.utc))
    report = check(database, "undelivered_sales")
    assert [f["subject"] for f in report["findings"]] == [forgotten["id"]]
    ticket = quarantine_store.get_ticket(database, report["findings"][0]["ticket_id"])
    assert (ticket["stage"], ticket["target"], ticket["payload"]["id"]) == (
        "delivery", "hubspot:cafe-berlin", forgotten["id"])
    again = check(database, "undelivered_sales")
    assert again["findings"][0]["ticket_id"] == ticket["id"]  # the same open ticket, not a second one


def test_sale_parked_by_the_template_and_found_by_the_check_is_one_redelivery(database: Database) -> None:
    forgotten = customer_sale()
    store(database, forgotten)
    [(parked_id, _)] = quarantine_store.add_tickets(database, [quarantine_store.NewTicket(
        stage="delivery", source="sumup", payload={**forgotten, "belegfluss": {"note": "parked"}}, errors=[],
        event_id=forgotten["id"], target="hubspot:cafe-berlin", max_attempts=3)])
    [finding] = check(database, "undelivered_sales")["findings"]
    assert finding["ticket_id"] == parked_id


def test_sales_within_the_grace_period_are_not_yet_undelivered(database: Database) -> None:
    store(database, customer_sale())
    report = run_checks(database, [CAFE], POLICY, CheckOptions(checks=("undelivered_sales",)))
    assert report["findings"] == []


def test_receipt_gaps_and_duplicates_become_one_ticket_per_register(database: Database) -> None:
    register = "R" + uuid.uuid4().hex[:6]
    store(database, *(sale(register_id=register, receipt_number=n) for n in ("1", "2", "5", "5")))
    [finding] = check(database, "receipt_sequence")["findings"]
    ticket = quarantine_store.get_ticket(database, finding["ticket_id"])
    assert finding["subject"] == f"cafe-berlin:{register}"
    assert ticket["payload"]["gaps"] == [{"after": 2, "before": 5, "missing": 2}]
    assert ticket["payload"]["duplicates"][0]["number"] == 5


def test_geldtransit_nets_to_zero_after_a_matching_payout(database: Database) -> None:
    first, second = card_sale("6.30"), card_sale("6.30")
    payout = {"type": "payout", "id": f"sumup:payout-{uuid.uuid4().hex[:6]}", "source": "sumup",
              "location_id": "cafe-berlin", "provider": "sumup", "reference": "PO-1",
              "paid_out_on": "2025-03-15", "gross": "12.60", "fee": "0.18"}
    [a, b, c] = accounting.book_items(database, CAFE, [first, second, payout])
    assert a["ok"] and b["ok"] and c["ok"], (a, b, c)
    assert check(database, "geldtransit")["findings"] == []


def test_geldtransit_residue_after_a_short_payout_becomes_a_ticket(database: Database) -> None:
    payout = {"type": "payout", "id": f"sumup:payout-{uuid.uuid4().hex[:6]}", "source": "sumup",
              "location_id": "cafe-berlin", "provider": "sumup", "reference": "PO-2",
              "paid_out_on": "2025-03-15", "gross": "6.30"}
    accounting.book_items(database, CAFE, [card_sale("6.30"), card_sale("6.30"), payout])
    [finding] = check(database, "geldtransit")["findings"]
    assert finding["subject"] == "cafe-berlin:1361"
    assert "6.30" in finding["message"] and finding["action"] == "ticket"


def test_sale_parked_after_a_failed_delivery_and_found_by_the_check_is_one_redelivery(database: Database) -> None:
    forgotten = customer_sale()
    store(database, forgotten)
    parked = park_deliveries(database, [Parking(forgotten["id"], "hubspot:cafe-berlin", "HubSpot answered 503")],
                             POLICY)
    [finding] = check(database, "undelivered_sales")["findings"]
    assert finding["ticket_id"] == parked[forgotten["id"]]


def test_the_undelivered_check_reads_only_the_sales_not_delivered(database: Database,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    delivered = [customer_sale() for _ in range(4)]
    forgotten = customer_sale()
    store(database, *delivered, forgotten)
    record_deliveries(database, [(sale["id"], "hubspot:cafe-berlin") for sale in delivered],
                      datetime.now(timezone.utc))
    parsed: list[str] = []
    monkeypatch.setattr(checks, "loads", lambda text: parsed.append(text) or loads(text))
    [finding] = checks.undelivered_sales(database, [CAFE], LATER, timedelta(0))
    assert finding.subject == forgotten["id"] and len(parsed) == 1


def new_registers(count: int) -> list[str]:
    return ["R" + uuid.uuid4().hex[:6] for _ in range(count)]


@pytest.mark.parametrize("name, findings_of", [
    ("undelivered_sales", lambda count: [customer_sale() for _ in range(count)]),
    ("missing_bookings", lambda count: [sale() for _ in range(count)]),
    ("receipt_sequence", lambda count: [sale(register_id=register, receipt_number=n)
                                        for register in new_registers(count) for n in ("1", "3")]),
])
def test_acting_on_findings_takes_as_many_statements_for_many_findings_as_for_one(
        database_url: str, name: str, findings_of) -> None:
    statements_for = {}
    for count in (1, 6):
        database = Database(database_url)
        database.drop_schema()  # each count on an empty store
        database = Database(database_url)
        database.migrate()
        store(database, *findings_of(count))
        with counted_statements(database) as statements:
            report = check(database, name)
        assert len(report["findings"]) == count
        statements_for[count] = len(statements)
        database.dispose()
    assert statements_for[6] == statements_for[1]


def test_crm_contacts_are_checked_in_one_read_whatever_their_number(database):
    """Current, stale (merged away) and unknown golden ids in one batch: each answered, the stale
    one audited, the unknown one a ticket; six contacts cost the statements one does."""
    from belegfluss.consistency.crm_contacts import check_crm_contacts
    from belegfluss.identity import graph
    from belegfluss.identity.settings import DEFAULT_SETTINGS
    from belegfluss.model.customer import Customer

    tag = uuid.uuid4().hex[:8]
    kept, absorbed = (graph.resolve(database, [Customer(external_ids={"pos": f"{tag}-{n}"}, name=name)],
                                    DEFAULT_SETTINGS)[0].golden_id for n, name in ((1, "Lena Voss"), (2, "Ole Brandt")))
    with database.transaction() as connection:
        graph.merge_goldens(connection, kept, absorbed, actor="test", reason="same person", score=None, reasons=[],
                            settings=DEFAULT_SETTINGS, now=datetime.now(timezone.utc))

    def contacts(count: int) -> list[dict]:
        golden_ids = [kept, absorbed, f"gc_unknown_{tag}"]
        return [{"contact_id": f"{tag}-c{n}", "golden_id": golden_ids[n % 3]} for n in range(count)]

    with counted_statements(database) as one:
        check_crm_contacts(database, "hubspot:test", contacts(1)[:1])
    with counted_statements(database) as six:
        answers = check_crm_contacts(database, "hubspot:test", [*contacts(6), {"contact_id": "no golden id"}])
    assert len(six) <= len(one) + 3  # + the ticket insert, its read-back and the audit insert the first lacked
    assert [(a["stale"], a["current_golden_id"]) for a in answers[:3]] == [
        (False, kept), (True, kept), (False, None)]
    assert all(answers[n]["ticket_id"].startswith("q_") for n in (2, 5))
    assert answers[6]["ok"] is False
    repointed = audit.entries(database, subject=f"hubspot:test:{tag}-c1", action="crm_contact_repointed")
    assert repointed and repointed[0]["details"]["to"] == kept
