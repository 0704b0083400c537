"""Circuit breaker per delivery target, as pure functions over an immutable state.

closed ──(threshold consecutive failures)──▶ open until T ──(T reached, first check claims the
probe)──▶ half-open ──(probe succeeds)──▶ closed, or ──(probe fails)──▶ open again, longer.

The storage (`store/breakers.py`) applies these functions with a compare-and-swap, so the state is
shared by every sidecar replica and every n8n worker; nothing here touches a database or a clock.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Literal

BreakerState = Literal["closed", "open", "half_open"]

# Statuses that say "the service is unwell or asks us to slow down". Other 4xx answers prove the
# service is up (the item itself was wrong), so they do not count against the target.
TRIPPING_STATUSES = frozenset({408, 425, 429})
LAST_ERROR_CHARS = 1000


@dataclass(frozen=True)
class BreakerPolicy:
    failure_threshold: int = 5
    """Consecutive failures that open a closed breaker."""
    open_seconds: float = 30.0
    """How long the first opening lasts; each reopening without a success in between doubles it."""
    max_open_seconds: float = 600.0
    """The cap of that doubling."""
    probe_seconds: float = 60.0
    """How long the one half-open probe may take before another caller may probe instead."""

    def open_duration(self, openings: int) -> timedelta:
        seconds = self.open_seconds * 2 ** max(0, openings - 1)
        return timedelta(seconds=min(seconds, self.max_open_seconds))

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> BreakerPolicy:
        return cls(
            failure_threshold=int(env.get("BELEGFLUSS_BREAKER_FAILURE_THRESHOLD", cls.failure_threshold)),
            open_seconds=float(env.get("BELEGFLUSS_BREAKER_OPEN_SECONDS", cls.open_seconds)),
            max_open_seconds=float(env.get("BELEGFLUSS_BREAKER_MAX_OPEN_SECONDS", cls.max_open_seconds)),
            probe_seconds=float(env.get("BELEGFLUSS_BREAKER_PROBE_SECONDS", cls.probe_seconds)),
        )


@dataclass(frozen=True)
class Breaker:
    target: str
    state: BreakerState = "closed"
    failures: int = 0
    """Consecutive failures counted toward the threshold."""
    openings: int = 0
    """Openings since the last success: drives the backoff of the open duration."""
    open_until: datetime | None = None
    probe_until: datetime | None = None
    """Half-open: the lease of the caller that holds the probe."""
    last_status: int | None = None
    last_error: str | None = None


@dataclass(frozen=True)
class Outcome:
    """What a workflow reports after calling the target: `status` is the HTTP status if any
    (none for a timeout or a refused connection), `error` a short text for people."""

    ok: bool
    status: int | None = None
    error: str | None = None


@dataclass(frozen=True)
class Decision:
    allowed: bool
    state: BreakerState
    retry_at: datetime | None
    """When asking again may be allowed (not allowed), or when the probe lease ends (the probe)."""


def trips(outcome: Outcome) -> bool:
    """Whether an outcome counts against the target's health."""
    if outcome.ok:
        return False
    return outcome.status is None or outcome.status in TRIPPING_STATUSES or outcome.status >= 500


def check(breaker: Breaker, now: datetime, policy: BreakerPolicy) -> tuple[Decision, Breaker]:
    """May a caller deliver to the target now? The first caller after the open time claims the
    single half-open probe; everyone else waits."""
    if breaker.state == "closed":
        return Decision(True, "closed", None), breaker
    if breaker.state == "open" and breaker.open_until is not None and now < breaker.open_until:
        return Decision(False, "open", breaker.open_until), breaker
    if breaker.state == "half_open" and breaker.probe_until is not None and now < breaker.probe_until:
        return Decision(False, "half_open", breaker.probe_until), breaker
    # Open time over, or the last probe's lease expired without a report: this caller probes.
    probe_until = now + timedelta(seconds=policy.probe_seconds)
    return Decision(True, "half_open", probe_until), replace(breaker, state="half_open", probe_until=probe_until)


def report(breaker: Breaker, outcome: Outcome, now: datetime, policy: BreakerPolicy) -> Breaker:
    """The breaker after one reported outcome."""
    noted = replace(breaker, last_status=outcome.status,
                    last_error=outcome.error[:LAST_ERROR_CHARS] if outcome.error else None)
    if not trips(outcome):
        # A late success of a call made before the breaker opened does not cut the open time short:
        # only the probe decides.
        if breaker.state == "open":
            return noted
        return replace(noted, state="closed", failures=0, openings=0, open_until=None, probe_until=None)
    if breaker.state == "open":
        return replace(noted, failures=breaker.failures + 1)
    failures = breaker.failures + 1
    if breaker.state == "half_open" or failures >= policy.failure_threshold:
        openings = breaker.openings + 1
        return replace(noted, state="open", failures=failures, openings=openings,
                       open_until=now + policy.open_duration(openings), probe_until=None)
    return replace(noted, failures=failures)


def retry_at(breaker: Breaker) -> datetime | None:
    """When a parked delivery may be tried again."""
    if breaker.state == "open":
        return breaker.open_until
    if breaker.state == "half_open":
        return breaker.probe_until
    return None
