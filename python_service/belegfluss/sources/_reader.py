"""Reading a vendor payload field by field, collecting every problem instead of stopping at the first.

The source modules pass the vendor's own field names and JSON paths, so the messages name the
field as the vendor's documentation does ("SumUp field 'transaction_code' is missing").
A failed read returns a neutral value (zero, empty) so the mapper can go on and report more.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from belegfluss.model import ZERO, ItemError, to_decimal
from belegfluss.model.money import MoneyError

from . import errors as codes

# Payloads are parsed JSON, so objects are dicts (a plain dict check is much cheaper than the ABC).
_EMPTY: Mapping[str, Any] = {}


def optional_object(obj: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    """A nested object the mapper can do without (details, context); anything else counts as absent."""
    value = obj.get(key)
    return value if isinstance(value, dict) else _EMPTY


class PayloadReader:
    __slots__ = ("source", "vendor", "errors")

    def __init__(self, source: str, vendor: str) -> None:
        self.source = source
        self.vendor = vendor
        self.errors: list[ItemError] = []

    def fail(self, code: str, path: str, message: str, value: Any = None) -> None:
        self.errors.append(ItemError(code=code, path=path, message=message, value=value))

    def missing(self, path: str, key: str) -> None:
        self.fail(
            f"{self.source}.{codes.MISSING_FIELD}", f"{path}.{key}", f"{self.vendor} field '{key}' is missing"
        )

    def field(self, obj: Mapping[str, Any], key: str, path: str) -> Any:
        """A required field of any type; absent, null or "" is reported as missing."""
        value = obj.get(key)
        if value is None or value == "":
            self.missing(path, key)
        return value

    def text(self, obj: Mapping[str, Any], key: str, path: str, required: bool = True) -> str | None:
        """A string or number read as text (vendor ids are sometimes integers)."""
        value = obj.get(key)
        if value is None or value == "":
            if required:
                self.missing(path, key)
            return None
        if isinstance(value, (str, int)) and not isinstance(value, bool):
            return str(value)
        self.fail(codes.INVALID_VALUE, f"{path}.{key}", f"{self.vendor} field '{key}' must be text", value)
        return None

    def mapping(
        self, obj: Mapping[str, Any], key: str, path: str, required: bool = True
    ) -> Mapping[str, Any]:
        value = obj.get(key)
        if value is None:
            if required:
                self.missing(path, key)
            return _EMPTY
        if isinstance(value, dict):
            return value
        self.fail(
            codes.INVALID_VALUE, f"{path}.{key}", f"{self.vendor} field '{key}' must be an object", value
        )
        return _EMPTY

    def items(self, obj: Mapping[str, Any], key: str, path: str, required: bool = True) -> list[Any]:
        """A list field; an empty list counts as missing when the field is required."""
        value = obj.get(key)
        if value is None or value == []:
            if required:
                self.missing(path, key)
            return []
        if isinstance(value, list):
            return value
        self.fail(codes.INVALID_VALUE, f"{path}.{key}", f"{self.vendor} field '{key}' must be a list", value)
        return []

    def objects(
        self, obj: Mapping[str, Any], key: str, path: str, required: bool = True
    ) -> list[Mapping[str, Any]]:
        """A list of objects; elements that are not objects are reported and skipped."""
        found: list[Mapping[str, Any]] = []
        for index, element in enumerate(self.items(obj, key, path, required)):
            if isinstance(element, dict):
                found.append(element)
            else:
                self.fail(
                    codes.INVALID_VALUE,
                    f"{path}.{key}[{index}]",
                    f"{self.vendor} field '{key}' must hold objects",
                    element,
                )
        return found

    def amount(self, obj: Mapping[str, Any], key: str, path: str, required: bool = True) -> Decimal:
        """A major-unit amount (float or string) read exactly; absent and optional means zero."""
        value = obj.get(key)
        if value is None:
            if required:
                self.missing(path, key)
            return ZERO
        try:
            return to_decimal(value)
        except MoneyError:
            self.fail(
                codes.INVALID_AMOUNT, f"{path}.{key}", f"{self.vendor} field '{key}' is not an amount", value
            )
            return ZERO

    def number(
        self, obj: Mapping[str, Any], key: str, path: str, required: bool = True, default: Decimal = ZERO
    ) -> Decimal:
        """A rate or quantity (not money), read exactly."""
        value = obj.get(key)
        if value is None:
            if required:
                self.missing(path, key)
            return default
        try:
            return to_decimal(value)
        except MoneyError:
            self.fail(
                codes.INVALID_VALUE, f"{path}.{key}", f"{self.vendor} field '{key}' is not a number", value
            )
            return default

    def timestamp(
        self, obj: Mapping[str, Any], key: str, path: str, required: bool = True
    ) -> datetime | None:
        """An ISO 8601 timestamp with its UTC offset."""
        value = obj.get(key)
        if value is None or value == "":
            if required:
                self.missing(path, key)
            return None
        try:
            moment = datetime.fromisoformat(value)
        except (TypeError, ValueError):
            moment = None
        if moment is None or moment.tzinfo is None:
            self.fail(
                codes.INVALID_TIMESTAMP,
                f"{path}.{key}",
                f"{self.vendor} field '{key}' must be an ISO 8601 timestamp with time zone",
                value,
            )
            return None
        return moment
