"""Runtime settings, read once from the environment (12-factor: compose files and tests set them)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from .quarantine.redelivery import RedeliveryPolicy
from .reliability.breaker import BreakerPolicy
from .reliability.load_limits import LoadLimits
from .reliability.quotas import QuotaSettings


def _default_profiles_dir() -> Path:
    # A checkout keeps the example profiles beside the templates; an installed sidecar is told where.
    return Path.cwd() / "workflows" / "profiles"


@dataclass(frozen=True)
class Settings:
    database_url: str = "sqlite:///belegfluss.db"
    database_schema: str | None = None
    profiles_dir: Path = field(default_factory=_default_profiles_dir)
    bootstrap_key: str | None = None
    max_batch_items: int = 5000
    clock_skew_seconds: int = 300
    api_key_cache_seconds: float = 30.0
    quotas: QuotaSettings = field(default_factory=QuotaSettings)
    load: LoadLimits = field(default_factory=LoadLimits)
    breaker: BreakerPolicy = field(default_factory=BreakerPolicy)
    redelivery: RedeliveryPolicy = field(default_factory=RedeliveryPolicy)

    @classmethod
    def from_env(cls) -> "Settings":
        env = os.environ
        return cls(
            database_url=env.get("BELEGFLUSS_DATABASE_URL", cls.database_url),
            database_schema=env.get("BELEGFLUSS_DATABASE_SCHEMA") or None,
            profiles_dir=Path(env["BELEGFLUSS_PROFILES_DIR"]) if env.get("BELEGFLUSS_PROFILES_DIR")
            else _default_profiles_dir(),
            bootstrap_key=env.get("BELEGFLUSS_BOOTSTRAP_KEY") or None,
            max_batch_items=int(env.get("BELEGFLUSS_MAX_BATCH_ITEMS", cls.max_batch_items)),
            clock_skew_seconds=int(env.get("BELEGFLUSS_CLOCK_SKEW_SECONDS", cls.clock_skew_seconds)),
            quotas=QuotaSettings.from_env(env),
            load=LoadLimits.from_env(env),
            breaker=BreakerPolicy.from_env(env),
            redelivery=RedeliveryPolicy.from_env(env),
        )
