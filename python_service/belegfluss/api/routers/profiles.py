from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from ..deps import ProfilesDep
from ..errors import ApiError

router = APIRouter(prefix="/v1/profiles", tags=["profiles"])


@router.get("", summary="All location profiles")
def list_profiles(profiles: ProfilesDep) -> dict[str, Any]:
    return {"profiles": [profile.model_dump(mode="json") for profile in profiles.all()]}


@router.get("/{profile_id}", summary="One location profile (what templates read instead of $vars)")
def get_profile(profile_id: str, profiles: ProfilesDep) -> dict[str, Any]:
    profile = profiles.get(profile_id)
    if profile is None:
        known = ", ".join(p.id for p in profiles.all()) or "none"
        raise ApiError(404, "profile.unknown", f"No location profile '{profile_id}' (known: {known})")
    return profile.model_dump(mode="json")
