"""Bulk helpers: the same answer on both databases, whatever characters the values hold."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from belegfluss.store.bulk import _as_text, insert_new_rows, one_of
from belegfluss.store.identity import review_items, source_links
from sqlalchemy import Column, MetaData, String, Table, insert, select
from sqlalchemy.exc import DataError

AWKWARD = ['plain', 'with "quotes"', "back\\slash", "comma,and{braces}", "NULL", "", " spaced ", "ümlaut ß"]

probe = Table("bulk_probe", MetaData(), Column("value", String(100), nullable=False))


def test_one_of_finds_exactly_the_listed_values_whatever_they_hold(database):
    with database.transaction() as connection:
        probe.create(connection)
        connection.execute(insert(probe), [{"value": v} for v in [*AWKWARD, "not asked for", 'not "asked" either']])
    with database.connect() as connection:
        found = connection.scalars(select(probe.c.value).where(one_of(connection, probe.c.value, AWKWARD))).all()
    assert sorted(found) == sorted(AWKWARD)


def test_insert_new_rows_inserts_what_is_free_and_keeps_types(database):
    """Only rows whose key is free are inserted and returned; text, numbers, timestamps and None
    arrive as given, on both databases."""
    at = datetime(2026, 11, 29, 4, 5, 6, tzinfo=timezone.utc)
    row = {"record_id": "rec_a", "candidate_record_id": "rec_b", "score": 9.5, "reasons": '[{"why": "x,\\"y\\""}]',
           "status": "open", "created_at": at, "decided_by": None}
    with database.transaction() as connection:
        first = insert_new_rows(connection, review_items, [row, {**row, "candidate_record_id": 'rec_"c"'}],
                                (review_items.c.candidate_record_id,))
        again = insert_new_rows(connection, review_items, [row, {**row, "candidate_record_id": "rec_d"}],
                                (review_items.c.candidate_record_id,))
    assert sorted(r.candidate_record_id for r in first) == ['rec_"c"', "rec_b"]
    assert [r.candidate_record_id for r in again] == ["rec_d"]
    with database.connect() as connection:
        stored = connection.execute(select(review_items).where(review_items.c.candidate_record_id == "rec_b")).one()
    assert (stored.score, stored.reasons, stored.created_at, stored.decided_by) == (9.5, row["reasons"], at, None)


def test_insert_new_rows_refuses_a_value_too_long_for_its_column(postgres_database):
    """PostgreSQL only (SQLite keeps any length): a cast to varchar(n) would cut the value short and
    then count it as taken; the insert refuses it instead."""
    too_long = {"system": "pos", "native_id": "x" * 201, "record_id": "rec_1"}
    with pytest.raises(DataError, match="too long"), postgres_database.transaction() as connection:
        insert_new_rows(connection, source_links, [too_long], (source_links.c.native_id,))


def test_insert_new_rows_names_a_type_it_cannot_send():
    with pytest.raises(TypeError, match="bytes"):
        _as_text(b"raw")
