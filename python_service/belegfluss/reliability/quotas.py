"""Per-API-key rate limits and quotas as fixed windows: which limits apply to a key, which window a
moment falls in, and how long a refused caller should wait.

Two things are counted per key:
- `requests` in a short window (the rate limit, default a minute): every authenticated request;
- `items` in a long window (the quota, default a UTC day): the entries of a batch body's `items`,
  since one request of 5,000 items costs what 5,000 single requests cost.

Each role has defaults (settings); a key may override either limit. 0 means unlimited. The counters
live in the database (`store/quotas.py`), so replicas sharing PostgreSQL count together.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

from ..store.keys import ROLES

Metric = Literal["requests", "items"]

DEFAULT_RATE_LIMITS: Mapping[str, int] = MappingProxyType(
    {"admin": 0, "operator": 1_200, "workflow": 12_000, "reader": 600})
DEFAULT_ITEM_QUOTAS: Mapping[str, int] = MappingProxyType(
    {"admin": 0, "operator": 0, "workflow": 50_000_000, "reader": 0})


@dataclass(frozen=True)
class Limit:
    metric: Metric
    limit: int
    window_seconds: int

    def window_start(self, epoch_seconds: float) -> int:
        return int(epoch_seconds // self.window_seconds) * self.window_seconds

    def seconds_to_reset(self, epoch_seconds: float) -> int:
        """Whole seconds until the window that holds `epoch_seconds` ends (at least 1): `Retry-After`."""
        end = self.window_start(epoch_seconds) + self.window_seconds
        return max(1, math.ceil(end - epoch_seconds))


def parse_role_limits(text: str, defaults: Mapping[str, int]) -> dict[str, int]:
    """`"workflow=600,reader=60"` over the defaults; roles not named keep theirs."""
    limits = dict(defaults)
    for part in filter(None, (piece.strip() for piece in text.split(","))):
        role, separator, value = part.partition("=")
        role = role.strip()
        if not separator or role not in ROLES:
            raise ValueError(f"expected <role>=<limit> with a role of {', '.join(ROLES)}, got {part!r}")
        limit = int(value)
        if limit < 0:
            raise ValueError(f"a limit cannot be negative: {part!r}")
        limits[role] = limit
    return limits


@dataclass(frozen=True)
class QuotaSettings:
    rate_limits: Mapping[str, int] = field(default_factory=lambda: dict(DEFAULT_RATE_LIMITS))
    """Requests per rate window, per role."""
    item_quotas: Mapping[str, int] = field(default_factory=lambda: dict(DEFAULT_ITEM_QUOTAS))
    """Batch items per quota window, per role."""
    rate_window_seconds: int = 60
    quota_window_seconds: int = 86_400

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> QuotaSettings:
        return cls(
            rate_limits=parse_role_limits(env.get("BELEGFLUSS_RATE_LIMITS", ""), DEFAULT_RATE_LIMITS),
            item_quotas=parse_role_limits(env.get("BELEGFLUSS_ITEM_QUOTAS", ""), DEFAULT_ITEM_QUOTAS),
            rate_window_seconds=int(env.get("BELEGFLUSS_RATE_WINDOW_SECONDS", cls.rate_window_seconds)),
            quota_window_seconds=int(env.get("BELEGFLUSS_QUOTA_WINDOW_SECONDS", cls.quota_window_seconds)),
        )

    def limits_for(self, role: str, rate_limit: int | None = None, item_quota: int | None = None) -> list[Limit]:
        """The limits of a key: its own where set, else its role's; unlimited ones left out."""
        requests = rate_limit if rate_limit is not None else self.rate_limits.get(role, 0)
        items = item_quota if item_quota is not None else self.item_quotas.get(role, 0)
        limits = []
        if requests > 0:
            limits.append(Limit("requests", requests, self.rate_window_seconds))
        if items > 0:
            limits.append(Limit("items", items, self.quota_window_seconds))
        return limits
