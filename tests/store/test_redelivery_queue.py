"""The redelivery queue on SQLite and PostgreSQL: due tickets are claimed by exactly one worker,
failures come back later, and the last failure dead-letters the ticket."""

from __future__ import annotations

import time
import uuid
from concurrent.futures import ThreadPoolExecutor

from belegfluss.quarantine.redelivery import ClaimRequest, OutcomeReport, RedeliveryPolicy, claim, report
from belegfluss.quarantine.service import TicketRequest, add_from_requests
from belegfluss.store.database import Database

DUE_AT_ONCE = RedeliveryPolicy(base_seconds=0.0, max_seconds=0.0, max_attempts=3, lease_seconds=60)


def park(database: Database, count: int, policy: RedeliveryPolicy = DUE_AT_ONCE) -> list[str]:
    answers = add_from_requests(database, [
        TicketRequest(source="n8n", stage="delivery", target="hubspot:cafe-berlin",
                      payload={"contact": uuid.uuid4().hex}, reason="HubSpot answered 503")
        for _ in range(count)
    ], policy)
    return [answer["ticket_id"] for answer in answers]


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
