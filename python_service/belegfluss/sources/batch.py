"""Map a batch of POS payloads, answering per item; failures may go to quarantine as tickets."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..store import quarantine as quarantine_store
from ..store.database import Database
from . import map_payload
from .errors import MappingError


def map_batch(database: Database, source: str, items: Sequence[Any], quarantine: bool) -> list[dict[str, Any]]:
    answers: list[dict[str, Any]] = []
    failed: list[tuple[int, list[dict[str, Any]]]] = []
    for index, payload in enumerate(items):
        try:
            event = map_payload(source, payload)
        except MappingError as exc:
            errors = [error.model_dump() for error in exc.errors]
            answers.append({"index": index, "ok": False, "errors": errors})
            failed.append((index, errors))
        else:
            answers.append({"index": index, "ok": True, "event": event.model_dump(mode="json")})
    if quarantine and failed:
        tickets = quarantine_store.add_tickets(database, [
            quarantine_store.NewTicket(stage="map", source=source, payload=items[index], errors=errors)
            for index, errors in failed
        ])
        for (index, _errors), (ticket_id, _created) in zip(failed, tickets):
            answers[index]["ticket_id"] = ticket_id
    return answers
