"""Shared fixtures: real databases (SQLite and the running PostgreSQL) and a real sidecar process.

Every storage test runs on both databases: `database_url` is parametrised. Each test gets its own
SQLite file or its own PostgreSQL schema, so runs never collide and nothing is left behind.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from belegfluss.store.database import Database
from sqlalchemy import event

REPO = Path(__file__).resolve().parent.parent
SHIPPED_PROFILES = REPO / "workflows" / "profiles"
TEST_PROFILES = REPO / "tests" / "fixtures" / "profiles"
POSTGRES_URL = os.environ.get("BELEGFLUSS_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


def _fresh_schema() -> str:
    return f"bf_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"


def _drop_schema(schema: str) -> None:
    Database(POSTGRES_URL, schema).drop_schema()


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL to an empty database: a new SQLite file, or a new schema in the running PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'belegfluss.db'}"
        return
    schema = _fresh_schema()
    yield f"{POSTGRES_URL}?schema={schema}"
    _drop_schema(schema)


@pytest.fixture
def postgres_database() -> Iterator[Database]:
    """A migrated, empty store in a new schema of the running PostgreSQL, for PostgreSQL-only steps."""
    schema = _fresh_schema()
    db = Database(POSTGRES_URL, schema)
    db.migrate()
    yield db
    db.dispose()
    _drop_schema(schema)


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    """A migrated, empty store on SQLite and on PostgreSQL."""
    db = Database(database_url)
    db.migrate()
    yield db
    db.dispose()


@contextmanager
def counted_statements(database: Database) -> Iterator[list[str]]:
    """The SQL statements `database` sends while the block runs (an executemany counts once)."""
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(database.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(database.engine, "before_cursor_execute", count)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Sidecar:
    url: str
    key: str
    database_url: str
    process: subprocess.Popen[bytes]
    log_path: Path
    client: httpx.Client

    def log_tail(self, lines: int = 60) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def database(self) -> Database:
        return Database(self.database_url)


def profiles_dir(workdir: Path) -> Path:
    """The shipped location profiles plus the test-only ones, in one folder."""
    folder = workdir / "profiles"
    folder.mkdir(exist_ok=True)
    for profile in [*SHIPPED_PROFILES.glob("*.yaml"), *TEST_PROFILES.glob("*.yaml")]:
        shutil.copy(profile, folder / profile.name)
    return folder


def start_sidecar(database_url: str, workdir: Path, extra_env: dict[str, str] | None = None) -> Sidecar:
    port = free_port()
    key = f"bf_{secrets.token_hex(6)}_{secrets.token_urlsafe(24)}"  # own key id per sidecar
    log_path = workdir / f"sidecar-{port}.log"
    env = {**os.environ, "BELEGFLUSS_DATABASE_URL": database_url, "BELEGFLUSS_BOOTSTRAP_KEY": key,
           "BELEGFLUSS_PROFILES_DIR": str(profiles_dir(workdir)),
           # parked deliveries are due at once, so redelivery tests need not wait for a backoff
           "BELEGFLUSS_REDELIVERY_BASE_SECONDS": "0", **(extra_env or {})}
    process = subprocess.Popen(
        [sys.executable, "-m", "belegfluss.cli.main", "serve", "--port", str(port), "--log-level", "info"],
        env=env, stdout=log_path.open("wb"), stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"sidecar exited at start:\n{log_path.read_text()[-4000:]}")
        try:
            if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"sidecar did not come up:\n{log_path.read_text()[-4000:]}")
        time.sleep(0.1)
    client = httpx.Client(base_url=url, headers={"Authorization": f"Bearer {key}"}, timeout=60)
    return Sidecar(url, key, database_url, process, log_path, client)


def stop_sidecar(sidecar: Sidecar) -> None:
    sidecar.client.close()
    sidecar.process.terminate()
    try:
        sidecar.process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        sidecar.process.kill()


@pytest.fixture(scope="session")
def sidecar(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sidecar]:
    """A real `belegfluss serve` process on SQLite, with the shipped location profiles."""
    workdir = tmp_path_factory.mktemp("sidecar")
    running = start_sidecar(f"sqlite:///{workdir / 'belegfluss.db'}", workdir)
    yield running
    stop_sidecar(running)


@pytest.fixture(scope="session")
def sidecar_pg(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sidecar]:
    """The same on PostgreSQL, in a schema of its own."""
    workdir = tmp_path_factory.mktemp("sidecar_pg")
    schema = _fresh_schema()
    running = start_sidecar(f"{POSTGRES_URL}?schema={schema}", workdir)
    yield running
    stop_sidecar(running)
    _drop_schema(schema)


@pytest.fixture(params=["sqlite", "postgres"])
def any_sidecar(request: pytest.FixtureRequest) -> Sidecar:
    """Tests of stored behaviour over HTTP run against both sidecars."""
    return request.getfixturevalue("sidecar" if request.param == "sqlite" else "sidecar_pg")
