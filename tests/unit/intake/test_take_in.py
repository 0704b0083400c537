"""The intake fast path in process, on SQLite and PostgreSQL: each sale's canonical JSON is hashed
once per delivery, though the replay check, the event store and the booking store all compare it."""

from __future__ import annotations

import hashlib
from collections import Counter
from typing import Any

import pytest
from belegfluss.intake.service import IntakePolicies, take_in
from belegfluss.profiles.registry import ProfileRegistry
from belegfluss.quarantine.redelivery import RedeliveryPolicy
from belegfluss.reliability.breaker import BreakerPolicy
from belegfluss.store.database import Database

from tests.api.test_intake_api import sumup_sales
from tests.conftest import SHIPPED_PROFILES

PROFILES = ProfileRegistry.load(SHIPPED_PROFILES)


@pytest.fixture
def hashed_sales(monkeypatch: pytest.MonkeyPatch) -> Counter[bytes]:
    """How often each canonical sale's JSON text went through SHA-256."""
    hashed: Counter[bytes] = Counter()
    real_sha256 = hashlib.sha256

    def counting_sha256(data: bytes = b"", **kwargs: Any) -> Any:
        if b'"type":"sale"' in data:
            hashed[data] += 1
        return real_sha256(data, **kwargs)

    monkeypatch.setattr(hashlib, "sha256", counting_sha256)
    return hashed


def deliver(database: Database, sales: list[dict[str, Any]]) -> list[dict[str, Any]]:
    lookup = PROFILES.get
    return take_in(database, PROFILES, lookup, "sumup", sales,
                   IntakePolicies(BreakerPolicy(), RedeliveryPolicy())).results


def test_a_new_sale_is_hashed_once_to_be_stored_and_booked(database: Database, hashed_sales: Counter[bytes]) -> None:
    results = deliver(database, sumup_sales(3))
    assert [(r["stored"], r["booked"]) for r in results] == [("new", "new")] * 3
    assert sorted(hashed_sales.values()) == [1, 1, 1]


def test_a_repeated_delivery_is_hashed_once_to_be_recognised(database: Database,
                                                              hashed_sales: Counter[bytes]) -> None:
    sales = sumup_sales(3)
    deliver(database, sales)
    hashed_sales.clear()
    results = deliver(database, sales)
    assert [(r["stored"], r["booked"]) for r in results] == [("duplicate", "duplicate")] * 3
    assert sorted(hashed_sales.values()) == [1, 1, 1]
