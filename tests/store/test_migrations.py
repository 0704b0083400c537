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
