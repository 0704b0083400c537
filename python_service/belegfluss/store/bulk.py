"""Reads and writes of many rows at once, each database its own best way.

PostgreSQL takes a whole list as one array parameter and plain inserts by COPY; SQLite gets IN
lists of bounded length and executemany. Callers stay free of dialect checks.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import ARRAY, Connection, String, Table, Text, any_, cast, literal

SQLITE_IN_LIST_LENGTH = 2000  # values per IN list on SQLite: well inside its parameter limit


def is_postgres(connection: Connection) -> bool:
    return connection.dialect.name == "postgresql"


def in_chunks(connection: Connection, values: list[Any]) -> Iterator[list[Any]]:
    """The values in one piece for PostgreSQL (one array parameter), in IN-list sized pieces for SQLite."""
    step = max(len(values), 1) if is_postgres(connection) else SQLITE_IN_LIST_LENGTH
    for start in range(0, len(values), step):
        yield values[start:start + step]


def text_array(values: Sequence[str]) -> Any:
    """Strings as one PostgreSQL `varchar[]` parameter, sent as an array literal that PostgreSQL
    parses: psycopg dumps a Python list element by element, which took 31 ms for 10,000 record ids
    here, against 4 ms for the literal."""
    escaped = (value.replace("\\", "\\\\").replace('"', '\\"') for value in values)
    return cast(literal("{" + ",".join(f'"{value}"' for value in escaped) + "}", Text), ARRAY(String))


def one_of(connection: Connection, column: Any, values: list[str]) -> Any:
    """`column IN values`; on PostgreSQL `= ANY(array)`: one parameter instead of thousands, so the
    driver does not build and parse a query text as long as the list."""
    if is_postgres(connection):
        return column == any_(text_array(values))
    return column.in_(values)


def insert_rows(connection: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Plain inserts of many rows (all with the same keys); on PostgreSQL by COPY in the same
    transaction: one round trip instead of one statement per row."""
    if not rows:
        return
    if not is_postgres(connection):
        connection.execute(table.insert(), rows)
        return
    columns = list(rows[0])
    driver_connection = connection.connection.driver_connection
    assert driver_connection is not None
    with driver_connection.cursor() as cursor, cursor.copy(
            f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([row[c] for c in columns])
