"""The FastAPI application: wiring only. Every route lives in `routers/`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI

from .. import __version__
from ..gc_tuning import tune_garbage_collector
from ..profiles.registry import ProfileRegistry
from ..reliability.load_shedding import HeavyRequestGate
from ..reliability.quota_guard import enforce_quota
from ..reliability.request_size import RequestSizeLimit
from ..settings import Settings
from ..store.database import Database
from ..store.keys import create_key
from .deps import KeyCache, require_key
from .errors import install_error_handlers
from .responses import JsonResponse
from .routers import (
    accounting,
    auth,
    consistency,
    delivery,
    events,
    health,
    identity,
    intake,
    profiles,
    quarantine,
    redelivery,
)

PROTECTED_ROUTERS = (auth.router, events.router, intake.router, quarantine.router, profiles.router, accounting.router,
                     delivery.router, redelivery.router,
                     consistency.router, identity.router)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings.from_env()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        database = Database(settings.database_url, settings.database_schema)
        database.migrate()
        if settings.bootstrap_key:
            create_key(database, "admin", label="bootstrap", raw_key=settings.bootstrap_key)
        app.state.database = database
        app.state.profiles = ProfileRegistry.load(settings.profiles_dir)
        app.state.key_cache = KeyCache(settings.api_key_cache_seconds)
        tune_garbage_collector()
        yield
        database.dispose()

    app = FastAPI(
        title="Belegfluss sidecar",
        version=__version__,
        description="Validate, map, dedup, book and DATEV-format POS receipts. Batch endpoints answer per item.",
        default_response_class=JsonResponse,
        lifespan=lifespan,
    )
    app.state.settings = settings
    install_error_handlers(app)
    app.include_router(health.router)
    for router in PROTECTED_ROUTERS:
        app.include_router(router, dependencies=[Depends(require_key), Depends(enforce_quota)])
    # Added last = runs first: the size limit also guards the body the gate peeks into.
    app.add_middleware(HeavyRequestGate, limit=settings.load.max_heavy_requests,
                       retry_after_seconds=settings.load.shed_retry_after_seconds)
    app.add_middleware(RequestSizeLimit, max_bytes=settings.load.max_request_bytes)
    return app
