"""Builders for canonical events in tests: a valid café sale by default, overridden per story."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

_numbers = itertools.count(1000)


def sale(**overrides: Any) -> dict[str, Any]:
    """A cash sale of a coffee (19 %) and a croissant (7 %) at café K1: 3.80 + 2.50 = 6.30."""
    number = next(_numbers)
    event: dict[str, Any] = {
        "type": "sale",
        "id": f"canonical:bon-{number}",
        "source": "canonical",
        "location_id": "cafe-berlin",
        "register_id": "K1",
        "receipt_number": str(number),
        "occurred_at": "2025-03-14T09:30:00+01:00",
        "currency": "EUR",
        "total": "6.30",
        "lines": [
            {"sku": "KAF-1", "name": "Kaffee", "quantity": "1", "unit_price": "3.80", "tax_rate": "19",
             "product_group": "drinks"},
            {"sku": "CRO-1", "name": "Croissant", "quantity": "1", "unit_price": "2.50", "tax_rate": "7",
             "product_group": "food"},
        ],
        "payments": [{"method": "cash", "amount": "6.30"}],
    }
    event.update(overrides)
    return event


def refund_of(original: dict[str, Any], amount: str | None = None, **overrides: Any) -> dict[str, Any]:
    """A cash refund of the coffee (or of `amount`, booked on one 19 % line)."""
    number = next(_numbers)
    value = amount or "3.80"
    event = sale(
        type="refund",
        id=f"canonical:refund-{number}",
        receipt_number=str(number),
        original_id=original["id"],
        total=value,
        lines=[{"sku": "KAF-1", "name": "Kaffee", "quantity": "1", "unit_price": value, "tax_rate": "19"}],
        payments=[{"method": "cash", "amount": value}],
    )
    event.update(overrides)
    return event


TSE_VECTORS_FILE = Path(__file__).parent / "fixtures" / "tse" / "vectors.json"


def tse_vectors() -> list[dict[str, Any]]:
    """Genuine TSE transaction logs signed by BSI's TSE simulator, plus one tampered copy
    (provenance in tests/fixtures/tse/README.md)."""
    return json.loads(TSE_VECTORS_FILE.read_text())["vectors"]
