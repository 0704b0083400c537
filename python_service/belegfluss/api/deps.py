"""What routers get injected: the database, the profiles, the caller's API key."""

from __future__ import annotations

import time
from typing import Annotated

from fastapi import Depends, Request

from ..profiles.model import LocationProfile
from ..profiles.registry import ProfileRegistry
from ..store.database import Database
from ..store.keys import ApiKey, find_key, hash_key
from ..validation import codes
from .errors import ApiError


def get_database(request: Request) -> Database:
    return request.app.state.database


def get_profiles(request: Request) -> ProfileRegistry:
    return request.app.state.profiles


class KeyCache:
    """Recently seen keys, so a busy workflow does not cost a database round trip per request.
    Revocation takes effect within `ttl` seconds."""

    def __init__(self, ttl: float) -> None:
        self.ttl = ttl
        self._entries: dict[str, tuple[float, ApiKey]] = {}

    def lookup(self, database: Database, raw_key: str) -> ApiKey | None:
        digest = hash_key(raw_key)
        cached = self._entries.get(digest)
        if cached and cached[0] > time.monotonic():
            return cached[1]
        key = find_key(database, raw_key)
        if key is not None:
            self._entries[digest] = (time.monotonic() + self.ttl, key)
        return key


def require_key(request: Request) -> ApiKey:
    header = request.headers.get("authorization", "")
    scheme, _, raw_key = header.partition(" ")
    if scheme.lower() != "bearer" or not raw_key.strip():
        raise ApiError(401, "auth.missing_key", "Send your API key as 'Authorization: Bearer <key>'",
                       headers={"WWW-Authenticate": "Bearer"})
    key = request.app.state.key_cache.lookup(request.app.state.database, raw_key.strip())
    if key is None:
        raise ApiError(401, "auth.invalid_key", "The API key is unknown or revoked",
                       headers={"WWW-Authenticate": "Bearer"})
    request.state.api_key = key
    return key


def default_profile(location_id: str) -> LocationProfile:
    """Locations without a profile: EUR only, no KassenSichV-bound registers, Europe/Berlin."""
    return LocationProfile(id="default", name=f"default for {location_id}")


def profile_lookup(registry: ProfileRegistry, profile_id: str | None):  # noqa: ANN201 - returns a lookup
    """The profile named in the request, or the one whose id is the event's location id."""
    if profile_id is not None:
        profile = registry.get(profile_id)
        if profile is None:
            known = ", ".join(p.id for p in registry.all()) or "none"
            raise ApiError(404, codes.PROFILE_UNKNOWN, f"No location profile '{profile_id}' (known: {known})")
        return lambda _location_id: profile
    return lambda location_id: registry.get(location_id) or default_profile(location_id)


DatabaseDep = Annotated[Database, Depends(get_database)]
ProfilesDep = Annotated[ProfileRegistry, Depends(get_profiles)]
ApiKeyDep = Annotated[ApiKey, Depends(require_key)]
