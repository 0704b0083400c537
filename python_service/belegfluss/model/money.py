"""Money as `Decimal`, quantised to cents with ROUND_HALF_UP, carried as strings in JSON.

Vendors hand us floats (SumUp), strings (Shopify) or integer minor units (Square). Every
conversion goes through these helpers so that no float arithmetic ever touches an amount.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import BeforeValidator, PlainSerializer

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


class MoneyError(ValueError):
    """An amount that cannot be read as an exact decimal number."""


def to_decimal(value: Any) -> Decimal:
    """Read a vendor amount exactly: floats through their shortest repr, never binary arithmetic."""
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, bool):
        raise MoneyError(f"not an amount: {value!r}")
    elif isinstance(value, (int, str)):
        try:
            result = Decimal(str(value).strip())
        except InvalidOperation as exc:
            raise MoneyError(f"not an amount: {value!r}") from exc
    elif isinstance(value, float):
        result = Decimal(repr(value))
    else:
        raise MoneyError(f"not an amount: {value!r}")
    if not result.is_finite():
        raise MoneyError(f"not a finite amount: {value!r}")
    return result


def quantize_cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def money(value: Any) -> Decimal:
    """An amount in EUR cents precision (ROUND_HALF_UP)."""
    return quantize_cents(to_decimal(value))


def from_minor_units(amount: int, exponent: int = 2) -> Decimal:
    """Square-style integer minor units → Decimal (exact)."""
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise MoneyError(f"minor units must be an integer: {amount!r}")
    return quantize_cents(Decimal(amount).scaleb(-exponent))


def _parse_money(value: Any) -> Decimal:
    try:
        return money(value)
    except MoneyError as exc:
        raise ValueError(str(exc)) from exc


def _parse_rate(value: Any) -> Decimal:
    try:
        return to_decimal(value).normalize() if to_decimal(value) != 0 else Decimal("0")
    except MoneyError as exc:
        raise ValueError(str(exc).replace("amount", "tax rate")) from exc


def _money_str(value: Decimal) -> str:
    return format(value, "f")


def _rate_str(value: Decimal) -> str:
    return format(value, "f")


Money = Annotated[Decimal, BeforeValidator(_parse_money), PlainSerializer(_money_str, return_type=str)]
"""A cent-exact amount; JSON carries it as a string ("12.50")."""

TaxRate = Annotated[Decimal, BeforeValidator(_parse_rate), PlainSerializer(_rate_str, return_type=str)]
"""A VAT rate in percent ("19", "7", "0"); JSON carries it as a string."""
