"""What every CLI command shares: settings, the database, the profiles."""

from __future__ import annotations

from ..api.deps import profile_lookup
from ..profiles.registry import ProfileRegistry
from ..settings import Settings
from ..store.database import Database


def open_database(settings: Settings) -> Database:
    database = Database(settings.database_url, settings.database_schema)
    database.migrate()
    return database


def profiles_for(settings: Settings, profile_id: str | None):  # noqa: ANN201 - a profile lookup
    return profile_lookup(ProfileRegistry.load(settings.profiles_dir), profile_id)
