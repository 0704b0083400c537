"""Quarantine tickets on SQLite and PostgreSQL: the same broken payload is one open ticket, whether
it comes twice in one batch or again in a later one, and a batch goes in with one insert."""

from __future__ import annotations

import uuid

from belegfluss.store.database import Database
from belegfluss.store.quarantine import NewTicket, add_tickets, tickets
from sqlalchemy import event, update

from tests.conftest import counted_statements


def broken(payload: dict) -> NewTicket:
    return NewTicket(stage="map", source="sumup", payload=payload,
                     errors=[{"code": "map.missing_field", "message": "transaction_code is missing"}])


def test_the_same_payload_twice_in_one_batch_is_one_ticket(database: Database) -> None:
    payload = {"amount": 6.3, "tag": uuid.uuid4().hex}
    (first, created_first), (second, created_second), (other, _) = add_tickets(
        database, [broken(payload), broken(payload), broken({"tag": uuid.uuid4().hex})])
    assert first == second and other != first
    assert (created_first, created_second) == (True, False)


def test_a_payload_already_open_gets_its_ticket_back(database: Database) -> None:
    payload = {"tag": uuid.uuid4().hex}
    [(ticket_id, _)] = add_tickets(database, [broken(payload)])
    [again, new] = add_tickets(database, [broken(payload), broken({"tag": uuid.uuid4().hex})])
    assert again == (ticket_id, False) and new[1] is True


def test_a_batch_of_tickets_goes_in_with_one_insert(database: Database) -> None:
    with counted_statements(database) as statements:
        add_tickets(database, [broken({"tag": uuid.uuid4().hex}) for _ in range(25)])
    assert len(statements) == 1


def test_a_payload_whose_open_ticket_is_closed_meanwhile_gets_a_new_one(database: Database) -> None:
    """The conflicting ticket is resolved between this batch's insert and its read (by another
    worker; here inside the batch's own transaction, which both databases allow): the payload is
    inserted again instead of being answered with no ticket."""
    payload = {"tag": uuid.uuid4().hex}
    [(closed_meanwhile, _)] = add_tickets(database, [broken(payload)])
    inserts = 0

    def close_after_first_insert(connection, _cursor, statement: str, *_args) -> None:
        nonlocal inserts
        if statement.startswith("INSERT INTO quarantine_tickets"):
            inserts += 1
            if inserts == 1:
                connection.execute(update(tickets).where(tickets.c.ticket_id == closed_meanwhile)
                                   .values(status="resolved"))

    event.listen(database.engine, "after_cursor_execute", close_after_first_insert)
    try:
        [(ticket_id, created)] = add_tickets(database, [broken(payload)])
    finally:
        event.remove(database.engine, "after_cursor_execute", close_after_first_insert)
    assert created is True and ticket_id != closed_meanwhile and inserts == 2
