"""Schema steps: an existing database gets what a new one is created with."""

from __future__ import annotations

from belegfluss.store.database import Database
from belegfluss.store.migrations import schema_version
from sqlalchemy import delete, inspect, select


def _blocking_key_references(database: Database) -> list[dict]:
    return inspect(database.engine).get_foreign_keys("identity_blocking_keys")


def test_blocking_keys_carry_no_foreign_key_check(database: Database) -> None:
    database.migrate()
    assert _blocking_key_references(database) == []


def test_a_graph_of_an_older_version_loses_the_foreign_key_check(postgres_database: Database) -> None:
    """PostgreSQL only: SQLite cannot drop a constraint, so its older files keep the check (step 4)."""
    database = postgres_database
    with database.transaction() as connection:  # as version 3 left it
        connection.exec_driver_sql(
            "ALTER TABLE identity_blocking_keys ADD CONSTRAINT identity_blocking_keys_record_id_fkey "
            "FOREIGN KEY (record_id) REFERENCES identity_source_records (record_id)")
        connection.execute(delete(schema_version).where(schema_version.c.version == 4))
    assert [fk["name"] for fk in _blocking_key_references(database)] == ["identity_blocking_keys_record_id_fkey"]
    database.migrate()
    assert _blocking_key_references(database) == []


def test_a_graph_of_an_older_version_loses_its_birth_date_only_keys(database: Database) -> None:
    from belegfluss.store.identity import blocking_keys

    with database.transaction() as connection:  # as version 4 left it (no foreign key: step 4)
        connection.execute(blocking_keys.insert(), [{"key": "b:1980-02-03", "record_id": "rec_1"},
                                                    {"key": "nb:056|1980-02-03", "record_id": "rec_1"}])
        connection.execute(delete(schema_version).where(schema_version.c.version == 5))
    database.migrate()
    with database.connect() as connection:
        assert connection.execute(select(blocking_keys.c.key)).scalars().all() == ["nb:056|1980-02-03"]


def test_a_graph_of_an_older_version_gets_its_blocking_keys_with_places(database: Database) -> None:
    """Version 5 stored (key, record id); step 6 makes the table anew and fills it from each
    record's stored features, places included, and resolve finds the record through them."""
    from belegfluss.identity import graph
    from belegfluss.identity.blocking import graph_keys
    from belegfluss.identity.features import customer_features
    from belegfluss.identity.settings import MatchSettings
    from belegfluss.model.customer import Customer, PostalAddress
    from belegfluss.store.identity import blocking_keys

    anna = Customer(external_ids={"sumup": "c-1"}, first_name="Anna", last_name="Schulz", emails=["anna@schulz.de"],
                    address=PostalAddress(street="Lindenstraße", house_number="12", postcode="50674"))
    (stored,) = graph.resolve(database, [anna], MatchSettings())
    with database.transaction() as connection:  # as version 5 left it, with a key of a record long gone
        connection.exec_driver_sql("DROP TABLE identity_blocking_keys")
        connection.exec_driver_sql("CREATE TABLE identity_blocking_keys (key VARCHAR(300) NOT NULL, "
                                   "record_id VARCHAR(40) NOT NULL, PRIMARY KEY (key, record_id))")
        connection.exec_driver_sql(f"INSERT INTO identity_blocking_keys VALUES ('e:anna@schulz.de', "
                                   f"'{stored.record_id}'), ('e:gone@example.org', 'rec_gone')")
        connection.execute(delete(schema_version).where(schema_version.c.version == 6))
    database.migrate()
    with database.connect() as connection:
        rows = connection.execute(select(blocking_keys.c.key, blocking_keys.c.place, blocking_keys.c.record_id)).all()
    assert {(key, place) for key, place, _ in rows} == set(graph_keys(customer_features(anna)).items())
    assert {record_id for _, _, record_id in rows} == {stored.record_id}
    assert ("np:" + customer_features(anna).last_phonetic + "|50674", "anna") in {(k, p) for k, p, _ in rows}
    later = Customer(external_ids={"hubspot": "9"}, first_name="Anna", last_name="Schulz", emails=["ANNA@schulz.de"])
    (found,) = graph.resolve(database, [later], MatchSettings())
    assert (found.decision, found.golden_id) == ("match", stored.golden_id)
