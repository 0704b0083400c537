"""Small readers of canonical sales, so assertions compare plain tuples of strings."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from belegfluss.model import Sale
from belegfluss.sources import MappingError


def lines_of(sale: Sale) -> list[tuple[str, str, str, str, str]]:
    """(name, quantity, unit price, discount, tax rate) per line."""
    return [
        (line.name, str(line.quantity), str(line.unit_price), str(line.discount), str(line.tax_rate))
        for line in sale.lines
    ]


def payments_of(sale: Sale) -> list[tuple[str, str, str, str, str | None]]:
    """(method, amount, tip, fee, provider) per payment."""
    return [
        (payment.method, str(payment.amount), str(payment.tip), str(payment.fee), payment.provider)
        for payment in sale.payments
    ]


def gross_by_rate(sale: Sale) -> dict[Decimal, Decimal]:
    totals: dict[Decimal, Decimal] = defaultdict(Decimal)
    for line in sale.lines:
        totals[line.tax_rate] += line.total
    return dict(totals)


def error_codes_and_paths(error: MappingError) -> list[tuple[str, str]]:
    return [(item.code, item.path) for item in error.errors]
