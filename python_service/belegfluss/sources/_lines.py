"""Building canonical lines from vendor amounts without losing or inventing a cent.

A canonical line is `quantity × unit_price − discount`, all gross. Vendors give a line's gross
total exactly, but its gross unit price only approximately when prices are net (3 × 0.99 net at
19 % is 3.53 gross, not 3 × 1.18 nor 3 × 1.19). `unit_lines` then writes the line as two lines of
the same article (2 × 1.18 + 1 × 1.17), so every line total and every tax-rate total stays exact.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import ROUND_FLOOR, Decimal
from typing import Any

from belegfluss.model import CENT, ZERO, quantize_cents

_HUNDRED = Decimal(100)


def percent_from_fraction(rate: Decimal) -> Decimal:
    """0.19 → 19 (vendors that give VAT as a fraction)."""
    return rate * _HUNDRED


def gross_from_net(net: Decimal, rate_percent: Decimal) -> Decimal:
    return quantize_cents(net * (_HUNDRED + rate_percent) / _HUNDRED)


def unit_lines(
    article: Mapping[str, Any], quantity: Decimal, gross: Decimal, discount: Decimal = ZERO
) -> list[dict[str, Any]]:
    """Canonical line(s) for `quantity` units worth `gross` before a gross `discount`.

    `article` holds the fields every resulting line shares (name, sku, tax_rate, ...).
    """
    if quantity > 0 and quantity == quantity.to_integral_value():
        units = int(quantity)
        base = (gross / units).quantize(CENT, rounding=ROUND_FLOOR)
        odd_units = int((gross - base * units) / CENT)  # units that cost one cent more
        if odd_units == 0:
            return [{**article, "quantity": quantity, "unit_price": base, "discount": discount}]
        cheap_units = units - odd_units
        cheap_gross = base * cheap_units
        first_discount = min(discount, cheap_gross)
        return [
            {**article, "quantity": Decimal(cheap_units), "unit_price": base, "discount": first_discount},
            {
                **article,
                "quantity": Decimal(odd_units),
                "unit_price": base + CENT,
                "discount": discount - first_discount,
            },
        ]
    if quantity > 0:
        unit = quantize_cents(gross / quantity)
        if quantize_cents(unit * quantity) == gross:
            return [{**article, "quantity": quantity, "unit_price": unit, "discount": discount}]
    # Weighed goods whose gross is no exact multiple of a cent price (or a nonsensical quantity,
    # left for validation to report): one line carrying the whole amount.
    return [
        {
            **article,
            "quantity": Decimal(1) if quantity > 0 else quantity,
            "unit_price": gross,
            "discount": discount,
        }
    ]


def allocate(amount: Decimal, weights: Sequence[Decimal]) -> list[Decimal]:
    """Split a cent-exact `amount` in proportion to `weights` (largest remainder): the parts sum to it."""
    if not weights:
        return []
    cents = int(amount / CENT)
    total_weight = sum(weights, ZERO)
    if total_weight <= 0:
        return [amount] + [ZERO] * (len(weights) - 1)
    exact = [cents * weight / total_weight for weight in weights]
    shares = [int(part.to_integral_value(rounding=ROUND_FLOOR)) for part in exact]
    leftover = cents - sum(shares)
    by_remainder = sorted(range(len(weights)), key=lambda i: exact[i] - shares[i], reverse=True)
    for index in by_remainder[:leftover]:
        shares[index] += 1
    return [Decimal(share) * CENT for share in shares]
