"""The store: SQLAlchemy Core over SQLite (embedded default) or PostgreSQL (shared by replicas).

Every domain module declares its tables on `metadata`. Schema changes are versioned in
`store/migrations.py` (a small ordered list instead of Alembic: the schema is created from this
metadata, so only ALTERs of existing tables need a step, and the same code runs on SQLite and on a
per-test PostgreSQL schema without an Alembic environment per schema).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import orjson
from sqlalchemy import Connection, DateTime, Engine, MetaData, TypeDecorator, create_engine, event, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.pool import NullPool

metadata = MetaData()


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware timestamp on both databases. SQLite keeps no zone: values are written as
    UTC (a POS time with its offset converted, not cut off) and read back with UTC attached."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None or value.tzinfo is None:
            return value
        return value.astimezone(timezone.utc)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None or value.tzinfo is not None:
            return value
        return value.replace(tzinfo=timezone.utc)

MIGRATION_LOCK_KEY = 0x42656C6567  # "Beleg": one advisory lock id for schema migrations

_SCHEMA_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def dumps(value: Any) -> str:
    """JSON text for payload columns (orjson: fast, exact for the str-encoded Decimals we keep)."""
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()


def content_hash(value: Any) -> str:
    """SHA-256 of the JSON text `dumps` writes: the same content hashes the same, whatever its key order."""
    return hashlib.sha256(dumps(value).encode()).hexdigest()


def loads(value: str | bytes | None) -> Any:
    return None if value is None else orjson.loads(value)


def split_schema(url: str, schema: str | None = None) -> tuple[str, str | None]:
    """A PostgreSQL URL may name its schema as `?schema=<name>` (one schema per replica set or test run)."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    named = [value for key, value in query if key == "schema"]
    if not named:
        return url, schema
    rest = urlencode([(key, value) for key, value in query if key != "schema"])
    return urlunsplit(parts._replace(query=rest)), schema or named[-1]


class Database:
    """One engine plus the dialect knowledge the domain stores need (upserts, locking)."""

    def __init__(self, url: str, schema: str | None = None) -> None:
        url, schema = split_schema(url, schema)
        if schema is not None and not _SCHEMA_NAME.match(schema):
            raise ValueError(f"invalid database schema name {schema!r}")
        self.url = url
        self.schema = schema
        self.engine = self._create_engine(url, schema)
        self.is_postgres = self.engine.dialect.name == "postgresql"

    @staticmethod
    def _create_engine(url: str, schema: str | None) -> Engine:
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
        if url.startswith("sqlite"):
            # One connection per thread; WAL lets readers run beside the single writer.
            engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

            @event.listens_for(engine, "connect")
            def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
                cursor = dbapi_connection.cursor()
                cursor.execute("PRAGMA journal_mode=WAL")
                cursor.execute("PRAGMA synchronous=NORMAL")
                cursor.execute("PRAGMA foreign_keys=ON")
                cursor.close()

            return engine
        engine = create_engine(url, pool_size=10, max_overflow=10, pool_pre_ping=True)
        if schema:
            # Registered before the first connection, so no pooled connection misses its search_path.
            @event.listens_for(engine, "connect")
            def _search_path(dbapi_connection: Any, _record: Any) -> None:
                cursor = dbapi_connection.cursor()
                cursor.execute(f'SET search_path TO "{schema}"')
                cursor.close()
                dbapi_connection.commit()

            with engine.begin() as connection:
                connection.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
        return engine

    def insert(self, table: Any) -> Any:
        """A dialect insert that knows `on_conflict_do_nothing` / `on_conflict_do_update`."""
        return (postgresql.insert if self.is_postgres else sqlite.insert)(table)

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        with self.engine.begin() as connection:
            yield connection

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        with self.engine.connect() as connection:
            yield connection

    def migrate(self) -> None:
        """Bring the schema up to date. On PostgreSQL an advisory lock makes replicas that start
        together migrate one after the other."""
        from . import migrations  # noqa: F401 - imports every table module

        if not self.is_postgres:
            migrations.upgrade(self)
            return
        with self.engine.connect() as connection:
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
            connection.commit()
            try:
                migrations.upgrade(self)
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK_KEY})
                connection.commit()

    def drop_schema(self) -> None:
        """Tests: remove what this database holds (the whole schema on PostgreSQL)."""
        if self.is_postgres and self.schema:
            with self.engine.begin() as connection:
                connection.execute(text(f'DROP SCHEMA IF EXISTS "{self.schema}" CASCADE'))
        else:
            metadata.drop_all(self.engine)
        self.engine.dispose()

    def dispose(self) -> None:
        self.engine.dispose()


def null_pool_engine(url: str) -> Engine:
    return create_engine(url, poolclass=NullPool)
