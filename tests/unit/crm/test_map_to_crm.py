"""`POST /v1/map` with a CRM target on SQLite and PostgreSQL: a batch of golden customers becomes
CRM contacts from one read of the identity graph, following merges to today's golden customer."""

from __future__ import annotations

from datetime import datetime, timezone

from belegfluss.crm.batch import map_to_crm
from belegfluss.identity import graph
from belegfluss.identity.settings import MatchSettings
from belegfluss.model.customer import Customer
from belegfluss.store.database import Database
from belegfluss.store.identity import golden_customers
from sqlalchemy import update

from tests.conftest import counted_statements


def resolve(database: Database, native_id: str, first_name: str, email: str) -> str:
    (answer,) = graph.resolve(database, [Customer(external_ids={"sumup": native_id}, first_name=first_name,
                                                  last_name="Becker", emails=[email])], MatchSettings())
    return answer.golden_id


def mark_merged(database: Database, golden_id: str, into: str) -> None:
    with database.transaction() as connection:
        connection.execute(update(golden_customers).where(golden_customers.c.golden_id == golden_id)
                           .values(status="merged", merged_into=into, updated_at=datetime.now(timezone.utc)))



def test_a_batch_of_golden_customers_is_read_in_one_query(database: Database) -> None:
    ids = [resolve(database, f"c-{n}", f"Kundin{n}", f"kundin{n}@beispiel.de") for n in range(5)]
    with counted_statements(database) as statements:
        results = map_to_crm(database, "hubspot", [{"golden_id": golden_id} for golden_id in ids])
    assert [r["golden_id"] for r in results] == ids and all(r["ok"] for r in results)
    assert [r["payload"]["properties"]["firstname"] for r in results] == [f"Kundin{n}" for n in range(5)]
    assert len(statements) == 1


def test_a_merged_golden_id_maps_to_the_customer_that_absorbed_it_along_the_whole_chain(database: Database) -> None:
    lena = resolve(database, "lena", "Lena", "lena@becker.de")
    lara = resolve(database, "lara", "Lara", "lara@becker.de")
    lisa = resolve(database, "lisa", "Lisa", "lisa@becker.de")
    mark_merged(database, lara, into=lisa)
    mark_merged(database, lisa, into=lena)
    results = map_to_crm(database, "hubspot", [{"golden_id": lara}, {"golden_id": lisa}, {"golden_id": lena}])
    assert [r["golden_id"] for r in results] == [lena, lena, lena]
    assert {r["payload"]["properties"]["firstname"] for r in results} == {"Lena"}


def test_unknown_and_looping_golden_ids_are_answered_per_item_beside_sales(database: Database) -> None:
    lena = resolve(database, "lena", "Lena", "lena@becker.de")
    lara = resolve(database, "lara", "Lara", "lara@becker.de")
    mark_merged(database, lena, into=lara)
    mark_merged(database, lara, into=lena)
    results = map_to_crm(database, "hubspot", [{"golden_id": "gc_nobody"}, {"golden_id": lena}, {"sale": "broken"}])
    assert [r["ok"] for r in results] == [False, False, False]
    assert [r["errors"][0]["code"] for r in results[:2]] == ["identity.unknown_golden_id"] * 2
    assert results[1]["errors"][0]["value"] == lena
