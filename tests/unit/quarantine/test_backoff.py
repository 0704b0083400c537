"""Redelivery backoff: exponential, capped, with full jitter."""

from __future__ import annotations

import random
from datetime import timedelta

from belegfluss.quarantine.redelivery import RedeliveryPolicy


def test_delay_doubles_per_attempt_within_its_jitter_band() -> None:
    policy = RedeliveryPolicy(base_seconds=10, max_seconds=10_000)
    rng = random.Random(7)
    for attempt, ceiling in ((1, 10), (2, 20), (3, 40), (6, 320)):
        delays = [policy.delay(attempt, rng) for _ in range(200)]
        assert all(timedelta(seconds=ceiling / 2) <= d <= timedelta(seconds=ceiling) for d in delays)
        assert len(set(delays)) > 150  # jitter: parked items of one outage do not return together


def test_delay_is_capped() -> None:
    policy = RedeliveryPolicy(base_seconds=30, max_seconds=3600)
    assert policy.delay(30, random.Random(1)) <= timedelta(seconds=3600)
