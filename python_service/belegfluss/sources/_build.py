"""The last step of every mapper: report what the reader collected, or validate the canonical sale."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from belegfluss.model import Sale

from ._reader import PayloadReader
from .errors import MappingError, schema_errors


def build_sale(reader: PayloadReader, fields: dict[str, Any]) -> Sale:
    if reader.errors:
        raise MappingError(reader.errors)
    try:
        return Sale.model_validate(fields)
    except ValidationError as exc:
        raise MappingError(schema_errors(exc)) from None


def customer_ref(**fields: Any) -> dict[str, Any] | None:
    """The customer reference, or none when the payload names nobody."""
    known = {name: value for name, value in fields.items() if value}
    return known or None
