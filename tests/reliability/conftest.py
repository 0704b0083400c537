"""Sidecars with tight limits, so quotas, load shedding and breakers show within a test's seconds:
one on SQLite, and two replicas sharing one PostgreSQL schema (the scale-out claims)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from belegfluss.reliability.quotas import Limit
from belegfluss.store.keys import create_key, find_key, set_key_limits

from tests.conftest import (
    POSTGRES_URL,
    Sidecar,
    _drop_schema,
    _fresh_schema,
    start_sidecar,
    stop_sidecar,
)

MAX_REQUEST_BYTES = 64 * 1024
SHED_RETRY_AFTER_SECONDS = 3
BREAKER_THRESHOLD = 3
BREAKER_OPEN_SECONDS = 1.0
RATE_WINDOW_SECONDS = 3600

TIGHT_LIMITS = {
    "BELEGFLUSS_MAX_REQUEST_BYTES": str(MAX_REQUEST_BYTES),
    "BELEGFLUSS_MAX_HEAVY_REQUESTS": "1",
    "BELEGFLUSS_SHED_RETRY_AFTER_SECONDS": str(SHED_RETRY_AFTER_SECONDS),
    "BELEGFLUSS_BREAKER_FAILURE_THRESHOLD": str(BREAKER_THRESHOLD),
    "BELEGFLUSS_BREAKER_OPEN_SECONDS": str(BREAKER_OPEN_SECONDS),
    "BELEGFLUSS_RATE_WINDOW_SECONDS": str(RATE_WINDOW_SECONDS),
    "BELEGFLUSS_RATE_LIMITS": "reader=4",
}


@dataclass
class Replicas:
    """Sidecar processes sharing one database."""

    sidecars: list[Sidecar]

    @property
    def first(self) -> Sidecar:
        return self.sidecars[0]

    def new_key(self, role: str = "workflow", rate_limit: int | None = None, item_quota: int | None = None) -> str:
        database = self.first.database()
        try:
            raw = create_key(database, role, label="reliability test")
            key = find_key(database, raw)
            assert key is not None
            if rate_limit is not None or item_quota is not None:
                set_key_limits(database, key.key_id, rate_limit, item_quota)
        finally:
            database.dispose()
        return raw


@pytest.fixture(scope="session")
def tight_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Replicas]:
    workdir = tmp_path_factory.mktemp("tight_sqlite")
    sidecar = start_sidecar(f"sqlite:///{workdir / 'belegfluss.db'}", workdir, TIGHT_LIMITS)
    yield Replicas([sidecar])
    stop_sidecar(sidecar)


@pytest.fixture(scope="session")
def tight_pg_pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Replicas]:
    workdir = tmp_path_factory.mktemp("tight_pg_pair")
    schema = _fresh_schema()
    url = f"{POSTGRES_URL}?schema={schema}"
    # One after the other: the first migrates the schema, the second finds it ready.
    first = start_sidecar(url, workdir, TIGHT_LIMITS)
    second = start_sidecar(url, workdir, TIGHT_LIMITS)
    # Both bootstrap keys look like `bf_test_…` and so share one key id: the second is never stored.
    second.client.headers["Authorization"] = f"Bearer {first.key}"
    yield Replicas([first, second])
    stop_sidecar(first)
    stop_sidecar(second)
    _drop_schema(schema)


@pytest.fixture(params=["sqlite", "postgres"])
def tight(request: pytest.FixtureRequest) -> Replicas:
    """Behaviour of one sidecar, on both databases."""
    return request.getfixturevalue("tight_sqlite" if request.param == "sqlite" else "tight_pg_pair")


def fresh_window(window_seconds: int, needed_seconds: float = 10) -> None:
    """Wait, if need be, so that a burst of requests does not straddle two fixed windows."""
    limit = Limit("requests", 1, window_seconds)
    rest = limit.seconds_to_reset(time.time())
    if rest < needed_seconds:
        time.sleep(rest + 0.1)
