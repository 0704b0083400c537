"""API keys, stored hashed.

A key is `bf_<key id>_<secret>` with 256 bits of randomness, so a plain SHA-256 of it is a safe
verifier (no password stretching needed for a random secret) and lets us look a key up by hash.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import Boolean, Column, Integer, String, Table, select

from .database import Database, UtcDateTime, metadata

ROLES = ("admin", "operator", "workflow", "reader")

api_keys = Table(
    "api_keys",
    metadata,
    Column("key_id", String(32), primary_key=True),
    Column("key_hash", String(64), nullable=False, unique=True),
    Column("role", String(32), nullable=False),
    Column("label", String(200), nullable=False, default=""),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("revoked", Boolean, nullable=False, default=False),
)

# A key's own rate limit and item quota (see `reliability/quotas.py`), beside the key so that a
# released `api_keys` table needs no change; a missing row or a NULL means "the role's default".
api_key_limits = Table(
    "api_key_limits",
    metadata,
    Column("key_id", String(32), primary_key=True),
    Column("rate_limit", Integer),
    Column("item_quota", Integer),
    Column("updated_at", UtcDateTime(), nullable=False),
)


@dataclass(frozen=True)
class ApiKey:
    key_id: str
    role: str
    label: str
    rate_limit: int | None = None
    item_quota: int | None = None


def hash_key(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode()).hexdigest()


def key_id_of(raw_key: str) -> str:
    parts = raw_key.split("_")
    return parts[1] if len(parts) >= 3 and parts[0] == "bf" else "k" + hash_key(raw_key)[:15]


def create_key(database: Database, role: str, label: str = "", raw_key: str | None = None) -> str:
    """Create a key and return it in the clear: the only moment anyone sees it."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; choose one of {', '.join(ROLES)}")
    if raw_key is None:
        raw_key = f"bf_{secrets.token_hex(6)}_{secrets.token_urlsafe(32)}"
    with database.transaction() as connection:
        connection.execute(
            database.insert(api_keys)
            .values(
                key_id=key_id_of(raw_key),
                key_hash=hash_key(raw_key),
                role=role,
                label=label,
                created_at=datetime.now(timezone.utc),
                revoked=False,
            )
            .on_conflict_do_nothing()
        )
    return raw_key


def find_key(database: Database, raw_key: str) -> ApiKey | None:
    with database.connect() as connection:
        row = connection.execute(
            select(api_keys.c.key_id, api_keys.c.role, api_keys.c.label,
                   api_key_limits.c.rate_limit, api_key_limits.c.item_quota)
            .select_from(api_keys.outerjoin(api_key_limits, api_key_limits.c.key_id == api_keys.c.key_id))
            .where(api_keys.c.key_hash == hash_key(raw_key), api_keys.c.revoked.is_(False))
        ).first()
    return ApiKey(row.key_id, row.role, row.label, row.rate_limit, row.item_quota) if row else None


def set_key_limits(database: Database, key_id: str, rate_limit: int | None, item_quota: int | None) -> None:
    """Give a key its own limits (None: the role's default, 0: unlimited). Sidecars apply them
    within `api_key_cache_seconds`."""
    values = {"rate_limit": rate_limit, "item_quota": item_quota, "updated_at": datetime.now(timezone.utc)}
    with database.transaction() as connection:
        connection.execute(database.insert(api_key_limits).values(key_id=key_id, **values)
                           .on_conflict_do_update(index_elements=[api_key_limits.c.key_id], set_=values))
