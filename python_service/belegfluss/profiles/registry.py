"""Loads the location profiles (`*.yaml`) from one folder and answers lookups by id.

A profile that does not validate stops the start with a message naming the file and the field:
running a location on a half-read profile would book to wrong accounts silently.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import ValidationError

from .model import LocationProfile


class ProfileError(ValueError):
    pass


class ProfileRegistry:
    def __init__(self, profiles: dict[str, LocationProfile]) -> None:
        self._profiles = profiles

    @classmethod
    def load(cls, folder: Path) -> "ProfileRegistry":
        profiles: dict[str, LocationProfile] = {}
        if not folder.is_dir():
            return cls(profiles)
        for path in sorted(folder.glob("*.y*ml")):
            profile = load_profile_file(path)
            if profile.id in profiles:
                raise ProfileError(f"{path}: profile id '{profile.id}' is defined twice")
            profiles[profile.id] = profile
        return cls(profiles)

    def get(self, profile_id: str) -> LocationProfile | None:
        return self._profiles.get(profile_id)

    def all(self) -> list[LocationProfile]:
        return list(self._profiles.values())


def load_profile_file(path: Path) -> LocationProfile:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ProfileError(f"{path}: not valid YAML: {exc}") from exc
    try:
        return LocationProfile.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in error['loc']) or 'profile'}: {error['msg']}" for error in exc.errors()
        )
        raise ProfileError(f"{path}: invalid location profile: {problems}") from exc
