"""Map a batch of POS payloads, answering per item; optionally validate and store the mapped events
in the same call, and put failures into quarantine as tickets."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from ..store.database import Database
from ..store.quarantine import TicketOrigin
from ..validation.pipeline import ProfileLookup, ValidationResult, check_events, quarantine_failures
from . import MAPPERS, map_payload
from .errors import MappingError


def map_batch(
    database: Database,
    source: str,
    items: Sequence[Any],
    quarantine: bool,
    *,
    validate_with: ProfileLookup | None = None,
    store: bool = True,
    clock_skew: timedelta = timedelta(minutes=5),
) -> list[dict[str, Any]]:
    """With `validate_with` (a profile lookup) the mapped events go straight through validation:
    one request instead of two, and no second parse of the canonical event."""
    results = map_and_check(database, source, items, quarantine, validate_with=validate_with, store=store,
                            clock_skew=clock_skew)
    return [_answer(result, validated=validate_with is not None) for result in results]


def map_and_check(
    database: Database,
    source: str,
    items: Sequence[Any],
    quarantine: bool,
    *,
    validate_with: ProfileLookup | None = None,
    store: bool = True,
    clock_skew: timedelta = timedelta(minutes=5),
    origin: TicketOrigin = TicketOrigin(),
) -> list[ValidationResult]:
    """`map_batch` as results holding the mapped event objects, for callers that go on with them."""
    results = [ValidationResult(index=i) for i in range(len(items))]
    for result, payload in zip(results, items):
        try:
            result.event = map_payload(source, payload)
        except MappingError as exc:
            result.errors = list(exc.errors)
        else:
            result.payload = result.event.model_dump(mode="json")
    mapped = [r for r in results if r.event is not None]
    if validate_with is not None:
        check_events(database, mapped, validate_with, store=store, clock_skew=clock_skew)
    # Tickets keep the vendor payload and stage "map", so a retry maps it again.
    quarantine_failures(database, results, items, stage="map", source=source, everything=quarantine, origin=origin,
                        reason_for=lambda result: _reason(source, result))
    return results


def _reason(source: str, result: ValidationResult) -> str:
    """What a ticket says about the failure in words; its errors say it per field."""
    if source not in MAPPERS:
        return f'Unknown POS source "{source}": use source {", ".join(MAPPERS)}'
    return "POS payload could not be mapped" if result.event is None else "Sale failed validation"


def _answer(result: ValidationResult, validated: bool) -> dict[str, Any]:
    answer: dict[str, Any] = {"index": result.index, "ok": result.ok}
    if result.payload is not None:
        answer["event"] = result.payload
    if not result.ok:
        answer["errors"] = [error.model_dump() for error in result.errors]
    if validated:
        answer["warnings"] = [warning.model_dump() for warning in result.warnings]
        if result.stored:
            answer["stored"] = result.stored
    if result.ticket_id:
        answer["ticket_id"] = result.ticket_id
    return answer

