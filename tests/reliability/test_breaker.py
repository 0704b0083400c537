"""The circuit breaker's state machine, without a database or a clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from belegfluss.reliability.breaker import (
    Breaker,
    BreakerPolicy,
    Outcome,
    check,
    report,
    trips,
)

POLICY = BreakerPolicy(failure_threshold=3, open_seconds=10, max_open_seconds=35, probe_seconds=5)
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
UNAVAILABLE = Outcome(ok=False, status=503, error="Service Unavailable")
DELIVERED = Outcome(ok=True, status=200)


def seconds(n: float) -> datetime:
    return T0 + timedelta(seconds=n)


def after_failures(count: int, breaker: Breaker | None = None, at: datetime = T0) -> Breaker:
    breaker = breaker or Breaker("hubspot:123")
    for _ in range(count):
        breaker = report(breaker, UNAVAILABLE, at, POLICY)
    return breaker


def test_a_new_target_lets_deliveries_through() -> None:
    decision, breaker = check(Breaker("hubspot:123"), T0, POLICY)
    assert decision.allowed and decision.state == "closed" and decision.retry_at is None
    assert breaker == Breaker("hubspot:123")


def test_failures_below_the_threshold_keep_the_breaker_closed() -> None:
    breaker = after_failures(2)
    assert breaker.state == "closed" and breaker.failures == 2
    assert check(breaker, T0, POLICY)[0].allowed


def test_the_threshold_of_consecutive_failures_opens_the_breaker_for_the_open_time() -> None:
    breaker = after_failures(3)
    assert breaker.state == "open" and breaker.open_until == seconds(10)
    decision, unchanged = check(breaker, seconds(9.9), POLICY)
    assert not decision.allowed and decision.state == "open" and decision.retry_at == seconds(10)
    assert unchanged == breaker


def test_a_success_in_between_resets_the_count_of_failures() -> None:
    breaker = report(after_failures(2), DELIVERED, T0, POLICY)
    breaker = after_failures(2, breaker)
    assert breaker.state == "closed" and breaker.failures == 2


def test_after_the_open_time_exactly_one_caller_probes() -> None:
    breaker = after_failures(3)
    first, breaker = check(breaker, seconds(10), POLICY)
    second, breaker = check(breaker, seconds(10.5), POLICY)
    assert first.allowed and first.state == "half_open" and first.retry_at == seconds(15)
    assert not second.allowed and second.state == "half_open" and second.retry_at == seconds(15)


def test_a_successful_probe_closes_the_breaker_and_forgets_the_backoff() -> None:
    _probe, breaker = check(after_failures(3), seconds(10), POLICY)
    breaker = report(breaker, DELIVERED, seconds(11), POLICY)
    assert breaker.state == "closed" and breaker.failures == 0 and breaker.openings == 0
    assert check(breaker, seconds(11), POLICY)[0].allowed


def test_a_failed_probe_opens_the_breaker_again_for_twice_as_long_up_to_the_cap() -> None:
    breaker = after_failures(3)
    open_times = []
    moment = T0
    for _ in range(4):
        moment = breaker.open_until
        _probe, breaker = check(breaker, moment, POLICY)
        breaker = report(breaker, UNAVAILABLE, moment, POLICY)
        open_times.append((breaker.open_until - moment).total_seconds())
    assert open_times == [20, 35, 35, 35]
    assert breaker.state == "open" and breaker.openings == 5


def test_a_probe_that_never_reports_lets_another_caller_probe_after_its_lease() -> None:
    _probe, breaker = check(after_failures(3), seconds(10), POLICY)
    decision, breaker = check(breaker, seconds(15), POLICY)
    assert decision.allowed and decision.state == "half_open" and breaker.probe_until == seconds(20)


def test_a_late_success_does_not_cut_the_open_time_short() -> None:
    breaker = report(after_failures(3), DELIVERED, seconds(1), POLICY)
    assert breaker.state == "open" and breaker.open_until == seconds(10)


def test_the_last_error_is_kept_for_people_to_read() -> None:
    breaker = report(Breaker("hubspot:123"), Outcome(False, 429, "rate limited " * 200), T0, POLICY)
    assert breaker.last_status == 429 and len(breaker.last_error or "") == 1000


@pytest.mark.parametrize(("outcome", "counts"), [
    (Outcome(False, 503), True), (Outcome(False, 500), True), (Outcome(False, 429), True),
    (Outcome(False, 408), True), (Outcome(False, None, "connection refused"), True),
    (Outcome(False, 400), False), (Outcome(False, 404), False), (Outcome(False, 409), False),
    (Outcome(True, 200), False),
])
def test_only_answers_that_say_the_service_is_unwell_count_against_it(outcome: Outcome, counts: bool) -> None:
    assert trips(outcome) is counts


def test_a_rejected_item_proves_the_service_is_up_and_closes_a_half_open_breaker() -> None:
    _probe, breaker = check(after_failures(3), seconds(10), POLICY)
    breaker = report(breaker, Outcome(False, 400, "property does not exist"), seconds(11), POLICY)
    assert breaker.state == "closed"


def test_settings_come_from_the_environment() -> None:
    policy = BreakerPolicy.from_env({"BELEGFLUSS_BREAKER_FAILURE_THRESHOLD": "2", "BELEGFLUSS_BREAKER_OPEN_SECONDS": "1.5",
                                     "BELEGFLUSS_BREAKER_MAX_OPEN_SECONDS": "60", "BELEGFLUSS_BREAKER_PROBE_SECONDS": "7"})
    assert policy == BreakerPolicy(failure_threshold=2, open_seconds=1.5, max_open_seconds=60, probe_seconds=7)
