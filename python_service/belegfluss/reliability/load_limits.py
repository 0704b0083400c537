"""Load limits of one sidecar process: how large a request may be, and how many heavy requests
(DATEV exports, batch dedup) it works on at once before it sheds more with 503."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class LoadLimits:
    max_request_bytes: int = 32 * 1024 * 1024
    """Larger bodies get 413 before they are read (Content-Length) or as soon as they grow past it."""
    max_heavy_requests: int = 4
    """Heavy requests in flight per sidecar process; one more gets 503 at once."""
    shed_retry_after_seconds: int = 5
    """The `Retry-After` of a shed request."""

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> LoadLimits:
        return cls(
            max_request_bytes=int(env.get("BELEGFLUSS_MAX_REQUEST_BYTES", cls.max_request_bytes)),
            max_heavy_requests=int(env.get("BELEGFLUSS_MAX_HEAVY_REQUESTS", cls.max_heavy_requests)),
            shed_retry_after_seconds=int(env.get("BELEGFLUSS_SHED_RETRY_AFTER_SECONDS",
                                                 cls.shed_retry_after_seconds)),
        )
