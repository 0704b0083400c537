"""Rate limits and quotas per API key: which limits apply, and fixed-window counting in the
database that stays exact under concurrent callers (SQLite and PostgreSQL)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from belegfluss.reliability.quotas import Limit, QuotaSettings, parse_role_limits
from belegfluss.store import quotas as quota_store
from belegfluss.store.database import Database
from belegfluss.store.keys import create_key, find_key, set_key_limits

WINDOW_START = 1_772_438_400  # 2026-03-02 08:00:00 UTC, a multiple of 60 and of 3,600


def test_role_defaults_can_be_overridden_per_role_from_the_environment() -> None:
    settings = QuotaSettings.from_env({"BELEGFLUSS_RATE_LIMITS": "workflow=600, reader=0",
                                       "BELEGFLUSS_ITEM_QUOTAS": "operator=1000",
                                       "BELEGFLUSS_RATE_WINDOW_SECONDS": "10"})
    assert settings.limits_for("workflow") == [Limit("requests", 600, 10), Limit("items", 50_000_000, 86_400)]
    assert settings.limits_for("reader") == []
    assert settings.limits_for("operator") == [Limit("requests", 1_200, 10), Limit("items", 1000, 86_400)]
    assert settings.limits_for("admin") == []


def test_a_key_of_its_own_overrides_its_role_and_zero_means_unlimited() -> None:
    settings = QuotaSettings()
    assert settings.limits_for("workflow", rate_limit=5, item_quota=0) == [Limit("requests", 5, 60)]
    assert settings.limits_for("admin", rate_limit=None, item_quota=100) == [Limit("items", 100, 86_400)]


@pytest.mark.parametrize("text", ["superuser=5", "workflow", "workflow=-1", "workflow=many"])
def test_a_malformed_role_limit_is_refused_at_start(text: str) -> None:
    with pytest.raises(ValueError):
        parse_role_limits(text, {"workflow": 1})


def test_retry_after_is_the_rest_of_the_window() -> None:
    minute = Limit("requests", 10, 60)
    assert minute.window_start(WINDOW_START + 59.2) == WINDOW_START
    assert minute.seconds_to_reset(WINDOW_START + 15.5) == 45
    assert minute.seconds_to_reset(WINDOW_START + 59.9) == 1


def test_charges_stop_at_the_limit_and_a_new_window_starts_afresh(database: Database) -> None:
    limit = Limit("requests", 3, 60)
    answers = [quota_store.charge(database, "k1", [quota_store.Charge(limit, 1)], WINDOW_START + 1) for _ in range(5)]
    assert answers[:3] == [None, None, None] and all(refused is not None for refused in answers[3:])
    assert quota_store.usage(database, "k1", limit, WINDOW_START + 1) == 3
    assert quota_store.charge(database, "k1", [quota_store.Charge(limit, 1)], WINDOW_START + 61) is None
    assert quota_store.usage(database, "k1", limit, WINDOW_START + 61) == 1


def test_a_refused_charge_counts_nothing_not_even_the_request(database: Database) -> None:
    requests, items = Limit("requests", 100, 60), Limit("items", 10, 3600)
    assert quota_store.charge(database, "k1", [quota_store.Charge(requests, 1), quota_store.Charge(items, 8)],
                              WINDOW_START) is None
    refused = quota_store.charge(database, "k1", [quota_store.Charge(requests, 1), quota_store.Charge(items, 3)],
                                 WINDOW_START)
    assert refused == quota_store.Charge(items, 3)
    assert quota_store.usage(database, "k1", requests, WINDOW_START) == 1
    assert quota_store.usage(database, "k1", items, WINDOW_START) == 8
    assert quota_store.charge(database, "k1", [quota_store.Charge(items, 2)], WINDOW_START) is None


def test_keys_are_counted_apart(database: Database) -> None:
    limit = Limit("requests", 1, 60)
    assert quota_store.charge(database, "k1", [quota_store.Charge(limit, 1)], WINDOW_START) is None
    assert quota_store.charge(database, "k2", [quota_store.Charge(limit, 1)], WINDOW_START) is None
    assert quota_store.charge(database, "k1", [quota_store.Charge(limit, 1)], WINDOW_START) is not None


def test_concurrent_callers_together_get_exactly_the_limit(database: Database) -> None:
    limit = Limit("items", 50, 3600)
    with ThreadPoolExecutor(16) as pool:
        refused = list(pool.map(
            lambda _n: quota_store.charge(database, "k1", [quota_store.Charge(limit, 3)], WINDOW_START), range(40)))
    accepted = sum(answer is None for answer in refused)
    assert accepted == 50 // 3
    assert quota_store.usage(database, "k1", limit, WINDOW_START) == accepted * 3


def test_a_key_carries_its_own_limits_once_set(database: Database) -> None:
    raw = create_key(database, "workflow", label="agency client")
    key = find_key(database, raw)
    assert key is not None and (key.rate_limit, key.item_quota) == (None, None)
    set_key_limits(database, key.key_id, rate_limit=120, item_quota=None)
    set_key_limits(database, key.key_id, rate_limit=60, item_quota=0)
    updated = find_key(database, raw)
    assert updated is not None and (updated.rate_limit, updated.item_quota) == (60, 0)
