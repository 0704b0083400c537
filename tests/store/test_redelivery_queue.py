"""The redelivery queue on SQLite and PostgreSQL: due tickets are claimed by exactly one worker,
failures come back later, and the last failure dead-letters the ticket."""

from __future__ import annotations

import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from belegfluss.quarantine.redelivery import ClaimRequest, OutcomeReport, RedeliveryPolicy, claim, report
from belegfluss.quarantine.service import TicketRequest, add_from_requests
from belegfluss.store.database import Database
from belegfluss.store.quarantine import get_ticket

from tests.conftest import counted_statements

DUE_AT_ONCE = RedeliveryPolicy(base_seconds=0.0, max_seconds=0.0, max_attempts=3, lease_seconds=60)


def park(database: Database, count: int, policy: RedeliveryPolicy = DUE_AT_ONCE) -> list[str]:
    answers = add_from_requests(database, [
        TicketRequest(source="n8n", stage="delivery", target="hubspot:cafe-berlin",
                      payload={"contact": uuid.uuid4().hex}, reason="HubSpot answered 503")
        for _ in range(count)
    ], policy)
    return [answer["ticket_id"] for answer in answers]


def _tickets(database: Database, ticket_ids: list[str]) -> list[dict[str, Any]]:
    return [ticket for ticket in (get_ticket(database, ticket_id) for ticket_id in ticket_ids) if ticket]



def test_each_due_ticket_is_claimed_by_exactly_one_worker(database: Database) -> None:
    parked = set(park(database, 40))
    with ThreadPoolExecutor(max_workers=4) as pool:
        batches = list(pool.map(lambda worker: claim(database, DUE_AT_ONCE, ClaimRequest(worker=worker, limit=15)),
                                [f"worker-{n}" for n in range(4)]))
    claimed = [ticket["id"] for batch in batches for ticket in batch]
    assert len(claimed) == len(set(claimed)) == 40
    assert set(claimed) == parked
    assert claim(database, DUE_AT_ONCE, ClaimRequest(worker="late")) == []  # all leased


def test_tickets_not_yet_due_are_not_claimed(database: Database) -> None:
    park(database, 3, RedeliveryPolicy(base_seconds=3600, max_seconds=3600))
    assert claim(database, DUE_AT_ONCE, ClaimRequest(worker="w")) == []


def test_success_delivers_and_failure_returns_later_until_dead_letter(database: Database) -> None:
    [delivered_id, failing_id] = park(database, 2)
    claim(database, DUE_AT_ONCE, ClaimRequest(worker="w"))
    [ok] = report(database, DUE_AT_ONCE, [OutcomeReport(id=delivered_id, ok=True, status=200)])
    assert ok["ticket"]["status"] == "delivered" and not ok["dead_lettered"]

    outcomes = []
    for attempt in range(DUE_AT_ONCE.max_attempts):
        if attempt:  # the first attempt used the claim above; later ones claim the ticket again
            time.sleep(0.01)
            [claimed] = claim(database, DUE_AT_ONCE, ClaimRequest(worker="w"))
            assert claimed["id"] == failing_id
        [answer] = report(database, DUE_AT_ONCE, [OutcomeReport(id=failing_id, ok=False, status=503,
                                                                  error="Service Unavailable")])
        outcomes.append((answer["ticket"]["status"], answer["dead_lettered"]))
    assert outcomes == [("open", False), ("open", False), ("dead", True)]
    dead = answer["ticket"]
    assert dead["attempt_count"] == 3 and [a["status"] for a in dead["attempts"]] == [503, 503, 503]
    [late] = report(database, DUE_AT_ONCE, [OutcomeReport(id=failing_id, ok=True)])
    assert late["errors"][0]["code"] == "redelivery.not_open"


def test_failed_attempt_waits_its_backoff(database: Database) -> None:
    slow = RedeliveryPolicy(base_seconds=0.0, max_seconds=3600, max_attempts=5)
    [ticket_id] = park(database, 1)
    claim(database, slow, ClaimRequest(worker="w"))
    report(database, RedeliveryPolicy(base_seconds=600, max_seconds=3600, max_attempts=5),
           [OutcomeReport(id=ticket_id, ok=False, status=429)])
    assert claim(database, slow, ClaimRequest(worker="w")) == []


def test_only_redelivery_tickets_can_be_reported(database: Database) -> None:
    [answer] = add_from_requests(database, [TicketRequest(source="sumup", stage="map", payload={"x": 1})],
                                 DUE_AT_ONCE)
    [reported] = report(database, DUE_AT_ONCE, [OutcomeReport(id=answer["ticket_id"], ok=True)])
    assert reported["errors"][0]["code"] == "redelivery.unknown_ticket"


def test_two_workers_reporting_the_same_tickets_record_each_delivery_once(database: Database) -> None:
    parked = park(database, 20)
    claim(database, DUE_AT_ONCE, ClaimRequest(worker="w", limit=20))
    outcomes = [OutcomeReport(id=ticket_id, ok=True, status=200) for ticket_id in parked]
    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = list(pool.map(lambda worker: report(database, DUE_AT_ONCE, outcomes), range(2)))
    for position, ticket_id in enumerate(parked):
        per_worker = [worker_answers[position] for worker_answers in answers]
        assert sorted(answer["ok"] for answer in per_worker) == [False, True], ticket_id
        [refused] = [answer for answer in per_worker if not answer["ok"]]
        assert refused["errors"][0]["code"] == "redelivery.not_open"
    assert all(len(ticket["attempts"]) == 1 for ticket in _tickets(database, parked))


def test_a_report_batch_is_checked_and_written_in_a_few_statements(database: Database) -> None:
    parked = park(database, 10)
    claim(database, DUE_AT_ONCE, ClaimRequest(worker="w", limit=10))
    with counted_statements(database) as statements:
        answers = report(database, DUE_AT_ONCE, [OutcomeReport(id=ticket_id, ok=False, status=503)
                                                 for ticket_id in parked])
    assert all(answer["ok"] and answer["ticket"]["status"] == "open" for answer in answers)
    assert len(statements) <= 3  # lock the open tickets, write their attempts, read them back


def test_claiming_reads_the_due_tickets_once(database: Database) -> None:
    park(database, 5)
    with counted_statements(database) as statements:
        claimed = claim(database, DUE_AT_ONCE, ClaimRequest(worker="w"))
    assert len(claimed) == 5 and len(statements) == 1


def test_the_same_ticket_twice_in_one_report_counts_as_two_attempts_in_order(database: Database) -> None:
    [ticket_id] = park(database, 1)
    claim(database, DUE_AT_ONCE, ClaimRequest(worker="w"))
    first, second, third = report(database, DUE_AT_ONCE, [OutcomeReport(id=ticket_id, ok=False, status=503),
                                                          OutcomeReport(id=ticket_id, ok=True, status=200),
                                                          OutcomeReport(id=ticket_id, ok=True, status=200)])
    assert first["ok"] and not first["dead_lettered"] and second["ok"]
    assert third["errors"][0]["code"] == "redelivery.not_open"
    [ticket] = _tickets(database, [ticket_id])
    assert ticket["status"] == "delivered" and [a["status"] for a in ticket["attempts"]] == [503, 200]
