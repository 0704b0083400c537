"""Errors of the POS mappers: a `MappingError` carries every problem found in one payload.

Codes are stable strings clients switch on:

- `source.unknown`: no mapper for the named source;
- `mapping.invalid_payload`: the payload is not a JSON object;
- `<source>.missing_field`: a field the mapper needs is absent or null (`sumup.missing_field`);
- `<source>.unsupported_status`: the vendor reports the payment as not completed;
- `<source>.ambiguous_payments`, `<source>.refund_amount_mismatch`: the payload cannot be read
  without guessing (see the source module);
- `mapping.invalid_amount`, `mapping.invalid_value`, `mapping.invalid_timestamp`,
  `mapping.currency_mismatch`: a field is present but cannot be read exactly;
- `schema.<pydantic error type>`: the canonical event built from the payload is invalid
  (path into the canonical event).
"""

from __future__ import annotations

from belegfluss.model.errors import ItemError, schema_errors

SOURCE_UNKNOWN = "source.unknown"
INVALID_PAYLOAD = "mapping.invalid_payload"
INVALID_AMOUNT = "mapping.invalid_amount"
INVALID_VALUE = "mapping.invalid_value"
INVALID_TIMESTAMP = "mapping.invalid_timestamp"
CURRENCY_MISMATCH = "mapping.currency_mismatch"

# Per source: prefixed with the source name, e.g. "sumup.missing_field".
MISSING_FIELD = "missing_field"
UNSUPPORTED_STATUS = "unsupported_status"
AMBIGUOUS_PAYMENTS = "ambiguous_payments"
REFUND_AMOUNT_MISMATCH = "refund_amount_mismatch"


class MappingError(ValueError):
    """A payload that cannot become a canonical event; `errors` says why, field by field."""

    def __init__(self, errors: list[ItemError]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{error.code} at {error.path}: {error.message}" for error in errors))


__all__ = ["MappingError", "schema_errors"]
