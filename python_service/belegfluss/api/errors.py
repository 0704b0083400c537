"""Request-level errors: `{"error": {"code", "message", "details"?}}` with a fitting status."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from .responses import JsonResponse


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, details: Any = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.details, self.headers = status, code, message, details, headers


def error_body(code: str, message: str, details: Any = None) -> dict[str, Any]:
    error: dict[str, Any] = {"code": code, "message": message}
    if details is not None:
        error["details"] = details
    return {"error": error}


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, exc: ApiError) -> JsonResponse:
        return JsonResponse(error_body(exc.code, exc.message, exc.details), status_code=exc.status,
                            headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(_request: Request, exc: RequestValidationError) -> JsonResponse:
        details = [{"path": ".".join(str(p) for p in e["loc"]), "message": e["msg"]} for e in exc.errors()]
        return JsonResponse(error_body("body.invalid", "The request does not have the expected shape", details),
                            status_code=422)

    @app.exception_handler(OperationalError)
    async def _store_busy(_request: Request, exc: OperationalError) -> JsonResponse:
        # Concurrent writers on PostgreSQL may deadlock (the database aborts one of them) and SQLite
        # may stay locked past its timeout: both are transient, and every endpoint is idempotent,
        # so the caller retries (the n8n node retries 503 with Retry-After).
        if not is_transient(exc):
            raise exc
        return JsonResponse(error_body("store.busy", "The database is busy with a concurrent write; retry"),
                            status_code=503, headers={"Retry-After": "1"})

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_request: Request, exc: StarletteHTTPException) -> JsonResponse:
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http.error")
        return JsonResponse(error_body(code, str(exc.detail)), status_code=exc.status_code)


TRANSIENT_SQLSTATES = {"40P01", "40001"}  # deadlock detected, serialization failure


def is_transient(exc: OperationalError) -> bool:
    sqlstate = getattr(exc.orig, "sqlstate", None)
    return sqlstate in TRANSIENT_SQLSTATES or "database is locked" in str(exc.orig)
