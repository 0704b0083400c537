"""Bulk helpers: the same answer on both databases, whatever characters the values hold."""

from __future__ import annotations

from belegfluss.store.bulk import one_of
from sqlalchemy import Column, MetaData, String, Table, insert, select

AWKWARD = ['plain', 'with "quotes"', "back\\slash", "comma,and{braces}", "NULL", "", " spaced ", "ümlaut ß"]

probe = Table("bulk_probe", MetaData(), Column("value", String(100), nullable=False))


def test_one_of_finds_exactly_the_listed_values_whatever_they_hold(database):
    with database.transaction() as connection:
        probe.create(connection)
        connection.execute(insert(probe), [{"value": v} for v in [*AWKWARD, "not asked for", 'not "asked" either']])
    with database.connect() as connection:
        found = connection.scalars(select(probe.c.value).where(one_of(connection, probe.c.value, AWKWARD))).all()
    assert sorted(found) == sorted(AWKWARD)
