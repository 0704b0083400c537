"""canonical: events already in Belegfluss's own shape (`belegfluss.model`), validated as they are.

The payload is a `Sale` (sale, refund, void) or, with `"type": "z_report"`, a `ZReport`; field
names and rules are the model's own. Errors are pydantic's, as `schema.<error type>` with the
path into the event.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from belegfluss.model import EVENT_ADAPTER, Sale, ZReport

from .errors import MappingError, schema_errors


def map_canonical(payload: Any) -> Sale | ZReport:
    try:
        return EVENT_ADAPTER.validate_python(payload)
    except ValidationError as exc:
        raise MappingError(schema_errors(exc)) from None
